// The IPC channel names without the schemas: the sandboxed preload imports only this file, so its
// bundle stays a few hundred bytes and does not carry zod. `import type` below is erased at build
// time; the two `Exact…` checks make the compiler fail when a channel is added to the contract and
// not listed here (test/shared/ipc/channels.test.ts also compares them with the schemas at run time).
import type { CallChannel, CallMethodName, EventChannel } from './contract';

export const CALL_CHANNELS = [
  'app:ready',
  'self:get',
  'contacts:list',
  'contacts:listCompact',
  'contacts:add',
  'conversations:list',
  'messages:history',
  'messages:send',
  'messages:retry',
  'messages:cancel',
  'messages:delete',
  'messages:markRead',
  'messages:markReadUpTo',
  'messages:typing',
  'messages:search',
  'inspector:packets',
  'inspector:payload',
  'inspector:sockets',
  'drafts:list',
  'drafts:set',
  'settings:get',
  'settings:set',
  'app:openExternal',
  'contacts:safetyNumber',
  'contacts:verify',
  'contacts:acceptKey',
  'messages:sendMany',
  'groups:list',
  'groups:create',
  'groups:add',
  'groups:remove',
  'groups:leave',
  'groups:rename',
  'groups:makeAdmin',
  'groups:deliveries',
  'conversations:mutes',
  'conversations:mute',
  'directory:search',
  'directory:add',
  'files:send',
  'files:accept',
  'files:decline',
  'files:cancel',
  'files:list',
  'files:pause',
  'files:resume',
  'files:retry',
  'files:files',
  'files:pick',
  'files:drop',
  'files:sendImage',
  'files:sendImageMany',
  'files:thumbnail',
  'files:open',
  'ipmsg:refresh',
] as const satisfies readonly CallChannel[];

export const EVENT_CHANNELS = [
  'contact',
  'message',
  'message-state',
  'message-deleted',
  'typing',
  'packets',
  'counters',
  'self',
  'unread',
  'open-conversation',
  'notice',
  'warning',
  'key-changed',
  'group',
  'batch',
  'directory',
  'message-read',
  'transfer',
  'mute',
] as const satisfies readonly EventChannel[];

type Exact<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
/** Compile-time checks: `true` is not assignable to `false` when a list misses a channel. */
export const EVERY_CALL_LISTED: Exact<CallChannel, (typeof CALL_CHANNELS)[number]> = true;
export const EVERY_EVENT_LISTED: Exact<EventChannel, (typeof EVENT_CHANNELS)[number]> = true;

/** Wire names: one namespace so nothing else on the IPC bus can collide. */
export const callChannel = (channel: CallChannel): string => `packet-chat:call:${channel}`;
export const eventChannel = (channel: EventChannel): string => `packet-chat:event:${channel}`;

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

/** `messages:markRead` -> `messagesMarkRead`: the method name of a call on `window.packetChat`. */
export const methodName = <C extends CallChannel>(channel: C): CallMethodName<C> => {
  const [a = '', b = ''] = channel.split(':');
  return `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}` as CallMethodName<C>;
};

/**
 * The `notice` main sends on `app:ready` when events were dropped while the window was not ready
 * (electron/ipc/emitter.ts): what the renderer read before them may be stale, so it reads its
 * state again (renderer/src/store/bridge.ts).
 */
export const EVENTS_DROPPED_NOTICE = 'events-dropped';

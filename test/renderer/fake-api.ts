// `window.packetChat` for tests: every call is validated with the contract's schema and answered by
// a handler map, as main does (electron/ipc/register-calls.ts, minus the sender check, which needs
// a window); events are dispatched synchronously by `emit`.
import { CALL_CHANNELS, methodName } from '../../shared/ipc/channels';
import type {
  CallChannel,
  CallHandlers,
  EventChannel,
  EventPayloads,
  EventSink,
  IpcResult,
  PacketChatApi,
} from '../../shared/ipc/contract';
import { invokeCall } from '../../shared/ipc/invoke';

/** Answers one call the way main's dispatcher does: schema, handler, IpcResult. */
export function answerCall(
  handlers: CallHandlers,
  channel: string,
  rawArgs: unknown,
): Promise<IpcResult<unknown>> {
  return invokeCall(handlers, channel, rawArgs);
}

export interface FakeApi {
  readonly api: PacketChatApi;
  /** Sends an event to every listener the renderer attached. */
  readonly emit: EventSink;
  /** Every call made, in order. */
  readonly calls: { readonly channel: CallChannel; readonly args: unknown }[];
  /** Listeners currently attached, per event. */
  listenerCount(event: EventChannel): number;
}

export function fakeApi(handlers: CallHandlers): FakeApi {
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  const api: Record<string, unknown> = {};
  for (const channel of CALL_CHANNELS) {
    api[methodName(channel)] = (args?: unknown) => {
      calls.push({ channel, args });
      return answerCall(handlers, channel, args);
    };
  }
  // The preload turns dropped File objects into paths (electron/preload.ts); here each File
  // "is" /dropped/NAME, and anything else has no path, as with Electron.
  api[methodName('files:drop')] = (args: { peerId: string; files: readonly unknown[] }) => {
    const paths = args.files.flatMap((f) => (f instanceof File ? [`/dropped/${f.name}`] : []));
    calls.push({ channel: 'files:drop', args: { peerId: args.peerId, paths } });
    return answerCall(handlers, 'files:drop', { peerId: args.peerId, paths });
  };
  api['on'] = (event: EventChannel, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return {
    api: api as PacketChatApi,
    emit,
    calls,
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}

// The contract between the Electron main process and the renderer: one channel map for calls
// (renderer -> main, request/response) and one for events (main -> renderer). Plain ECMAScript
// plus zod: main, preload and renderer all compile this file in their own type worlds.
//
// Every call's argument is validated in main with the schema below; every call resolves to an
// IpcResult (errors cross IPC as data with a closed set of codes, never as thrown exceptions).
import { z } from 'zod';
import type {
  DeliveryStatus,
  NodeCounters,
  PeerChange,
  PeerInfo,
  PeerStatus,
  Transport,
} from './domain';
import { MAX_NICK_LENGTH } from './protocol/constants';

// ---------------------------------------------------------------------------------------------
// Data shapes

export interface InterfaceInfo {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
  readonly broadcast: string;
  readonly internal: boolean;
}

/** This node as the renderer shows it in "my card" and the About box. */
export interface SelfInfo {
  readonly nodeId: string;
  readonly nick: string;
  readonly status: PeerStatus;
  readonly host: string;
  /** The IPv4 address peers on the LAN most likely reach us at (127.0.0.1 when offline). */
  readonly address: string;
  /** The port our datagrams come from: what peers show as our `IP:port`. */
  readonly clientPort: number;
  readonly serverPort: number;
  /** TCP fallback port, or null when TCP is off. */
  readonly tcpPort: number | null;
  readonly interfaces: readonly InterfaceInfo[];
  readonly profile: string;
  readonly appVersion: string;
  readonly protocolVersion: number;
}

/** A contact: a PacketChat peer, or a "stranger" (a plain UDP tool) known only by IP:port. */
export interface Contact extends PeerInfo {
  readonly kind: 'peer' | 'stranger';
}

export type MessageDirection = 'in' | 'out';
/** Outgoing messages carry a delivery status; incoming ones are `received`. */
export type MessageState = DeliveryStatus | 'received';

export interface ChatMessage {
  readonly id: string;
  /** The contact this message belongs to (peer id, or `stranger:IP:PORT`). */
  readonly peerId: string;
  readonly direction: MessageDirection;
  readonly text: string;
  readonly transport: Transport;
  readonly state: MessageState;
  /** Sender's clock when written, and ours when stored (ms since the Unix epoch). */
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly rttMs?: number;
  /** The IP:port the message came from or went to. */
  readonly remote: string;
}

export interface ConversationSummary {
  readonly peerId: string;
  readonly unread: number;
  readonly lastMessage: ChatMessage | null;
}

export interface HistoryPage {
  /** Oldest first within the page. */
  readonly messages: readonly ChatMessage[];
  /** Pass as `before` to get the next older page; null when there is nothing older. */
  readonly nextCursor: string | null;
}

export interface SearchHit {
  readonly messageId: string;
  readonly peerId: string;
  /** Text around the match; the matched words are wrapped in [ and ]. */
  readonly snippet: string;
  readonly at: number;
}

export type PacketDirection = 'in' | 'out';

export interface PacketLogEntry {
  /** Increasing number, unique per node run. */
  readonly seq: number;
  readonly at: number;
  readonly direction: PacketDirection;
  readonly transport: Transport;
  readonly local: string;
  readonly remote: string;
  readonly size: number;
  /** Packet kind (`announce`, `text`, …), or `plain`, `junk`, `fragment`. */
  readonly kind: string;
  readonly summary: string;
  /** The decoded packet fields, when it decoded. */
  readonly fields?: Readonly<Record<string, string | number | boolean | null>>;
  /** The peer this packet is from or to, when known. */
  readonly peerId?: string;
}

export type SocketRole = 'udp-server' | 'udp-client' | 'tcp-listener' | 'tcp-connection';

export interface SocketInfo {
  readonly role: SocketRole;
  readonly local: string;
  readonly remote?: string;
  readonly state: string;
}

export interface SocketsSnapshot {
  readonly sockets: readonly SocketInfo[];
  readonly interfaces: readonly InterfaceInfo[];
  readonly counters: NodeCounters;
}

export const LANGUAGES = ['system', 'zh-CN', 'en'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

const port = z.number().int().min(1).max(65_535);
/** An IPv4 address with an optional port, or an IPv4 broadcast address. */
export const endpointText = z
  .string()
  .trim()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(:\d{1,5})?$/,
    'expected IPv4 address or IP:PORT',
  );

export const settingsSchema = z.object({
  nick: z.string().trim().min(1).max(MAX_NICK_LENGTH),
  status: z.enum(['online', 'away', 'busy']),
  serverPort: port,
  clientPort: port,
  tcpFallback: z.boolean(),
  /** Extra discovery targets: unicast IP[:PORT] or another subnet's broadcast address. */
  discoveryTargets: z.array(endpointText).max(64),
  language: z.enum(LANGUAGES),
  theme: z.enum(THEMES),
  notifications: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

// ---------------------------------------------------------------------------------------------
// Calls: renderer -> main. Each entry: argument schema and result type.

const peerId = z.string().min(1).max(80);
const none = z.undefined();

export const callSchemas = {
  /** The renderer is ready for events; main flushes what it queued. */
  'app:ready': none,
  'self:get': none,
  'contacts:list': none,
  'contacts:add': z.object({ address: endpointText }),
  'conversations:list': none,
  'messages:history': z.object({
    peerId,
    before: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(500),
  }),
  'messages:send': z.object({ peerId, text: z.string().min(1).max(65_536) }),
  'messages:retry': z.object({ messageId: z.string().min(1).max(64) }),
  'messages:markRead': z.object({ peerId }),
  'messages:search': z.object({
    query: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(200),
  }),
  'inspector:packets': z.object({ limit: z.number().int().min(1).max(5_000) }),
  'inspector:sockets': none,
  'settings:get': none,
  'settings:set': settingsSchema.partial(),
  'app:openExternal': z.object({ url: z.url({ protocol: /^https?$/ }).max(2_048) }),
} as const;

export interface CallResults {
  'app:ready': null;
  'self:get': SelfInfo;
  'contacts:list': Contact[];
  'contacts:add': { address: string; port: number };
  'conversations:list': ConversationSummary[];
  'messages:history': HistoryPage;
  'messages:send': ChatMessage;
  'messages:retry': null;
  'messages:markRead': null;
  'messages:search': SearchHit[];
  'inspector:packets': PacketLogEntry[];
  'inspector:sockets': SocketsSnapshot;
  'settings:get': Settings;
  'settings:set': Settings;
  'app:openExternal': null;
}

export type CallChannel = keyof typeof callSchemas;
export type CallArgs<C extends CallChannel> = z.input<(typeof callSchemas)[C]>;
export type ParsedCallArgs<C extends CallChannel> = z.output<(typeof callSchemas)[C]>;

export const IPC_ERROR_CODES = [
  'invalid-argument',
  'untrusted-sender',
  'unknown-channel',
  'not-found',
  'unavailable',
  'internal',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
  /** For invalid-argument: which field was wrong. */
  readonly field?: string;
}

export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

// ---------------------------------------------------------------------------------------------
// Events: main -> renderer.

export interface EventPayloads {
  contact: PeerChange & { readonly kind: 'peer' | 'stranger' };
  /** A message was stored: received, or sent by this node. */
  message: ChatMessage;
  /** A sent message changed state. */
  'message-state': {
    readonly id: string;
    readonly peerId: string;
    readonly state: DeliveryStatus;
    readonly transport: Transport;
    readonly rttMs?: number;
  };
  /** Packet log entries, batched (at most a few batches per second). */
  packets: readonly PacketLogEntry[];
  counters: NodeCounters;
  self: SelfInfo;
  unread: { readonly total: number };
  /** Main wants a conversation shown (a notification or tray click). */
  'open-conversation': { readonly peerId: string };
  /** Something the user should know about (database moved aside, port in use, …). */
  notice: {
    readonly level: 'info' | 'warning' | 'error';
    readonly code: string;
    readonly message: string;
  };
}

export type EventChannel = keyof EventPayloads;

/** IPC channel names on the wire: one namespace so nothing else can collide. */
export const callChannelName = (channel: CallChannel): string => `packet-chat:call:${channel}`;
export const eventChannelName = (channel: EventChannel): string => `packet-chat:event:${channel}`;

/** `messages:markRead` -> `messagesMarkRead`: the method name of a call on `window.packetChat`. */
export type CallMethodName<C extends string> = C extends `${infer A}:${infer B}`
  ? `${A}${Capitalize<B>}`
  : C;

export const callMethodName = <C extends CallChannel>(channel: C): CallMethodName<C> => {
  const [a = '', b = ''] = channel.split(':');
  return `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}` as CallMethodName<C>;
};

type CallMethod<C extends CallChannel> =
  CallArgs<C> extends undefined
    ? () => Promise<IpcResult<CallResults[C]>>
    : (args: CallArgs<C>) => Promise<IpcResult<CallResults[C]>>;

/** The object the preload exposes as `window.packetChat`: one function per call, one `on` for events. */
export type PacketChatApi = {
  readonly [C in CallChannel as CallMethodName<C>]: CallMethod<C>;
} & {
  /** Subscribes to one event; returns the function that unsubscribes. */
  readonly on: <E extends EventChannel>(
    event: E,
    listener: (payload: EventPayloads[E]) => void,
  ) => () => void;
};

export type { DeliveryStatus, PeerStatus, Transport };

// ---------------------------------------------------------------------------------------------
// Main side: what answers the calls. Implemented by electron/app/backend.ts over the node and the
// store; wrapped by the IPC layer (sender check, schema validation) in Electron, and by the
// end-to-end test bridge in Chromium tests.

/** A handler failure with a code from the closed set; anything else thrown becomes `internal`. */
export class IpcFailure extends Error {
  override readonly name = 'IpcFailure';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type CallHandlers = {
  readonly [C in CallChannel]: (
    args: ParsedCallArgs<C>,
  ) => CallResults[C] | Promise<CallResults[C]>;
};

export type EventSink = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void;

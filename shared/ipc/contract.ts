// The contract between the Electron main process and the renderer: call results, events, the
// error shape and the API object. Types only (plus the IpcFailure class). Every call resolves to
// an IpcResult: errors cross IPC as data with a closed set of codes, never as thrown exceptions.
// The same contract is served to the renderer over Electron IPC, to the end-to-end tests over a
// Playwright bridge, and to scripts over the CLI's --json mode.
import type { z } from 'zod';
import type {
  ChatMessage,
  Contact,
  ConversationSummary,
  GroupChange,
  GroupInfo,
  DirectoryEntry,
  Draft,
  HistoryPage,
  InterfaceInfo,
  MemberDelivery,
  MessageStateChange,
  NodeCounters,
  PacketLogEntry,
  PeerChange,
  PeerStatus,
  RecipientTally,
  RelayStatus,
  SearchHit,
  SocketsSnapshot,
} from '../domain';
import type { TransferEvent, TransferFileInfo, TransferInfo } from '../transfers';
import type { CompactContacts } from './contacts-compact';
import type { callSchemas, Settings } from './schemas';

/** This node as the renderer shows it in "my card" and the About box. */
export interface SelfInfo {
  readonly nodeId: string;
  /** The fingerprint of this node's key (the node id is its first 32 hex digits). */
  readonly fingerprint: string;
  readonly nick: string;
  readonly status: PeerStatus;
  /** My custom status text ('' for none). */
  readonly statusText: string;
  /** The hue of my chosen avatar colour, when I chose one. */
  readonly avatarHue?: number;
  readonly host: string;
  /** The IPv4 address peers on the LAN most likely reach us at (127.0.0.1 when offline). */
  readonly address: string;
  /** The port our datagrams come from: what peers show as our `IP:port`. */
  readonly clientPort: number;
  readonly serverPort: number;
  /** TCP fallback port, or null when TCP is off. */
  readonly tcpPort: number | null;
  readonly interfaces: readonly InterfaceInfo[];
  /** Where announces go (broadcast addresses and configured peers), as IP:PORT. */
  readonly discoveryTargets: readonly string[];
  /** The relay brokers and the connection to each ('self' is emitted again when one changes). */
  readonly relays: readonly RelayStatus[];
  readonly profile: string;
  readonly appVersion: string;
  readonly protocolVersion: number;
  /**
   * The IPMsg bridge (docs/IPMSG.md): the port it holds, or null with the reason (turned off, or
   * the port is taken and by whom). Absent where the app runs without the bridge at all.
   */
  readonly ipmsg?: { readonly port: number | null; readonly reason?: string };
}

export interface CallResults {
  'app:ready': null;
  'self:get': SelfInfo;
  'contacts:list': Contact[];
  /** The same list in the renderer's compact shape (contacts-compact.ts): about a third of the bytes. */
  'contacts:listCompact': CompactContacts;
  /**
   * Where the hello went. With `waitMs`: `peer` is who answered in time, or null when nobody did.
   */
  'contacts:add': { address: string; port: number; peer?: Contact | null };
  'conversations:list': ConversationSummary[];
  'messages:history': HistoryPage;
  /** The message as stored, in state `sending`; later states come as `message-state` events. */
  'messages:send': ChatMessage;
  'messages:retry': null;
  'messages:cancel': null;
  /** The ids that were deleted (unknown ones are skipped). */
  'messages:delete': { deleted: string[] };
  /** The conversation marked read, and the unread total left. */
  'messages:markRead': { peerId: string; unread: number };
  /** The conversation's unread count left, and the total left. */
  /** `mentions`: the conversation's unread messages left that @mention me. */
  'messages:markReadUpTo': { peerId: string; unread: number; mentions: number; total: number };
  'messages:typing': null;
  'messages:search': SearchHit[];
  'inspector:packets': PacketLogEntry[];
  /**
   * The packet's bytes in base64 (at most 8 KiB; `size` is the whole packet's), or null when the
   * log no longer has them.
   */
  /**
   * A logged packet's bytes; for a sealed record the inner packet, decrypted (`decrypted`), whose
   * size is the record's minus its 29 bytes of header and tag.
   */
  'inspector:payload': { seq: number; base64: string; size: number; decrypted: boolean } | null;
  'inspector:sockets': SocketsSnapshot;
  'drafts:list': Draft[];
  'drafts:set': null;
  'settings:get': Settings;
  'settings:set': Settings;
  'app:openExternal': null;
  /** The 60-digit safety number and QR payload with a peer, and both keys' fingerprints. */
  'contacts:safetyNumber': { digits: string; qr: string; fingerprint: string; mine: string };
  'contacts:verify': Contact;
  /** The contact's conversation now continues under this id. */
  'contacts:acceptKey': { peerId: string };
  'directory:search': DirectoryEntry[];
  'directory:add': null;
  /** The offer as made (state `offered`); later states come as `transfer` events. */
  'files:send': TransferInfo;
  'files:accept': TransferInfo;
  'files:decline': TransferInfo;
  'files:cancel': TransferInfo;
  'files:list': TransferInfo[];
  'files:pause': TransferInfo;
  'files:resume': TransferInfo;
  /** Fetches only the failed files of a failed transfer again (receiver). */
  'files:retry': TransferInfo;
  /** The files of one transfer (a folder may hold thousands: asked for, not sent with events). */
  'files:files': TransferFileInfo[];
  /**
   * What the user picked in main's file dialog (empty when cancelled). Only these paths may then
   * be sent (`files:send`) or saved into (`files:accept`) by the renderer.
   */
  'files:pick': { paths: string[] };
  /** The offer made of what was dropped (as `files:send`). */
  'files:drop': TransferInfo;
  /** The offer made of a pasted image, saved first as a file in the profile (`pasted/…`). */
  'files:sendImage': TransferInfo;
  /** The offers made of one pasted image (saved once) to each peer, and the peers refused. */
  'files:sendImageMany': MultiFileResult;
  /** A received, verified image (PNG, JPEG, GIF or WebP by its bytes, at most 20 MiB), or null. */
  'files:thumbnail': { mime: ImageMime; base64: string } | null;
  /**
   * The local path that was opened or shown in its folder. Only the desktop shell opens it
   * (electron/ipc/app-handlers.ts); the backend alone (the CLI) only says where it is.
   */
  'files:open': { path: string };
  /** IPMsg: BR_ENTRY to everyone now; peers that do not answer are marked offline. */
  'ipmsg:refresh': null;
  'messages:sendMany': MultiSendResult;
  'groups:list': GroupInfo[];
  /** The group as it is after the call; every member's node also gets a `group` event. */
  'groups:create': GroupInfo;
  'groups:add': GroupInfo;
  'groups:remove': GroupInfo;
  'groups:leave': GroupInfo;
  'groups:rename': GroupInfo;
  'groups:makeAdmin': GroupInfo;
  'groups:deliveries': MemberDelivery[];
  /** The muted conversations (groups `group:ID` and contacts). */
  'conversations:mutes': string[];
  /** The conversation's state after the call; every window also gets a `mute` event. */
  'conversations:mute': { peerId: string; muted: boolean };
}

/**
 * One compose action sent to several conversations: separate one-to-one messages (each with its
 * own `message-state` events), tallied together by `batch` events.
 */
/** The same files offered to several peers, one one-to-one transfer each. */
export interface MultiFileResult {
  readonly sent: readonly TransferInfo[];
  /** Peers no offer could be made to, with the reason. */
  readonly failed: readonly { readonly peerId: string; readonly message: string }[];
}

export interface MultiSendResult {
  readonly batch: string;
  /** The messages as stored, in state `sending`, in the order of `peerIds`. */
  readonly messages: readonly ChatMessage[];
  /** Recipients no message could be made for (unknown peer, …), with the reason's code. */
  readonly failed: readonly { readonly peerId: string; readonly reason: string }[];
  readonly tally: RecipientTally;
}

/** The image types a thumbnail or a pasted image may be (judged by the file's first bytes). */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * What the page passes to `filesDrop`: the DOM File objects of a drop (typed `object` here, as
 * shared/ has no DOM types). The preload asks Electron for each one's path; a File the page made
 * itself has none, so the page cannot name a path of its choosing (docs/SECURITY.md).
 */
export interface DroppedFiles {
  readonly peerId: string;
  readonly files: readonly object[];
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
  /** The finer reason a transport may show (`unknown-peer`, `empty`, `too-long`, `disk-full`, …). */
  readonly reason?: string;
}

export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** A warning from the node (junk, rate limits, failed sends), throttled per kind and source. */
export interface NodeWarningPayload {
  readonly code: string;
  readonly message: string;
  readonly remote?: { readonly address: string; readonly port: number };
  /** Warnings of this kind from this source that were counted but not reported since the last. */
  readonly suppressed: number;
}

/** Events: main -> renderer. */
export interface EventPayloads {
  contact: {
    readonly change: PeerChange['change'];
    readonly peer: Contact;
    readonly kind: Contact['kind'];
    readonly previous?: PeerChange['previous'];
    /** For `path`: how the contact was reached before. */
    readonly previousPath?: PeerChange['previousPath'];
    /**
     * With `offline`: this contact (an IPMsg peer) turned out to be that PacketChat contact, and
     * is shown as it from now on; drop it from the list.
     */
    readonly mergedInto?: string;
  };
  /**
   * A contact's key changed: someone with its name or old id has a new key. Messages to it are
   * held until the user accepts (`contacts:acceptKey`).
   */
  'key-changed': {
    readonly peer: string;
    /** Fingerprints of the pinned key and of the new one. */
    readonly previous: string;
    readonly fingerprint: string;
    /** The node id of the new key. */
    readonly to: string;
  };
  /** A message was received and stored. (A sent one is the answer of `messages:send`.) */
  message: ChatMessage;
  /**
   * A sent message changed state. For a group message (`peerId` is `group:ID`) `recipients`
   * says how many members have it.
   */
  'message-state': MessageStateChange;
  /** A group's membership changed, or this node joined, left or was removed from one. */
  group: GroupChange;
  /** A message of a multi-send changed state: the whole batch's tally ("delivered to 5 of 6"). */
  batch: { readonly batch: string; readonly tally: RecipientTally };
  /** Messages were deleted from this computer (`messages:delete`). */
  'message-deleted': { readonly peerId: string; readonly ids: readonly string[] };
  /** A peer is typing to us: show it for TYPING_SHOWN_MS after the last one. */
  typing: { readonly peerId: string };
  /** An IPMsg peer opened a sealed message we sent (READMSG). */
  'message-read': { readonly messageId: string; readonly peerId: string; readonly at: number };
  /** A file transfer changed state or made progress (at most every 500 ms). */
  transfer: TransferEvent;
  /** Packet log entries, batched (at most a few batches per second). */
  packets: readonly PacketLogEntry[];
  counters: NodeCounters;
  self: SelfInfo;
  unread: { readonly total: number };
  /** Main wants a conversation shown (a notification or tray click). */
  'open-conversation': { readonly peerId: string };
  /** Something the user should know about (database moved aside, disk full, port in use, …). */
  notice: {
    readonly level: 'info' | 'warning' | 'error';
    readonly code: string;
    readonly message: string;
  };
  warning: NodeWarningPayload;
  /** A node was listed (or renamed) in a relay directory: someone to search for, not a contact. */
  directory: DirectoryEntry;
  /**
   * A conversation was muted or unmuted: it does not notify and its unread count is not
   * emphasised, except for messages that @mention this node.
   */
  mute: { readonly peerId: string; readonly muted: boolean };
}

export type EventChannel = keyof EventPayloads;

/** `messages:markRead` -> `messagesMarkRead`: the method name of a call on `window.packetChat`. */
export type CallMethodName<C extends string> = C extends `${infer A}:${infer B}`
  ? `${A}${Capitalize<B>}`
  : C;

/** What the page passes for a call: the contract's argument, except a drop's File objects. */
type PageArgs<C extends CallChannel> = C extends 'files:drop' ? DroppedFiles : CallArgs<C>;

type CallMethod<C extends CallChannel> =
  CallArgs<C> extends undefined
    ? () => Promise<IpcResult<CallResults[C]>>
    : (args: PageArgs<C>) => Promise<IpcResult<CallResults[C]>>;

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

/** A handler failure with a code from the closed set; anything else thrown becomes `internal`. */
export class IpcFailure extends Error {
  override readonly name = 'IpcFailure';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly field?: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** What answers the calls: electron/app/handlers.ts, behind every transport. */
export type CallHandlers = {
  readonly [C in CallChannel]: (
    args: ParsedCallArgs<C>,
  ) => CallResults[C] | Promise<CallResults[C]>;
};

export type EventSink = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void;

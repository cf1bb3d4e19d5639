// The net core's public types: what createNode() takes and emits. Code outside electron/net
// reaches these through electron/net/index.ts only.
import type { Endpoint } from '../../shared/address';
import type {
  ChatMessage,
  GroupChange,
  DirectoryEntry,
  InterfaceInfo,
  MessageStateChange,
  NodeCounters,
  PacketLogEntry,
  PeerChange,
  PeerStatus,
  RelayStatus,
  Transport,
  Via,
} from '../../shared/domain';

export interface NodeInfo {
  readonly nodeId: string;
  readonly nick: string;
  readonly host: string;
  readonly status: PeerStatus;
  /** The custom status text ('' for none). */
  readonly statusText: string;
  readonly avatarHue?: number;
  readonly serverPort: number;
  readonly clientPort: number;
  readonly tcpPort: number | null;
  readonly interfaces: readonly InterfaceInfo[];
  readonly discoveryTargets: readonly string[];
  /** The relay brokers and the connection to each (none without --relay). */
  readonly relays: readonly RelayStatus[];
  readonly counters: Readonly<NodeCounters>;
}

export type WarningCode =
  'junk' | 'rate-limited' | 'send-failed' | 'socket-error' | 'tcp' | 'relay';

export interface NodeWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly remote?: Endpoint;
  /** Warnings of this code from this source that were counted but not reported since the last. */
  readonly suppressed: number;
}

/**
 * Durable storage failed (`ok: false`, reported once per episode: received messages are not
 * acknowledged meanwhile, so senders keep them) or works again (`ok: true`).
 */
export interface StorageHealth {
  readonly ok: boolean;
  readonly diskFull: boolean;
  readonly message: string;
}

export interface PeerSession {
  readonly peerId: string;
  /** The peer's X25519 public key, hex. */
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly nick: string;
  readonly host: string;
  /** Node ids the peer says it had before (its protocol v1 id). */
  readonly aliases: readonly string[];
}

/** A plain-UDP correspondent (e.g. `nc -u`), known by IP:port. */
export interface Stranger {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  /** The local socket it wrote to; replies leave from the same one (a connected `nc -u` only
   * accepts datagrams from the address it sent to). */
  readonly via: Via;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface NodeEvents {
  ready: [NodeInfo];
  peer: [PeerChange];
  stranger: [{ stranger: Stranger; added: boolean }];
  /** A received message, stored (when the node has storage) before it is shown or acknowledged. */
  message: [ChatMessage];
  'message-state': [MessageStateChange];
  /** A peer is typing to us (a `typing` packet; shown for TYPING_SHOWN_MS). */
  typing: [{ readonly peerId: string }];
  warning: [NodeWarning];
  storage: [StorageHealth];
  /** A control message we sent changed state (`delivered`: the peer's consumer handled it). */
  'control-state': [{ readonly change: MessageStateChange; readonly control: string }];
  /** A control message we sent shows in the conversation as a card (a file offer). */
  card: [ChatMessage];
  /** A handshake completed: the peer proved this key (its node id is derived from it). */
  session: [PeerSession];
  packet: [PacketLogEntry];
  /** A group's membership changed (made here or by another member), or we joined or left one. */
  group: [GroupChange];
  /** A relay connection changed state (connecting, connected, offline): every broker's status. */
  relay: [readonly RelayStatus[]];
  /** A node was listed (or renamed) in a relay's directory: a hint, not a contact. */
  directory: [DirectoryEntry];
}

export type NodeErrorCode =
  | 'not-started'
  | 'closed'
  | 'unknown-peer'
  | 'empty'
  | 'too-long'
  | 'not-found'
  | 'storage'
  | 'no-relay'
  /** A group change this node may not make (not an admin, not a member any more, …). */
  | 'not-allowed';

export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type { Transport };

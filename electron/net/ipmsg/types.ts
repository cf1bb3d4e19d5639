// The IPMsg module's public types. Where they overlap with the PacketChat node they are the same
// shapes (shared/domain.ts), so the backend attaches both with the same code.
import type {
  ChatMessage,
  IpmsgBadge,
  MessageStateChange,
  PacketLogEntry,
  PeerChangeKind,
  PeerInfo,
} from '../../../shared/domain';
import type { RenamedInside } from '../../../shared/files/types';
import type { NodeWarning, StorageHealth } from '../types';
import type { IpmsgEncoding } from './text-encoding';

/** The program on the other side, from its version string. */
export type IpmsgClient = 'iptux' | 'feiq' | 'pchat' | 'ipmsg';

export type { IpmsgBadge };

/** An IPMsg peer: a PeerInfo (id `ipmsg:IP`, port 2425) with what IPMsg tells about it. */
export interface IpmsgPeer extends PeerInfo {
  readonly protocol: 'ipmsg';
  readonly badge: IpmsgBadge;
  readonly client: IpmsgClient;
  /** IPMsg is plain text on the wire: always false, shown as "not encrypted". */
  readonly encrypted: false;
  /** The version field as sent, e.g. `1_iptux 0.8.3`, `1_lbt6_0#128#…`, `1`. */
  readonly version: string;
  /** The login name of the header (IPMsg's "user"). */
  readonly user: string;
  readonly group: string;
  /** What its non-ASCII text turned out to be, or what we assume before it wrote any. */
  readonly encoding: IpmsgEncoding;
  /** Set when the encoding was learned from its packets (not guessed from the client). */
  readonly encodingLearned: boolean;
  /** It announced CAPUTF8OPT, or marks its packets UTF8OPT. */
  readonly utf8Capable: boolean;
  /** It announced FILEATTACHOPT (iptux does not, but takes files anyway). */
  readonly fileAttach: boolean;
  /** Answer to GETINFO, when asked. */
  readonly info?: string;
  /** The peer's absence text (BR_ABSENCE nick suffix or SENDABSENCEINFO). */
  readonly absence?: string;
}

export interface IpmsgPeerChange {
  readonly change: PeerChangeKind;
  readonly peer: IpmsgPeer;
  readonly previous?: { readonly address: string; readonly port: number };
}

/** What a received message carried beyond the ChatMessage. */
export interface IpmsgMessageMeta {
  readonly packetNo: number;
  /** Sent to several people (MULTICASTOPT), or iptux's group/segment message. */
  readonly multicast: boolean;
  readonly broadcast: boolean;
  /** Sealed (SECRETOPT): the sender wants a READMSG when it is opened. */
  readonly sealed: boolean;
  readonly encoding: IpmsgEncoding | 'ascii';
  /** Files offered with it (also reported as a `file-offer` event). */
  readonly offerId?: string;
}

export interface MessageRead {
  readonly messageId: string;
  readonly peerId: string;
  readonly at: number;
}

export interface IncomingFile {
  readonly fileId: number;
  readonly name: string;
  readonly size: number;
  readonly mtime: number;
  readonly kind: 'file' | 'folder' | 'other';
}

export interface IncomingOffer {
  /** `ipmsg:IP#packetNo`, what acceptFile() and declineOffer() take. */
  readonly offerId: string;
  readonly peerId: string;
  readonly packetNo: number;
  readonly files: readonly IncomingFile[];
  /** iptux's shared files (an answer to askShared()). */
  readonly shared: boolean;
  readonly at: number;
}

export interface OutgoingOffer {
  readonly offerId: string;
  readonly peerId: string;
  readonly files: readonly {
    readonly fileId: number;
    readonly path: string;
    readonly kind: 'file' | 'folder';
    readonly size: number;
  }[];
  /** The message that carried the offer (its delivery state follows as message-state events). */
  readonly message: ChatMessage;
}

/** The peer sent RELEASEFILES for one of our offers: it declined it, or has fetched it all. */
export interface OfferReleased {
  readonly offerId: string;
  readonly peerId: string;
}

export type TransferDirection = 'receive' | 'send';
export type TransferState = 'running' | 'done' | 'failed';

export interface TransferProgress {
  readonly transferId: string;
  readonly direction: TransferDirection;
  readonly peerId: string;
  readonly offerId: string;
  readonly fileId: number;
  readonly name: string;
  readonly state: TransferState;
  readonly bytes: number;
  /** Known for files; the sum announced for a folder (0 when the sender did not say). */
  readonly total: number;
  /** Where it was written (receive) or read from (send). */
  readonly path?: string;
  /** The peer ignored the resume offset and the transfer started over from byte 0. */
  readonly restarted?: boolean;
  /**
   * A received folder's end (done or failed): the names inside it saved under another name (the
   * first ones, and how many more), relative to the folder it was accepted into.
   */
  readonly renamedInside?: RenamedInside;
  readonly error?: string;
}

/** Port 2425 is taken: by another PacketChat copy (its SENDINFO says which), or another program. */
export interface PortUnavailable {
  readonly code: 'port-in-use' | 'bind-failed';
  readonly port: number;
  readonly message: string;
  /** A PacketChat copy on this host answered GETINFO with this. */
  readonly packetChat?: string;
  /** The process holding the port, when the OS tells (Linux /proc, same user or root). */
  readonly process?: { readonly pid: number; readonly command: string };
}

export interface IpmsgInfo {
  readonly nick: string;
  readonly user: string;
  readonly host: string;
  readonly group: string;
  readonly port: number;
  /** The address its sockets are bound to (`0.0.0.0`: every interface). */
  readonly bindAddress: string;
  readonly addresses: readonly string[];
  readonly targets: readonly string[];
}

export type IpmsgStartResult =
  | { readonly ok: true; readonly info: IpmsgInfo }
  | { readonly ok: false; readonly unavailable: PortUnavailable };

export interface IpmsgEvents {
  ready: [IpmsgInfo];
  'port-unavailable': [PortUnavailable];
  peer: [IpmsgPeerChange];
  message: [ChatMessage, IpmsgMessageMeta];
  'message-state': [MessageStateChange];
  'message-read': [MessageRead];
  'file-offer': [IncomingOffer];
  'offer-released': [OfferReleased];
  transfer: [TransferProgress];
  warning: [NodeWarning];
  storage: [StorageHealth];
  packet: [PacketLogEntry];
}

export type IpmsgErrorCode =
  | 'not-started'
  | 'closed'
  | 'unknown-peer'
  | 'empty'
  | 'too-long'
  | 'not-found'
  | 'bad-path'
  | 'unsupported';

export class IpmsgError extends Error {
  override readonly name = 'IpmsgError';
  constructor(
    readonly code: IpmsgErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The three seams of the file-transfer engine (docs/FILES.md, "What the core must implement"):
 *
 * - ControlChannel: small JSON control messages through the node's reliable, ordered, stored
 *   message stream (protocol v2 seals them like chat messages);
 * - DataChannel: bidirectional streams of binary records over TCP (protocol v2 seals each record
 *   with the session's keys, one AES-GCM record per frame);
 * - TransferStore: the engine's durable state (the app backs it with SQLite).
 *
 * Nothing here throws: failures are values (results, `closed`), so nothing a peer does can throw
 * out of a handler.
 */
import type { FileControlMessage } from '../../../shared/files/control';
import type { Manifest, OfferSummary } from '../../../shared/files/manifest';
import type {
  FileErrorCode,
  TransferDirection,
  TransferFileState,
  TransferReason,
  TransferState,
} from '../../../shared/files/types';

/** Stops a subscription; safe to call twice. */
export type Disposer = () => void;

// ---- Control channel -------------------------------------------------------------------------

export type ControlSendResult =
  | { readonly ok: true; readonly messageId: string }
  | {
      readonly ok: false;
      readonly code: 'unknown-peer' | 'too-large' | 'storage' | 'closed';
      readonly message: string;
    };

export interface IncomingControl {
  /** The authenticated sender. */
  readonly peerId: string;
  readonly messageId: string;
  /** The JSON object as it arrived; the engine validates it (parseControlMessage). */
  readonly body: unknown;
}

export interface ControlChannel {
  /**
   * Puts `body` into the reliable stream to `peerId`. When it returns `ok` the message is stored:
   * the node delivers it exactly once, in order with every other message to that peer, whenever
   * the peer can be reached, across restarts of either side. Synchronous; never throws.
   */
  send(peerId: string, body: FileControlMessage): ControlSendResult;
  /**
   * Every incoming message whose `type` starts with `file-`, in per-sender order, one at a time.
   * The node acknowledges a message only after the handler's promise settled (store, then ack).
   */
  onMessage(handler: (message: IncomingControl) => Promise<void>): Disposer;
  /** The peer acknowledged one of our messages: it has handled and stored it. */
  onDelivered(handler: (peerId: string, messageId: string) => void): Disposer;
}

// ---- Data channel ----------------------------------------------------------------------------

export type ChannelErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'reset'
  | 'too-large'
  | 'protocol'
  | 'auth'
  | 'closed'
  /**
   * The only way to the peer is gone (its relay broker connection dropped): the receiving
   * transfer pauses with reason `relay-unreachable` and resumes when a path returns, instead of
   * retrying into nothing.
   */
  | 'path-down';

export interface ChannelError {
  readonly code: ChannelErrorCode;
  readonly message: string;
}

export type OpenResult =
  | { readonly ok: true; readonly stream: RecordStream }
  | { readonly ok: false; readonly error: ChannelError };

export type WriteResult =
  { readonly ok: true } | { readonly ok: false; readonly error: ChannelError };

export interface CloseInfo {
  readonly by: 'local' | 'remote' | 'error';
  readonly error?: ChannelError;
}

/** One bidirectional, ordered, reliable stream of records between this node and a peer. */
export interface RecordStream {
  /** The authenticated peer at the other end. */
  readonly peerId: string;
  /**
   * Sends one record of 1 to MAX_DATA_RECORD_BYTES bytes; the stream owns `record` from now on.
   * Resolves when the record is queued and the queue is below the channel's high-water mark, so
   * awaiting every write is the back-pressure. Never rejects; `ok: false` once closed or failed.
   */
  write(record: Uint8Array): Promise<WriteResult>;
  /**
   * The next record, whole and in order, or undefined once the stream is closed (`closed` says
   * why). Records are queued up to a high-water mark; a slow reader makes the channel stop
   * reading its socket, which is the back-pressure in the other direction. One reader at a time.
   */
  read(): Promise<Uint8Array | undefined>;
  /** Closes both directions; idempotent. Pending writes and reads settle. */
  close(): void;
  /** Settles (never rejects) once the stream is closed, with who closed it and why. */
  readonly closed: Promise<CloseInfo>;
  /**
   * The channel's own bound on bytes requested and not yet received per lane, when it is
   * tighter than the engine's (a relay lane through a broker: docs/RELAY.md, "File data").
   */
  readonly windowBytes?: number;
}

export interface DataChannel {
  /** A new stream to `peerId` (a new TCP connection, sealed by the v2 core). Never rejects. */
  open(peerId: string): Promise<OpenResult>;
  /** Streams that peers open to us. A stream that no handler takes is closed. */
  onIncoming(handler: (stream: RecordStream) => void): Disposer;
}

// ---- Store -----------------------------------------------------------------------------------

/** Sender side: where an offered top-level item lives on this machine. */
export interface SourceRoot {
  /** Its top-level name in the manifest. */
  readonly name: string;
  /** Absolute local path of the file or folder. */
  readonly path: string;
}

/** Everything about a transfer except per-file progress. JSON-serialisable. */
export interface StoredTransfer {
  readonly id: string;
  readonly peerId: string;
  readonly direction: TransferDirection;
  readonly state: TransferState;
  /** Why it failed (state `failed`). */
  readonly reason?: TransferReason;
  /** Paused on this side, and why (user, disk-full, …); cleared by resume. */
  readonly localPause?: TransferReason;
  /** Paused by the peer (file-pause received, no file-resume since). */
  readonly peerPaused?: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly summary: OfferSummary;
  readonly manifestSha256: string;
  readonly manifestBytes: number;
  /** The sender always has it; the receiver once it came inline or was fetched. */
  readonly manifest?: Manifest;
  /** Sender: the local items behind the manifest's top-level names. */
  readonly sources?: readonly SourceRoot[];
  /** Sender: manifest index → local path under its root, where NFC changed the name. */
  readonly localNames?: readonly (readonly [number, string])[];
  /** Receiver: the chosen target folder (absolute). */
  readonly dir?: string;
  /** Receiver: safe relative paths of the empty folders, once planned. */
  readonly folders?: readonly string[];
  /** Receiver: files have their safe names (`savedAs`). */
  readonly planned?: boolean;
  /** Sender: the peer has acknowledged the offer. */
  readonly offerDelivered?: boolean;
  /** Sender: the control channel's id of the offer, so its delivery is known after a restart. */
  readonly offerMessageId?: string;
  /** Control messages decided but not yet handed to the control channel. */
  readonly outbox: readonly FileControlMessage[];
}

export interface StoredFile {
  readonly index: number;
  readonly state: TransferFileState;
  readonly bytesDone: number;
  /** Receiver: the safe path relative to the target folder. */
  readonly savedAs?: string;
  readonly sha256?: string;
  readonly error?: FileErrorCode;
  /** Whole-file attempts that ended in a hash mismatch (one automatic retry). */
  readonly attempts: number;
}

export interface LoadedTransfer {
  readonly transfer: StoredTransfer;
  readonly files: readonly StoredFile[];
}

/**
 * Durable state. Every method is synchronous and durable when it returns, or throws (the engine
 * then pauses the transfer with reason `storage`).
 */
export interface TransferStore {
  load(): readonly LoadedTransfer[];
  saveTransfer(transfer: StoredTransfer): void;
  /** Inserts or replaces these files (by index) of a saved transfer. */
  saveFiles(transferId: string, files: readonly StoredFile[]): void;
  deleteTransfer(transferId: string): void;
}

/**
 * File transfers as the UI and the CLI see them (docs/FILES.md). The engine in electron/net/files
 * emits these; nothing here depends on Node.
 */

export const TRANSFER_STATES = [
  'offered',
  'accepted',
  'declined',
  'active',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

export type TransferDirection = 'send' | 'receive';

/** Why a transfer is paused, waiting or failed; shown next to the state. */
export type TransferReason =
  /** The user paused it on this side. */
  | 'user'
  /** The other side paused it. */
  | 'peer-paused'
  /** The target folder's disk is full: freeing space resumes it. */
  | 'disk-full'
  /** Not enough free space for what is left (checked before accepting and on resume). */
  | 'no-space'
  /** The data connection cannot be opened: the engine keeps trying. */
  | 'peer-unreachable'
  /**
   * The peer is reached only through a relay broker and no broker connection is up: paused at
   * once, and resumed when a broker connection or the LAN path to the peer returns.
   */
  | 'relay-unreachable'
  /** The engine's store could not save its state. */
  | 'storage'
  /** The target folder is gone or cannot be written. */
  | 'target-unwritable'
  /** The sender no longer offers it (it lost or cancelled the transfer). */
  | 'refused'
  /** The peer's manifest was not acceptable (bad shape, wrong hash). */
  | 'bad-manifest'
  /** Some files failed (see their errors); `retry` fetches only those again. */
  | 'files-failed';

export type TransferFileState = 'pending' | 'active' | 'done' | 'failed' | 'skipped';

/** Why one file failed or was skipped. */
export type FileErrorCode =
  | 'unsafe-name'
  | 'hash-mismatch'
  | 'source-changed'
  | 'source-unreadable'
  | 'write-failed'
  | 'refused'
  | 'protocol';

/** One transfer: the `transfer` event and the CLI's `{"type":"transfer","transfer":{…}}`. */
export interface TransferInfo {
  readonly id: string;
  readonly peerId: string;
  readonly direction: TransferDirection;
  readonly state: TransferState;
  readonly reason?: TransferReason;
  /** Number of files (the list itself: `files(id)`, since a folder may hold thousands). */
  readonly files: number;
  readonly filesDone: number;
  readonly filesFailed: number;
  /** Empty folders in the offer. */
  readonly folders: number;
  /** Top-level names of the offer, as the sender named them (at most 20). */
  readonly names: readonly string[];
  readonly bytes: number;
  readonly bytesDone: number;
  /** Bytes per second over the last few seconds; 0 when idle. */
  readonly rate: number;
  /** The folder chosen when accepting (receiver). */
  readonly dir?: string;
  /** Sender: the peer has the offer (its node acknowledged the control message). */
  readonly delivered?: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TransferFileInfo {
  readonly index: number;
  /** The path in the sender's manifest. */
  readonly path: string;
  /** Where it is (or will be) saved, relative to the target folder, when it differs or is known. */
  readonly savedAs?: string;
  readonly size: number;
  readonly bytesDone: number;
  readonly state: TransferFileState;
  readonly sha256?: string;
  readonly error?: FileErrorCode;
  /**
   * An item that is a whole folder whose files the protocol does not list (IPMsg): the names
   * inside it that were saved under another name.
   */
  readonly renamedInside?: RenamedInside;
}

/**
 * Names inside a received folder item that were saved under another name: the first ones (at most
 * MAX_RENAMED_INSIDE, shared/files/limits.ts), each with the sender's path, the reasons and the
 * saved path (both relative to the folder the item was accepted into), and how many more.
 */
export interface RenamedInside {
  readonly names: readonly PathIssue[];
  readonly more: number;
}

/** The `done` event: every file that was kept, with its verified SHA-256. */
export interface TransferDone {
  readonly transfer: TransferInfo;
  readonly files: readonly {
    readonly path: string;
    readonly savedAs?: string;
    readonly size: number;
    readonly sha256: string;
  }[];
}

export const PATH_ISSUE_REASONS = [
  'traversal',
  'absolute',
  'drive-letter',
  'empty',
  'too-long',
  'too-deep',
  'reserved-name',
  'bad-character',
  'trailing-dot-or-space',
  'invisible-character',
  'reserved-suffix',
  'clash',
  'symlink',
  'not-regular',
  'unreadable',
  'duplicate',
] as const;
export type PathIssueReason = (typeof PATH_ISSUE_REASONS)[number];

export interface PathIssue {
  /** The name as the sender wrote it (or the local path, on the sender's side). */
  readonly path: string;
  readonly reasons: readonly PathIssueReason[];
  /** The safe name it gets; absent when it is skipped. */
  readonly renamedTo?: string;
}

/** What happened to names: the sender learns it when offering, the receiver when accepting. */
export interface PathReport {
  readonly transferId: string;
  readonly side: TransferDirection;
  readonly renamed: readonly PathIssue[];
  readonly skipped: readonly PathIssue[];
}

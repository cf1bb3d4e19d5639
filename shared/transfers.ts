// File transfers as the UI and the CLI see them, whichever protocol carries them (PacketChat's own
// file engine, or IPMsg's GETFILEDATA/GETDIRFILES). The same shape as the file engine's
// TransferInfo (issue 14, "CLI --json additions"), so both routes report alike: when the engine
// lands, its shared types and these are one (this file then re-exports them).

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

/** Why a transfer is paused or failed, shown next to the state (a subset of the engine's). */
export type TransferReason =
  /** Some files failed (their errors were reported as warnings). */
  | 'files-failed'
  /** The peer cannot be reached. */
  | 'peer-unreachable'
  /** The sender no longer offers it. */
  | 'refused'
  /** The target folder is gone or cannot be written. */
  | 'target-unwritable';

/** One transfer: the `transfer` event and the CLI's `{"type":"transfer","transfer":{…}}`. */
export interface TransferInfo {
  /** `ipmsg:IP#…` for IPMsg transfers. */
  readonly id: string;
  readonly peerId: string;
  readonly direction: TransferDirection;
  readonly state: TransferState;
  readonly reason?: TransferReason;
  /** Number of offered items (an IPMsg folder counts as one until it has arrived). */
  readonly files: number;
  readonly filesDone: number;
  readonly filesFailed: number;
  /** Empty folders in the offer (IPMsg does not say: 0). */
  readonly folders: number;
  /** Top-level names of the offer, as the sender named them (at most 20). */
  readonly names: readonly string[];
  /** Total size as offered (an IPMsg sender may announce 0 for a folder). */
  readonly bytes: number;
  readonly bytesDone: number;
  /** Bytes per second over the last few seconds; 0 when idle. */
  readonly rate: number;
  /** The folder chosen when accepting (receiver). */
  readonly dir?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A file that arrived (receiver) or was fetched whole (sender), with its SHA-256. */
export interface TransferDoneFile {
  /** Relative to the target folder (receiver), or the local path (sender). */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** The `transfer` event: every state change, and at most every 500 ms while bytes move. */
export interface TransferEvent {
  readonly transfer: TransferInfo;
  /** With state `done`: every file kept, with its SHA-256. */
  readonly files?: readonly TransferDoneFile[];
}

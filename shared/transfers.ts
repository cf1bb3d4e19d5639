// File transfers as the UI and the CLI see them, whichever protocol carries them (PacketChat's own
// file engine, docs/FILES.md, or IPMsg's). The engine's shared types are the contract; this file
// re-exports them and adds the `transfer` event's shape.
export {
  TRANSFER_STATES,
  type TransferDirection,
  type TransferInfo,
  type TransferReason,
  type TransferState,
  type TransferFileInfo,
} from './files/types';
import type { TransferInfo } from './files/types';

/** A file that arrived (receiver) or was sent whole (sender), with its verified SHA-256. */
export interface TransferDoneFile {
  /** Relative to the target folder (receiver: where it was saved), or the offered path (sender). */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** The `transfer` event: every state change, and at most every 500 ms while bytes move. */
export interface TransferEvent {
  readonly transfer: TransferInfo;
  /** With state `done` (or `failed` with some files kept): every file kept, with its SHA-256. */
  readonly files?: readonly TransferDoneFile[];
}

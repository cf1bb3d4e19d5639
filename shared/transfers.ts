// File transfers as the UI and the CLI see them, whichever protocol carries them (PacketChat's own
// file engine, or IPMsg's GETFILEDATA/GETDIRFILES): the file engine's types (shared/files/types.ts,
// issue 14), plus the `transfer` event that carries them to transports.
import type { TransferDone, TransferInfo } from './files/types';

export {
  TRANSFER_STATES,
  type TransferDirection,
  type TransferInfo,
  type TransferReason,
  type TransferState,
  type TransferFileInfo,
} from './files/types';

/**
 * A file that was kept, with its SHA-256. For IPMsg transfers `path` is relative to the target
 * folder (receiver) or the local path (sender).
 */
export type TransferDoneFile = TransferDone['files'][number];

/** The `transfer` event: every state change, and at most every 500 ms while bytes move. */
export interface TransferEvent {
  readonly transfer: TransferInfo;
  /** With state `done`: every file kept, with its SHA-256. */
  readonly files?: readonly TransferDoneFile[];
}

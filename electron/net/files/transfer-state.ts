/**
 * The transfer state machine (docs/FILES.md, "States"), pure: which event moves which state.
 * Both sides use the same table; an event that does not apply is refused (undefined).
 */
import type { TransferState } from '../../../shared/files/types';

export type TransferEvent =
  'accept' | 'decline' | 'start' | 'pause' | 'resume' | 'complete' | 'fail' | 'retry' | 'cancel';

const TABLE: Readonly<Record<TransferState, Partial<Record<TransferEvent, TransferState>>>> = {
  offered: { accept: 'accepted', decline: 'declined', cancel: 'cancelled' },
  accepted: {
    start: 'active',
    pause: 'paused',
    complete: 'done',
    fail: 'failed',
    cancel: 'cancelled',
  },
  active: {
    start: 'active',
    pause: 'paused',
    complete: 'done',
    fail: 'failed',
    cancel: 'cancelled',
  },
  paused: { pause: 'paused', resume: 'active', cancel: 'cancelled', fail: 'failed' },
  failed: { retry: 'active', start: 'active', cancel: 'cancelled' },
  done: {},
  declined: {},
  cancelled: {},
};

export function nextState(state: TransferState, event: TransferEvent): TransferState | undefined {
  return TABLE[state][event];
}

/** States in which nothing more happens. */
export function isFinal(state: TransferState): boolean {
  return state === 'done' || state === 'declined' || state === 'cancelled';
}

/** States in which the receiver pulls (or would, once the peer can be reached). */
export function isRunning(state: TransferState): boolean {
  return state === 'accepted' || state === 'active';
}

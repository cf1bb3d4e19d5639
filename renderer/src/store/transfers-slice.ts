import type { TransferInfo } from '../../../shared/transfers';
import type { SliceCreator, ToastText, TransferTextKey, TransfersSlice } from './state';

/** How many of an offer's names a notice shows; the rest are counted ("+3"). */
const NAMES_SHOWN = 3;

export function offerNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} +${String(names.length - NAMES_SHOWN)}` : shown;
}

/**
 * The notice a transfer's new state deserves, if any. Progress (`active`, `paused`) and our own
 * steps (`accepted`, a send `offered`) say nothing: only an offer to us and how a transfer ended.
 */
function noticeKey(
  t: TransferInfo,
): { key: TransferTextKey; level: 'info' | 'warning' } | undefined {
  const receive = t.direction === 'receive';
  switch (t.state) {
    case 'offered':
      return receive ? { key: 'transfer.offered', level: 'info' } : undefined;
    case 'done':
      return { key: receive ? 'transfer.received' : 'transfer.sent', level: 'info' };
    case 'declined':
      return { key: receive ? 'transfer.declinedByMe' : 'transfer.declined', level: 'info' };
    case 'cancelled':
      return { key: 'transfer.cancelled', level: 'info' };
    case 'failed':
      return { key: 'transfer.failed', level: 'warning' };
    case 'accepted':
    case 'active':
    case 'paused':
      return undefined;
  }
}

/**
 * `transfer` events into the store. Until the transfer view exists (the file engine's UI), every
 * change of state worth knowing is a plain notice, so files from an IPMsg peer are never silent.
 */
export const createTransfersSlice: SliceCreator<TransfersSlice> = () => (set, get) => ({
  transfers: {},
  applyTransfer: ({ transfer }) => {
    const previous = get().transfers[transfer.id];
    set((state) => ({ transfers: { ...state.transfers, [transfer.id]: transfer } }));
    if (previous?.state === transfer.state) return;
    const notice = noticeKey(transfer);
    if (notice === undefined) return;
    const nick = get().contacts[transfer.peerId]?.nick ?? transfer.peerId;
    const text: ToastText = {
      key: notice.key,
      values: { nick, names: offerNames(transfer.names), n: transfer.files },
    };
    get().pushToast({
      level: notice.level,
      code: `transfer-${transfer.state}`,
      message: `${transfer.state}: ${text.values.names} (${nick})`,
      text,
    });
  },
});

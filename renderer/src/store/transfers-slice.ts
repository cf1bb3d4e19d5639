import type { IpcResult } from '../../../shared/ipc/contract';
import type { TransferInfo } from '../../../shared/transfers';
import { toBase64 } from '../lib/base64';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type {
  SliceCreator,
  ToastText,
  TransferAction,
  TransferTextKey,
  TransfersSlice,
} from './state';

/** How many of an offer's names a notice shows; the rest are counted ("+3"). */
const NAMES_SHOWN = 3;

export function offerNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} +${String(names.length - NAMES_SHOWN)}` : shown;
}

/**
 * The notice a transfer's new state deserves, if any: how a transfer ended. Progress (`active`,
 * `paused`) and our own steps (`accepted`, a send `offered`) say nothing, and neither does an
 * offer to us: it is a card in its conversation, with Accept, from PacketChat and IPMsg peers
 * alike, and it stays there (a notice would vanish after a few seconds).
 */
function noticeKey(
  t: TransferInfo,
): { key: TransferTextKey; level: 'info' | 'warning' } | undefined {
  const receive = t.direction === 'receive';
  switch (t.state) {
    case 'done':
      return { key: receive ? 'transfer.received' : 'transfer.sent', level: 'info' };
    case 'declined':
      return { key: receive ? 'transfer.declinedByMe' : 'transfer.declined', level: 'info' };
    case 'cancelled':
      return { key: 'transfer.cancelled', level: 'info' };
    case 'failed':
      return { key: 'transfer.failed', level: 'warning' };
    case 'offered':
    case 'accepted':
    case 'active':
    case 'paused':
      return undefined;
  }
}

/**
 * File transfers by id, kept current by `transfer` events (docs/FILES.md, docs/UI.md): the cards
 * in the conversation read them, and how each transfer ended is also a notice.
 */
export const createTransfersSlice: SliceCreator<TransfersSlice> = (api) => (set, get) => ({
  transfers: {},
  transfersLoad: IDLE,
  loadTransfers: async () => {
    set({ transfersLoad: LOADING });
    const result = await settle(() => api.filesList());
    if (!result.ok) {
      set({ transfersLoad: failed(result.error.message) });
      return;
    }
    // Events that came while loading are newer than the list: they win.
    const known = get().transfers;
    const transfers: Record<string, TransferInfo> = {};
    for (const t of result.value) transfers[t.id] = t;
    set({ transfers: { ...transfers, ...known }, transfersLoad: READY });
  },
  applyTransfer: ({ transfer }) => {
    const previous = get().transfers[transfer.id];
    // An older report that arrives late (a call's answer after the event) changes nothing.
    if (previous !== undefined && previous.updatedAt > transfer.updatedAt) return;
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
  transferAction: async (action: TransferAction, id: string) => {
    const call = (): Promise<IpcResult<TransferInfo>> => {
      switch (action) {
        case 'decline':
          return api.filesDecline({ id });
        case 'cancel':
          return api.filesCancel({ id });
        case 'pause':
          return api.filesPause({ id });
        case 'resume':
          return api.filesResume({ id });
        case 'retry':
          return api.filesRetry({ id });
      }
    };
    const result = await settle(call);
    if (result.ok) get().applyTransfer({ transfer: result.value });
    return result;
  },
  acceptTransfer: async (id, elsewhere = false) => {
    const saved = get().settings?.downloadDir ?? null;
    let dir: string | undefined;
    if (saved !== null && !elsewhere) dir = saved;
    else {
      const picked = await settle(() => api.filesPick({ kind: 'folder' }));
      if (!picked.ok) return picked;
      [dir] = picked.value.paths;
    }
    if (dir === undefined) return { ok: true, value: null };
    const result = await settle(() => api.filesAccept({ id, dir }));
    if (!result.ok) return result;
    get().applyTransfer({ transfer: result.value });
    return { ok: true, value: result.value };
  },
  dropFiles: async (peerId, files) => {
    const result = await settle(() => api.filesDrop({ peerId, files }));
    if (result.ok) get().applyTransfer({ transfer: result.value });
    return result;
  },
  sendImage: async (peerId, image) => {
    const data = toBase64(new Uint8Array(await image.arrayBuffer()));
    const result = await settle(() => api.filesSendImage({ peerId, data }));
    if (result.ok) get().applyTransfer({ transfer: result.value });
    return result;
  },
  sendImageMany: async (peerIds, image) => {
    const data = toBase64(new Uint8Array(await image.arrayBuffer()));
    const result = await settle(() => api.filesSendImageMany({ peerIds: [...peerIds], data }));
    if (result.ok) for (const transfer of result.value.sent) get().applyTransfer({ transfer });
    return result;
  },
  transferThumbnail: (id, index) => settle(() => api.filesThumbnail({ id, index })),
  transferFiles: (id) => settle(() => api.filesFiles({ id })),
  openTransfer: (id, reveal, file) =>
    settle(() => api.filesOpen(file === undefined ? { id, reveal } : { id, file, reveal })),
  pickFolder: async () => {
    const picked = await settle(() => api.filesPick({ kind: 'folder' }));
    return picked.ok ? { ok: true, value: picked.value.paths[0] ?? null } : picked;
  },
  transfersViewOpen: false,
  setTransfersViewOpen: (open) => set({ transfersViewOpen: open }),
  sendFiles: async (peerId, kind) => {
    const picked = await settle(() => api.filesPick({ kind }));
    if (!picked.ok) return picked;
    if (picked.value.paths.length === 0) return { ok: true, value: null };
    const result = await settle(() => api.filesSend({ peerId, paths: picked.value.paths }));
    if (!result.ok) return result;
    get().applyTransfer({ transfer: result.value });
    return { ok: true, value: result.value };
  },
});

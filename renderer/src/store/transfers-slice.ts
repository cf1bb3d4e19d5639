import type { IpcResult } from '../../../shared/ipc/contract';
import type { TransferInfo } from '../../../shared/transfers';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type { SliceCreator, TransferAction, TransfersSlice } from './state';

/** File transfers by id, kept current by `transfer` events (docs/FILES.md, docs/UI.md). */
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
    const current = get().transfers[transfer.id];
    if (current !== undefined && current.updatedAt > transfer.updatedAt) return;
    set({ transfers: { ...get().transfers, [transfer.id]: transfer } });
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
  acceptTransfer: async (id) => {
    const picked = await settle(() => api.filesPick({ kind: 'folder' }));
    if (!picked.ok) return picked;
    const [dir] = picked.value.paths;
    if (dir === undefined) return { ok: true, value: null };
    const result = await settle(() => api.filesAccept({ id, dir }));
    if (!result.ok) return result;
    get().applyTransfer({ transfer: result.value });
    return { ok: true, value: result.value };
  },
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

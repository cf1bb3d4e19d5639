import type { SelfInfo } from '../../../shared/ipc/contract';
import { failed, IDLE, LOADING, READY, settle, type Load, type SliceCreator } from './types';

export interface SelfSlice {
  self: SelfInfo | null;
  selfLoad: Load;
  loadSelf: () => Promise<void>;
  setSelf: (self: SelfInfo) => void;
}

export const createSelfSlice: SliceCreator<SelfSlice> = (api) => (set) => ({
  self: null,
  selfLoad: IDLE,
  loadSelf: async () => {
    set({ selfLoad: LOADING });
    const result = await settle(() => api.selfGet());
    if (result.ok) set({ self: result.value, selfLoad: READY });
    else set({ selfLoad: failed(result.error.message) });
  },
  setSelf: (self) => set({ self, selfLoad: READY }),
});

import { failed, IDLE, LOADING, READY, settle } from './load';
import type { SelfSlice, SliceCreator } from './state';

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

import { failed, IDLE, LOADING, READY, settle } from './load';
import type { SettingsSlice, SliceCreator } from './state';

export const createSettingsSlice: SliceCreator<SettingsSlice> = (api) => (set) => ({
  settings: null,
  settingsLoad: IDLE,
  loadSettings: async () => {
    set({ settingsLoad: LOADING });
    const result = await settle(() => api.settingsGet());
    if (result.ok) set({ settings: result.value, settingsLoad: READY });
    else set({ settingsLoad: failed(result.error.message) });
  },
  saveSettings: async (patch) => {
    const result = await settle(() => api.settingsSet(patch));
    if (result.ok) set({ settings: result.value });
    return result;
  },
});

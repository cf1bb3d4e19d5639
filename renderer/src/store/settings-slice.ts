import type { Settings } from '../../../shared/ipc/schemas';
import type { IpcResult } from '../../../shared/ipc/contract';
import { failed, IDLE, LOADING, READY, settle, type Load, type SliceCreator } from './types';

export interface SettingsSlice {
  settings: Settings | null;
  settingsLoad: Load;
  loadSettings: () => Promise<void>;
  /** Sends only already-validated fields; main validates again and answers with the whole set. */
  saveSettings: (patch: Partial<Settings>) => Promise<IpcResult<Settings>>;
}

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

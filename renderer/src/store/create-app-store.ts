import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PacketChatApi } from '../../../shared/ipc/contract';
import { createContactsSlice } from './contacts-slice';
import { createConversationsSlice } from './conversations-slice';
import { createDirectorySlice } from './directory-slice';
import { createDraftsSlice } from './drafts-slice';
import { createGroupsSlice } from './groups-slice';
import { createInspectorSlice } from './inspector-slice';
import { createSelfSlice } from './self-slice';
import { createSettingsSlice } from './settings-slice';
import { createTrustSlice } from './trust-slice';
import type { AppState } from './state';
import { createTransfersSlice } from './transfers-slice';
import { createUiSlice } from './ui-slice';

export type AppStore = StoreApi<AppState>;

/** One store made of slices; it talks to main only through `api`. React-free: see context.tsx. */
export function createAppStore(api: PacketChatApi): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createSelfSlice(api)(...a),
    ...createContactsSlice(api)(...a),
    ...createConversationsSlice(api)(...a),
    ...createDraftsSlice(api)(...a),
    ...createGroupsSlice(api)(...a),
    ...createDirectorySlice(api)(...a),
    ...createInspectorSlice(api)(...a),
    ...createSettingsSlice(api)(...a),
    ...createTransfersSlice(api)(...a),
    ...createTrustSlice(api)(...a),
    ...createUiSlice(api)(...a),
  }));
}

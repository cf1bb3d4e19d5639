import { settle } from './load';
import type { SliceCreator, Toast, UiSlice } from './state';

let toastCounter = 0;
export const SEARCH_LIMIT = 50;

export const createUiSlice: SliceCreator<UiSlice> = (api) => (set, get) => ({
  view: 'chats',
  settingsOpen: false,
  activePeerId: null,
  windowHidden: false,
  collapsedGroups: { online: false, offline: false, strangers: false },
  searchQuery: '',
  searchHits: [],
  searchStatus: 'idle',
  highlightMessageId: null,
  toasts: [],
  setView: (view) => set({ view }),
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
  openConversation: (peerId) => {
    set({ activePeerId: peerId, view: 'chats' });
    const thread = get().threads[peerId];
    if (!thread || thread.load.status === 'idle') void get().loadOlder(peerId);
    get().markRead(peerId);
  },
  setWindowHidden: (windowHidden) => {
    set({ windowHidden });
    const peerId = get().activePeerId;
    if (!windowHidden && peerId && get().view === 'chats') get().markRead(peerId);
  },
  toggleGroup: (group) =>
    set((state) => ({
      collapsedGroups: { ...state.collapsedGroups, [group]: !state.collapsedGroups[group] },
    })),
  setSearchQuery: (searchQuery) => {
    set({ searchQuery });
    if (searchQuery.trim() === '') set({ searchHits: [], searchStatus: 'idle' });
  },
  runSearch: async (query) => {
    const trimmed = query.trim();
    if (trimmed === '') return;
    set({ searchStatus: 'loading' });
    const result = await settle(() => api.messagesSearch({ query: trimmed, limit: SEARCH_LIMIT }));
    // A newer query may have been typed meanwhile: only its answer counts.
    if (get().searchQuery.trim() !== trimmed) return;
    if (result.ok) set({ searchHits: result.value, searchStatus: 'ready' });
    else set({ searchHits: [], searchStatus: 'error' });
  },
  jumpToMessage: async (hit) => {
    get().openConversation(hit.peerId);
    set({ highlightMessageId: null });
    if (await get().loadUntil(hit.peerId, hit.messageId))
      set({ highlightMessageId: hit.messageId });
  },
  clearHighlight: () => set({ highlightMessageId: null }),
  pushToast: (notice) => {
    toastCounter += 1;
    const toast: Toast = { id: toastCounter, ...notice };
    set((state) => ({ toasts: [...state.toasts.slice(-3), toast] }));
  },
  dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
});

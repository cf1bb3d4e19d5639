import { settle } from './load';
import { groupOf } from './selectors';
import type { SliceCreator, Toast, UiSlice } from './state';

let toastCounter = 0;
export const SEARCH_LIMIT = 50;

/** The window is on screen and has the focus (where messages count as read). */
export function windowIsActive(): boolean {
  // Structural: the store also runs where there is no DOM (the Node tests and benchmarks).
  const doc = (globalThis as { document?: { visibilityState: string; hasFocus(): boolean } })
    .document;
  return doc === undefined || (doc.visibilityState === 'visible' && doc.hasFocus());
}

export const createUiSlice: SliceCreator<UiSlice> = (api) => (set, get) => ({
  view: 'chats',
  settingsOpen: false,
  activePeerId: null,
  windowActive: windowIsActive(),
  listAtBottom: true,
  pinnedGroup: null,
  composerFocus: 0,
  dividers: {},
  selection: null,
  menu: null,
  forwarding: null,
  confirmingDelete: null,
  autoAway: false,
  statusMenuOpen: false,
  addingContact: false,
  collapsedGroups: { groups: false, online: false, offline: false, strangers: false },
  searchQuery: '',
  searchHits: [],
  searchStatus: 'idle',
  highlightMessageId: null,
  toasts: [],
  groupDialog: null,
  setGroupDialog: (groupDialog) => set({ groupDialog, menu: null }),
  setView: (view) => {
    if (view !== get().view) void get().flushDrafts();
    set({ view, menu: null });
  },
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
  openConversation: (peerId) => {
    const s = get();
    const previous = s.activePeerId;
    void s.flushDrafts();
    const summary = s.summaries[peerId];
    const contact = s.contacts[peerId];
    const dividers = { ...s.dividers };
    // Leaving a conversation read: its divider goes. Opening one with unread messages: the
    // divider stands before the oldest of them, and the list lands there.
    if (previous !== null && previous !== peerId && (s.summaries[previous]?.unread ?? 0) === 0)
      dividers[previous] = null;
    if (previous !== peerId)
      dividers[peerId] = (summary?.unread ?? 0) > 0 ? (summary?.firstUnreadId ?? null) : null;
    set({
      activePeerId: peerId,
      view: 'chats',
      dividers,
      listAtBottom: previous === peerId ? s.listAtBottom : true,
      pinnedGroup: contact === undefined ? null : { id: peerId, group: groupOf(contact) },
      composerFocus: s.composerFocus + 1,
      menu: null,
      selection: s.selection?.peerId === peerId ? s.selection : null,
    });
    const thread = s.threads[peerId];
    if (!thread || thread.load.status === 'idle') void s.loadOlder(peerId);
  },
  setWindowActive: (windowActive) => {
    const s = get();
    if (s.windowActive === windowActive) return;
    const peerId = s.activePeerId;
    // Coming back to a conversation that got messages meanwhile: mark where they start.
    if (windowActive && peerId !== null && s.dividers[peerId] == null) {
      const summary = s.summaries[peerId];
      if ((summary?.unread ?? 0) > 0 && summary?.firstUnreadId)
        set({ dividers: { ...s.dividers, [peerId]: summary.firstUnreadId } });
    }
    if (!windowActive) void s.flushDrafts();
    set({ windowActive });
  },
  setListAtBottom: (listAtBottom) => {
    if (get().listAtBottom !== listAtBottom) set({ listAtBottom });
  },
  toggleSelected: (peerId, messageId) =>
    set((state) => {
      const current = state.selection?.peerId === peerId ? state.selection.ids : [];
      const ids = current.includes(messageId)
        ? current.filter((id) => id !== messageId)
        : [...current, messageId];
      return { selection: ids.length === 0 ? null : { peerId, ids }, menu: null };
    }),
  clearSelection: () => set({ selection: null }),
  openMenu: (menu) => set({ menu }),
  startForward: (forwarding) => set({ forwarding, menu: null }),
  askDelete: (confirmingDelete) => set({ confirmingDelete, menu: null }),
  setAutoAway: (autoAway) => set({ autoAway }),
  setStatusMenuOpen: (statusMenuOpen) => set({ statusMenuOpen }),
  setAddingContact: (addingContact) => set({ addingContact, view: 'chats' }),
  toggleGroup: (group) =>
    set((state) => ({
      collapsedGroups: { ...state.collapsedGroups, [group]: !state.collapsedGroups[group] },
    })),
  setSearchQuery: (searchQuery) => {
    set({ searchQuery });
    if (searchQuery.trim() === '')
      set({ searchHits: [], searchStatus: 'idle', directoryHits: [], directoryStatus: 'idle' });
  },
  runSearch: async (query) => {
    const trimmed = query.trim();
    if (trimmed === '') return;
    void get().searchDirectory(trimmed);
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

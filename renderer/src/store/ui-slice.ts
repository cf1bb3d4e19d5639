import type { SearchHit } from '../../../shared/domain';
import type { EventPayloads } from '../../../shared/ipc/contract';
import { settle, type LoadStatus, type SliceCreator } from './types';

export type View = 'chats' | 'inspector';
export type ContactGroup = 'online' | 'offline' | 'strangers';

export interface Toast {
  readonly id: number;
  readonly level: EventPayloads['notice']['level'];
  readonly code: string;
  readonly message: string;
}

export interface UiSlice {
  view: View;
  settingsOpen: boolean;
  activePeerId: string | null;
  /** The window is hidden or blurred: incoming messages count as unread. */
  windowHidden: boolean;
  collapsedGroups: Readonly<Record<ContactGroup, boolean>>;
  searchQuery: string;
  searchHits: readonly SearchHit[];
  searchStatus: LoadStatus;
  /** A message to scroll to and flash (a search result). */
  highlightMessageId: string | null;
  toasts: readonly Toast[];
  setView: (view: View) => void;
  setSettingsOpen: (open: boolean) => void;
  openConversation: (peerId: string) => void;
  setWindowHidden: (hidden: boolean) => void;
  toggleGroup: (group: ContactGroup) => void;
  setSearchQuery: (query: string) => void;
  runSearch: (query: string) => Promise<void>;
  jumpToMessage: (hit: SearchHit) => Promise<void>;
  clearHighlight: () => void;
  pushToast: (notice: EventPayloads['notice']) => void;
  dismissToast: (id: number) => void;
}

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

import { settle } from './load';
import type { DirectorySlice, SliceCreator } from './state';

/** As many entries as one search shows; the relay keeps more (docs/RELAY.md, Scale). */
export const DIRECTORY_LIMIT = 50;

export const createDirectorySlice: SliceCreator<DirectorySlice> = (api) => (set, get) => ({
  directory: {},
  directoryHits: [],
  directoryStatus: 'idle',
  directoryAdds: {},
  searchDirectory: async (query) => {
    const trimmed = query.trim();
    if ((get().self?.relays.length ?? 0) === 0 || trimmed === '') {
      set({ directoryHits: [], directoryStatus: 'idle' });
      return;
    }
    set({ directoryStatus: 'loading' });
    const result = await settle(() =>
      api.directorySearch({ query: trimmed, limit: DIRECTORY_LIMIT }),
    );
    // A newer query may have been typed meanwhile: only its answer counts.
    if (get().searchQuery.trim() !== trimmed) return;
    if (!result.ok) {
      set({ directoryHits: [], directoryStatus: 'error' });
      return;
    }
    const directory = { ...get().directory };
    for (const entry of result.value) directory[entry.nodeId] = entry;
    set({
      directory,
      directoryHits: result.value.map((e) => e.nodeId),
      directoryStatus: 'ready',
    });
  },
  receiveDirectoryEntry: (entry) =>
    set((s) => {
      const query = s.searchQuery.trim().toLowerCase();
      const matches =
        s.directoryStatus === 'ready' &&
        query !== '' &&
        (entry.nick.toLowerCase().includes(query) || entry.nodeId.startsWith(query));
      const listed = s.directoryHits.includes(entry.nodeId);
      return {
        directory: { ...s.directory, [entry.nodeId]: entry },
        ...(matches && !listed ? { directoryHits: [...s.directoryHits, entry.nodeId] } : {}),
      };
    }),
  addFromDirectory: async (nodeId) => {
    set((s) => ({ directoryAdds: { ...s.directoryAdds, [nodeId]: 'adding' } }));
    const result = await settle(() => api.directoryAdd({ nodeId }));
    set((s) => ({
      directoryAdds: {
        ...s.directoryAdds,
        [nodeId]: result.ok ? 'added' : { failed: result.error.message },
      },
    }));
  },
});

import { settle } from './load';
import type { DraftsSlice, SliceCreator } from './state';

/** Drafts are written this long after the last key press (and at once on a flush). */
export const DRAFT_SAVE_DELAY_MS = 500;

export const createDraftsSlice: SliceCreator<DraftsSlice> = (api) => (set, get) => {
  /** Conversations whose draft changed since it was last written. */
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const write = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const peers = [...dirty];
    dirty.clear();
    await Promise.all(
      peers.map((peerId) =>
        settle(() => api.draftsSet({ peerId, text: get().drafts[peerId] ?? '' })),
      ),
    );
  };

  return {
    drafts: {},
    loadDrafts: async () => {
      const result = await settle(() => api.draftsList());
      if (!result.ok) return; // the composers start empty; typing writes new drafts
      set((state) => {
        const drafts: Record<string, string> = {};
        for (const draft of result.value) drafts[draft.peerId] = draft.text;
        // Typed before the list came: newer.
        return { drafts: { ...drafts, ...state.drafts } };
      });
    },
    setDraft: (peerId, text) => {
      if ((get().drafts[peerId] ?? '') === text) return;
      set((state) => ({ drafts: { ...state.drafts, [peerId]: text } }));
      dirty.add(peerId);
      clearTimeout(timer);
      timer = setTimeout(() => void write(), DRAFT_SAVE_DELAY_MS);
    },
    flushDrafts: () => write(),
  };
};

import type { ChatMessage, Contact } from '../../../shared/domain';
import { EMPTY_THREAD, NOTICE_PREFIX } from './conversations-slice';
import { settle } from './load';
import { groupOf } from './selectors';
import type { AppState, SliceCreator, TrustSlice } from './state';

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

/**
 * The state after main merged conversation `from` into `to` (an accepted key change): the old
 * contact is gone, its messages belong to `to`, and `to`'s thread is read again from main, which
 * now has both histories in one order. Whatever pointed at `from` points at `to`.
 */
function merged(state: AppState, from: string, to: string): Partial<AppState> {
  const messages: Record<string, ChatMessage> = {};
  for (const [id, message] of Object.entries(state.messages))
    messages[id] = message.peerId === from ? { ...message, peerId: to } : message;
  const contacts = without(state.contacts, from);
  const target: Contact | undefined = contacts[to];
  // Notices (moved, key changed) are not in main's history: they come along, after it.
  const carried = [from, to]
    .flatMap((id) => state.threads[id]?.items ?? [])
    .filter((id) => id.startsWith(NOTICE_PREFIX));
  const notices = { ...state.notices };
  for (const id of carried) {
    const notice = notices[id];
    if (notice !== undefined) notices[id] = { ...notice, peerId: to };
  }
  const threads = {
    ...without(state.threads, from),
    [to]: { ...EMPTY_THREAD, items: carried },
  };
  return {
    contacts,
    messages,
    threads,
    notices,
    summaries: without(state.summaries, from),
    dividers: without(without(state.dividers, from), to),
    replyTo: without(state.replyTo, from),
    typing: without(state.typing, from),
    activePeerId: state.activePeerId === from ? to : state.activePeerId,
    pinnedGroup:
      state.pinnedGroup?.id === from && target !== undefined
        ? { id: to, group: groupOf(target) }
        : state.pinnedGroup,
    selection: state.selection?.peerId === from ? null : state.selection,
    verifying: state.verifying === from ? null : state.verifying,
  };
}

export const createTrustSlice: SliceCreator<TrustSlice> = (api) => (set, get) => ({
  verifying: null,
  openVerify: (verifying) => set({ verifying, menu: null }),
  safetyNumber: (peerId) => settle(() => api.contactsSafetyNumber({ peerId })),
  verifyContact: async (peerId, verified) => {
    const result = await settle(() => api.contactsVerify({ peerId, verified }));
    if (result.ok)
      get().applyContactChange({ change: 'updated', peer: result.value, kind: 'peer' });
    return result;
  },
  receiveKeyChange: (change) => {
    const contact = get().contacts[change.peer];
    if (contact !== undefined) {
      const updated: Contact = {
        ...contact,
        trust: 'key-changed',
        keyChange: { to: change.to, fingerprint: change.fingerprint },
      };
      set((state) => ({ contacts: { ...state.contacts, [change.peer]: updated } }));
    }
    get().addNotice(change.peer, { kind: 'key-changed', fingerprint: change.fingerprint });
  },
  acceptKey: async (peerId) => {
    const fingerprint = get().contacts[peerId]?.keyChange?.fingerprint ?? '';
    const result = await settle(() => api.contactsAcceptKey({ peerId }));
    if (!result.ok) return result;
    const to = result.value.peerId;
    const draft = get().drafts[peerId] ?? '';
    set((state) => merged(state, peerId, to));
    if (draft.trim() !== '' && (get().drafts[to] ?? '').trim() === '') get().setDraft(to, draft);
    if (draft !== '') get().setDraft(peerId, '');
    get().addNotice(to, { kind: 'key-accepted', fingerprint });
    // Unread counts and last messages of the merged conversation, as main now has them.
    void get().loadConversations();
    if (get().activePeerId === to) void get().loadOlder(to);
    return result;
  },
});

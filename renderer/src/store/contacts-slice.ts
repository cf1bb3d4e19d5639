import type { Contact } from '../../../shared/domain';
import { expandContacts } from '../../../shared/ipc/contacts-compact';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type { ContactsSlice, SliceCreator } from './state';

export const createContactsSlice: SliceCreator<ContactsSlice> = (api) => (set, get) => ({
  contacts: {},
  contactsLoad: IDLE,
  loadContacts: async () => {
    set({ contactsLoad: LOADING });
    // The compact shape: a third of the bytes for main to send and the page to parse.
    const result = await settle(() => api.contactsListCompact());
    if (!result.ok) {
      set({ contactsLoad: failed(result.error.message) });
      return;
    }
    let list: Contact[];
    try {
      list = expandContacts(result.value);
    } catch (error) {
      set({ contactsLoad: failed(error instanceof Error ? error.message : String(error)) });
      return;
    }
    // Events that arrived while the list was on its way are newer: keep them.
    const byId: Record<string, Contact> = {};
    for (const contact of list) byId[contact.id] = contact;
    // Into the new object: copying the few changed contacts, not spreading 5,000 list entries.
    set((state) => ({ contacts: Object.assign(byId, state.contacts), contactsLoad: READY }));
  },
  applyContactChange: (change) => {
    if (change.mergedInto !== undefined) {
      // An IPMsg peer that is a PacketChat peer too: shown once, as the PacketChat contact.
      const { [change.peer.id]: _merged, ...rest } = get().contacts;
      set({ contacts: rest });
      if (get().activePeerId === change.peer.id) get().openConversation(change.mergedInto);
      return;
    }
    const contact: Contact = { ...change.peer, kind: change.kind };
    set((state) => ({ contacts: { ...state.contacts, [contact.id]: contact } }));
    if (change.change === 'moved' && change.previous) {
      get().addMovedNotice(contact.id, change.previous, contact);
    }
  },
  addContact: (address, waitMs) =>
    settle(() => api.contactsAdd(waitMs === undefined ? { address } : { address, waitMs })),
});

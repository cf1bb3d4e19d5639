import type { PacketChatApi } from '../../../shared/ipc/contract';
import type { AppStore } from './create-app-store';
import { settle } from './load';

/**
 * Connects main's events to store actions, then tells main the renderer is ready and loads the
 * initial state. Lives outside React; returns the one function that disconnects everything.
 */
export function connectBridge(store: AppStore, api: PacketChatApi): () => void {
  const s = store.getState;
  const disposers = [
    api.on('contact', (change) => s().applyContactChange(change)),
    api.on('key-changed', (change) => s().receiveKeyChange(change)),
    api.on('message', (message) => s().receiveMessage(message)),
    api.on('message-state', (update) => {
      s().applyMessageState(update);
      // A group message's state carries how many members have it.
      if (update.recipients !== undefined) s().setTally(update.id, update.recipients);
    }),
    api.on('message-read', (read) => s().applyMessageRead(read)),
    api.on('group', ({ group }) => s().applyGroup(group)),
    api.on('batch', ({ batch, tally }) => s().setBatch(batch, tally)),
    api.on('message-deleted', ({ peerId, ids }) => s().removeMessages(peerId, ids)),
    api.on('typing', ({ peerId }) => s().receiveTyping(peerId)),
    api.on('packets', (batch) => s().receivePackets(batch)),
    api.on('counters', (counters) => s().setCounters(counters)),
    api.on('self', (self) => s().setSelf(self)),
    api.on('open-conversation', ({ peerId }) => s().openConversation(peerId)),
    api.on('notice', (notice) => s().pushToast(notice)),
    api.on('directory', (entry) => s().receiveDirectoryEntry(entry)),
    api.on('transfer', (event) => s().applyTransfer(event)),
  ];
  void settle(() => api.appReady());
  void Promise.all([
    s().loadSelf(),
    s().loadSettings(),
    s().loadContacts(),
    s().loadGroups(),
    s().loadConversations(),
    s().loadPackets(),
    s().loadDrafts(),
    s().loadTransfers(),
  ]);
  return () => {
    void s().flushDrafts();
    for (const dispose of disposers) dispose();
  };
}

import { EVENTS_DROPPED_NOTICE } from '../../../shared/ipc/channels';
import type { PacketChatApi } from '../../../shared/ipc/contract';
import type { AppStore } from './create-app-store';
import { settle } from './load';
import type { AppState } from './state';

/**
 * What the renderer holds of main's state and reads with its lists: forgotten and read again when
 * main says it dropped events (the lists it read before them may be stale).
 */
const READ_STATE = [
  'contacts',
  'contactsLoad',
  'groups',
  'groupsLoad',
  'muted',
  'summaries',
  'conversationsLoad',
  'messages',
  'threads',
  'transfers',
  'transfersLoad',
] as const satisfies readonly (keyof AppState)[];

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
    api.on('mute', ({ peerId, muted }) => s().applyMute(peerId, muted)),
    api.on('batch', ({ batch, tally }) => s().setBatch(batch, tally)),
    api.on('message-deleted', ({ peerId, ids }) => s().removeMessages(peerId, ids)),
    api.on('typing', ({ peerId }) => s().receiveTyping(peerId)),
    api.on('packets', (batch) => s().receivePackets(batch)),
    api.on('counters', (counters) => s().setCounters(counters)),
    api.on('self', (self) => s().setSelf(self)),
    api.on('open-conversation', ({ peerId }) => s().openConversation(peerId)),
    api.on('notice', (notice) => {
      s().pushToast(notice);
      if (notice.code === EVENTS_DROPPED_NOTICE) readAgain(store);
    }),
    api.on('directory', (entry) => s().receiveDirectoryEntry(entry)),
    api.on('transfer', (event) => s().applyTransfer(event)),
  ];
  void settle(() => api.appReady());
  void loadAll(store);
  return () => {
    void s().flushDrafts();
    for (const dispose of disposers) dispose();
  };
}

function loadAll(store: AppStore): Promise<unknown> {
  const s = store.getState();
  return Promise.all([
    s.loadSelf(),
    s.loadSettings(),
    s.loadContacts(),
    s.loadGroups(),
    s.loadMutes(),
    s.loadConversations(),
    s.loadPackets(),
    s.loadDrafts(),
    s.loadTransfers(),
  ]);
}

/**
 * Main dropped events while the window was not ready, after the first screen's lists were read
 * (they are read early: store/early-calls.ts). The notice comes after every event that was kept,
 * so what is read now is newer than all of them. What was read is forgotten first: the lists then
 * land as they do at start, events that come meanwhile still win over them, and the open
 * conversation reads its newest page again.
 */
function readAgain(store: AppStore): void {
  const initial = store.getInitialState();
  store.setState(Object.fromEntries(READ_STATE.map((key) => [key, initial[key]])));
  void loadAll(store);
  const s = store.getState();
  if (s.activePeerId !== null) void s.loadOlder(s.activePeerId);
}

// The shape of the renderer's state: every slice's interface and the whole AppState, as types
// only. Slices import this file and never each other, so the store has no import cycles.
import type { StateCreator } from 'zustand/vanilla';
import type {
  ChatMessage,
  Contact,
  MessageStateChange,
  NodeCounters,
  PacketLogEntry,
  SearchHit,
  SocketsSnapshot,
} from '../../../shared/domain';
import type {
  EventPayloads,
  IpcResult,
  PacketChatApi,
  SelfInfo,
} from '../../../shared/ipc/contract';
import type { Settings } from '../../../shared/ipc/schemas';
import type { Thread } from './history';
import type { Load, LoadStatus } from './load';

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

export interface PacketFilter {
  /** Peer id, or '' for every peer. */
  readonly peerId: string;
  /** Packet kind, or '' for every kind. */
  readonly kind: string;
}

export interface InspectorSlice {
  packets: readonly PacketLogEntry[];
  /** Packets that arrived while paused; shown on resume. */
  held: readonly PacketLogEntry[];
  packetsLoad: Load;
  /** The newest `seq` seen: entries at or below it are repeats (seq grows within a node run). */
  lastSeq: number;
  paused: boolean;
  packetFilter: PacketFilter;
  selectedSeq: number | null;
  sockets: SocketsSnapshot | null;
  socketsLoad: Load;
  counters: NodeCounters | null;
  loadPackets: () => Promise<void>;
  receivePackets: (batch: readonly PacketLogEntry[]) => void;
  setPaused: (paused: boolean) => void;
  setPacketFilter: (patch: Partial<PacketFilter>) => void;
  selectPacket: (seq: number | null) => void;
  clearPackets: () => void;
  loadSockets: () => Promise<void>;
  setCounters: (counters: NodeCounters) => void;
}

export interface SelfSlice {
  self: SelfInfo | null;
  selfLoad: Load;
  loadSelf: () => Promise<void>;
  setSelf: (self: SelfInfo) => void;
}

export interface SettingsSlice {
  settings: Settings | null;
  settingsLoad: Load;
  loadSettings: () => Promise<void>;
  /** Sends only already-validated fields; main validates again and answers with the whole set. */
  saveSettings: (patch: Partial<Settings>) => Promise<IpcResult<Settings>>;
}

export interface ContactsSlice {
  /** Every contact by id (peer id, or `stranger:IP:PORT`). */
  contacts: Record<string, Contact>;
  contactsLoad: Load;
  loadContacts: () => Promise<void>;
  applyContactChange: (change: EventPayloads['contact']) => void;
  addContact: (address: string) => Promise<IpcResult<{ address: string; port: number }>>;
}

export interface Summary {
  readonly unread: number;
  readonly lastMessageId: string | null;
  readonly lastAt: number;
}

/** Something that happened in a conversation that is not a message (the peer moved). */
export interface ThreadNotice {
  readonly id: string;
  readonly peerId: string;
  readonly at: number;
  readonly kind: 'moved';
  readonly from: string;
  readonly to: string;
}

export interface ConversationsSlice {
  summaries: Record<string, Summary>;
  conversationsLoad: Load;
  messages: Record<string, ChatMessage>;
  threads: Record<string, Thread>;
  notices: Record<string, ThreadNotice>;
  loadConversations: () => Promise<void>;
  /** Loads the next older page (the newest page first). No-op while loading or when complete. */
  loadOlder: (peerId: string) => Promise<void>;
  /** Pages back until `messageId` is loaded; true when found. */
  loadUntil: (peerId: string, messageId: string) => Promise<boolean>;
  receiveMessage: (message: ChatMessage) => void;
  applyMessageState: (change: MessageStateChange) => void;
  sendMessage: (peerId: string, text: string) => Promise<IpcResult<ChatMessage>>;
  retryMessage: (messageId: string) => Promise<IpcResult<null>>;
  markRead: (peerId: string) => void;
  addMovedNotice: (
    peerId: string,
    previous: { address: string; port: number },
    now: { address: string; port: number },
  ) => void;
}

export type AppState = SelfSlice &
  ContactsSlice &
  ConversationsSlice &
  InspectorSlice &
  SettingsSlice &
  UiSlice;

/** A slice gets the api it talks to; slices may read each other through `get()`. */
export type SliceCreator<T> = (api: PacketChatApi) => StateCreator<AppState, [], [], T>;

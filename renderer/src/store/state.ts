// The shape of the renderer's state: every slice's interface and the whole AppState, as types
// only. Slices import this file and never each other, so the store has no import cycles.
import type { StateCreator } from 'zustand/vanilla';
import type {
  ChatMessage,
  Contact,
  GroupInfo,
  MemberDelivery,
  RecipientTally,
  DirectoryEntry,
  MessageReply,
  MessageStateChange,
  NodeCounters,
  PacketLogEntry,
  SearchHit,
  SocketsSnapshot,
  Transport,
} from '../../../shared/domain';
import type {
  CallResults,
  EventPayloads,
  IpcResult,
  MultiFileResult,
  MultiSendResult,
  PacketChatApi,
  SelfInfo,
} from '../../../shared/ipc/contract';
import type { Settings } from '../../../shared/ipc/schemas';
import type { TransferEvent, TransferFileInfo, TransferInfo } from '../../../shared/transfers';
import type { en } from '../i18n/en';
import type { Thread } from './history';
import type { Load, LoadStatus } from './load';

export type View = 'chats' | 'inspector';

/** Sections of the contact list: groups first, then contacts by presence, then strangers. */
export type ContactGroup = 'groups' | 'online' | 'offline' | 'strangers';

/** The group dialogs: create, multi-send, and a group's member list. */
export type GroupDialog =
  | { readonly kind: 'create' }
  | { readonly kind: 'multi-send' }
  | { readonly kind: 'members'; readonly groupId: string };

export interface Toast {
  readonly id: number;
  readonly level: EventPayloads['notice']['level'];
  readonly code: string;
  readonly message: string;
  /** The renderer's own notices: shown as this translation instead of `message`. */
  readonly text?: ToastText;
}

/** A transfer notice's text (transfers-slice.ts). */
export type TransferTextKey = `transfer.${keyof (typeof en)['transfer']}`;

/** An i18n key and its values (the toast is translated when shown, in the language of the moment). */
export interface ToastText {
  readonly key: TransferTextKey;
  readonly values: { readonly nick: string; readonly names: string; readonly n: number };
}

/** Where a context menu opened, and for which message. */
export interface MessageMenu {
  readonly messageId: string;
  readonly x: number;
  readonly y: number;
}

export interface UiSlice {
  view: View;
  settingsOpen: boolean;
  activePeerId: string | null;
  /**
   * The window is visible and focused: only then does a message on screen count as read (as in
   * Telegram). Hidden, minimised or in the background, messages stay unread.
   */
  windowActive: boolean;
  /** The open conversation's list shows its newest message (new ones then scroll into view). */
  listAtBottom: boolean;
  /** The contact opened last keeps the group it had then, so its row never jumps away. */
  pinnedGroup: { readonly id: string; readonly group: ContactGroup } | null;
  /** Bumped when a conversation opens: the composer takes focus. */
  composerFocus: number;
  /** Per conversation: the message the "Unread messages" divider stands before. */
  dividers: Readonly<Record<string, string | null>>;
  /** Messages picked in selection mode (one conversation at a time). */
  selection: { readonly peerId: string; readonly ids: readonly string[] } | null;
  menu: MessageMenu | null;
  /** Messages waiting for a contact in the forward picker. */
  forwarding: readonly string[] | null;
  /** Messages waiting for the "delete for me" confirmation. */
  confirmingDelete: readonly string[] | null;
  /** The status was set to Away by idleness (and goes back to Online on activity). */
  autoAway: boolean;
  statusMenuOpen: boolean;
  /** The "Say hello to an IP" form is open. */
  addingContact: boolean;
  collapsedGroups: Readonly<Record<ContactGroup, boolean>>;
  searchQuery: string;
  searchHits: readonly SearchHit[];
  searchStatus: LoadStatus;
  /** A message to scroll to and flash (a search result). */
  highlightMessageId: string | null;
  toasts: readonly Toast[];
  groupDialog: GroupDialog | null;
  setGroupDialog: (dialog: GroupDialog | null) => void;
  setView: (view: View) => void;
  setSettingsOpen: (open: boolean) => void;
  openConversation: (peerId: string) => void;
  setWindowActive: (active: boolean) => void;
  setListAtBottom: (atBottom: boolean) => void;
  toggleSelected: (peerId: string, messageId: string) => void;
  clearSelection: () => void;
  openMenu: (menu: MessageMenu | null) => void;
  startForward: (messageIds: readonly string[] | null) => void;
  askDelete: (messageIds: readonly string[] | null) => void;
  setAutoAway: (autoAway: boolean) => void;
  setStatusMenuOpen: (open: boolean) => void;
  setAddingContact: (open: boolean) => void;
  toggleGroup: (group: ContactGroup) => void;
  setSearchQuery: (query: string) => void;
  runSearch: (query: string) => Promise<void>;
  jumpToMessage: (hit: SearchHit) => Promise<void>;
  clearHighlight: () => void;
  pushToast: (notice: EventPayloads['notice'] & { readonly text?: ToastText }) => void;
  dismissToast: (id: number) => void;
}

export interface PacketFilter {
  /** Peer id, or '' for every peer. */
  readonly peerId: string;
  /** Packet kind, or '' for every kind. */
  readonly kind: string;
  /** Group id (a group item's or repair packet's `fields.group`), or '' for every packet. */
  readonly group: string;
  /** `udp`, `tcp` or `relay` (the broker's traffic), or '' for every transport. */
  readonly transport: Transport | '';
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

/** Who the relay directories list (docs/RELAY.md): found by search, reached with `directory:add`. */
export interface DirectorySlice {
  /** Entries by node id: from the last search, kept current by `directory` events. */
  directory: Readonly<Record<string, DirectoryEntry>>;
  /** Node ids the last search answered, in its order. */
  directoryHits: readonly string[];
  directoryStatus: LoadStatus;
  /** Per node id: a `directory:add` under way, done, or failed with main's words. */
  directoryAdds: Readonly<Record<string, 'adding' | 'added' | { readonly failed: string }>>;
  /** Searches the relays' directories; does nothing without a relay. */
  searchDirectory: (query: string) => Promise<void>;
  receiveDirectoryEntry: (entry: DirectoryEntry) => void;
  addFromDirectory: (nodeId: string) => Promise<void>;
}

export interface ContactsSlice {
  /** Every contact by id (peer id, or `stranger:IP:PORT`). */
  contacts: Record<string, Contact>;
  contactsLoad: Load;
  loadContacts: () => Promise<void>;
  applyContactChange: (change: EventPayloads['contact']) => void;
  /** Says hello; with `waitMs`, waits that long for an answer (`peer`, or null for none). */
  addContact: (
    address: string,
    waitMs?: number,
  ) => Promise<IpcResult<{ address: string; port: number; peer?: Contact | null }>>;
}

export interface Summary {
  readonly unread: number;
  /** The oldest unread message, when known. */
  readonly firstUnreadId: string | null;
  readonly lastMessageId: string | null;
  readonly lastAt: number;
  /** Unread messages that @mention me ("@ 2" on the row; main counts them from the store). */
  readonly mentions?: number;
}

export interface DraftsSlice {
  /** What is typed in each conversation's composer, by conversation. */
  drafts: Readonly<Record<string, string>>;
  loadDrafts: () => Promise<void>;
  /** Updates at once; written to main after a pause in typing (and on flush). */
  setDraft: (peerId: string, text: string) => void;
  /** Writes every draft change not written yet. */
  flushDrafts: () => Promise<void>;
}

/**
 * Something that happened in a conversation that is not a message: the peer moved to another
 * IP:port, its key changed, or the user accepted its new key.
 */
export type ThreadNoticeBody =
  | { readonly kind: 'moved'; readonly from: string; readonly to: string }
  | { readonly kind: 'key-changed'; readonly fingerprint: string }
  | { readonly kind: 'key-accepted'; readonly fingerprint: string };

export type ThreadNotice = ThreadNoticeBody & {
  readonly id: string;
  readonly peerId: string;
  readonly at: number;
};

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
  /** Per conversation: the message the composer answers (a reply), if any. */
  replyTo: Readonly<Record<string, string | null>>;
  /** Per peer: when its last "typing" notice came (ms since the epoch). */
  typing: Readonly<Record<string, number>>;
  receiveMessage: (message: ChatMessage) => void;
  applyMessageState: (change: MessageStateChange) => void;
  /** The peer read one of our messages (`message-read`: an IPMsg READMSG). */
  applyMessageRead: (read: EventPayloads['message-read']) => void;
  sendMessage: (
    peerId: string,
    text: string,
    reply?: MessageReply,
    /** IPMsg peers: sealed, so their client tells when it is opened. */
    sealed?: boolean,
    /** Group members the text @mentions. */
    mentions?: readonly string[],
  ) => Promise<IpcResult<ChatMessage>>;
  retryMessage: (messageId: string) => Promise<IpcResult<null>>;
  cancelMessage: (messageId: string) => Promise<IpcResult<null>>;
  deleteMessages: (messageIds: readonly string[]) => Promise<IpcResult<{ deleted: string[] }>>;
  /** Main deleted these (this window or another transport asked). */
  removeMessages: (peerId: string, ids: readonly string[]) => void;
  /** Sends the texts of these messages, in order, to another conversation. */
  forwardMessages: (messageIds: readonly string[], toPeerId: string) => Promise<boolean>;
  setReplyTo: (peerId: string, messageId: string | null) => void;
  receiveTyping: (peerId: string) => void;
  /** Tells the peer we are typing (at most once per TYPING_INTERVAL_MS). */
  sendTyping: (peerId: string) => void;
  markRead: (peerId: string) => void;
  /** The message was seen in a focused window: it and everything before it are read. */
  markReadUpTo: (peerId: string, messageId: string) => void;
  addMovedNotice: (
    peerId: string,
    previous: { address: string; port: number },
    now: { address: string; port: number },
  ) => void;
  /** Puts a notice at the end of a conversation (kept even in one that was never opened). */
  addNotice: (peerId: string, body: ThreadNoticeBody) => void;
}

/** The answer of `contacts:safetyNumber`. */
export type SafetyNumber = CallResults['contacts:safetyNumber'];

/** Trust on first use, verification and key changes (docs/PROTOCOL.md, "Trust"). */
export interface TrustSlice {
  /** The contact whose safety number the verify dialog shows, or null when it is closed. */
  verifying: string | null;
  openVerify: (peerId: string | null) => void;
  /** The 60-digit safety number with a contact (for a key change: with its new key). */
  safetyNumber: (peerId: string) => Promise<IpcResult<SafetyNumber>>;
  /** Marks a contact verified or not; main's answer replaces the contact. */
  verifyContact: (peerId: string, verified: boolean) => Promise<IpcResult<Contact>>;
  /** A contact's key changed: it shows the warning at once, and the conversation says when. */
  receiveKeyChange: (change: EventPayloads['key-changed']) => void;
  /**
   * Accepts a contact's new key: held messages go out, and the conversation continues under the
   * new id (main merged the two; the old contact is gone).
   */
  acceptKey: (peerId: string) => Promise<IpcResult<{ peerId: string }>>;
}

export interface GroupsSlice {
  /** Every group this node knows (member, removed or left), by group id. */
  groups: Record<string, GroupInfo>;
  groupsLoad: Load;
  /** Per group message of ours: how many members have it (`message-state` events, or the node). */
  tallies: Readonly<Record<string, RecipientTally>>;
  /** Per group message of ours: each member's delivery, when asked for (`groups:deliveries`). */
  deliveries: Readonly<Record<string, readonly MemberDelivery[]>>;
  /** Per multi-send: how far its messages got ("delivered to 5 of 6"). */
  batches: Readonly<Record<string, RecipientTally>>;
  loadGroups: () => Promise<void>;
  applyGroup: (group: GroupInfo) => void;
  /** Creates a group and opens its conversation. */
  createGroup: (name: string, members: readonly string[]) => Promise<IpcResult<GroupInfo>>;
  addMember: (groupId: string, member: string) => Promise<IpcResult<GroupInfo>>;
  removeMember: (groupId: string, member: string) => Promise<IpcResult<GroupInfo>>;
  leaveGroup: (groupId: string) => Promise<IpcResult<GroupInfo>>;
  setTally: (messageId: string, tally: RecipientTally) => void;
  loadDeliveries: (messageId: string) => Promise<IpcResult<MemberDelivery[]>>;
  sendMany: (peerIds: readonly string[], text: string) => Promise<IpcResult<MultiSendResult>>;
  /**
   * The same files offered to each peer, as separate one-to-one transfers (paths picked in main's
   * dialog). Each transfer lands in `transfers`; a peer whose offer was refused is in `failed`.
   */
  /** Main's file dialog: the paths picked (none when cancelled). */
  pickPaths: (kind: 'files' | 'folders') => Promise<IpcResult<readonly string[]>>;
  sendFilesMany: (
    peerIds: readonly string[],
    paths: readonly string[],
  ) => Promise<{ sent: TransferInfo[]; failed: { peerId: string; message: string }[] }>;
  setBatch: (batch: string, tally: RecipientTally) => void;
  renameGroup: (groupId: string, name: string) => Promise<IpcResult<GroupInfo>>;
  makeAdmin: (groupId: string, member: string) => Promise<IpcResult<GroupInfo>>;
  /** Muted conversations (groups and contacts): no notification, no unread emphasis. */
  muted: Readonly<Record<string, true>>;
  loadMutes: () => Promise<void>;
  setMuted: (
    peerId: string,
    muted: boolean,
  ) => Promise<IpcResult<{ peerId: string; muted: boolean }>>;
  /** A `mute` event (this window or another muted it). */
  applyMute: (peerId: string, muted: boolean) => void;
}

export type TransferAction = 'decline' | 'cancel' | 'pause' | 'resume' | 'retry';

/**
 * File transfers as `transfer` events report them, both protocols. PacketChat's show as cards in
 * the conversation (TransferCard.tsx); every change of state worth knowing is also a notice
 * (transfers-slice.ts), so IPMsg's, which have no card, are never silent.
 */
export interface TransfersSlice {
  /** Every file transfer by id (both directions), as its last `transfer` event said. */
  transfers: Readonly<Record<string, TransferInfo>>;
  transfersLoad: Load;
  loadTransfers: () => Promise<void>;
  applyTransfer: (event: TransferEvent) => void;
  transferAction: (action: TransferAction, id: string) => Promise<IpcResult<TransferInfo>>;
  /**
   * Accepts into the settings' download folder, or (without one, or `elsewhere`) asks main's
   * folder dialog where to save first; null when the dialog was cancelled.
   */
  acceptTransfer: (id: string, elsewhere?: boolean) => Promise<IpcResult<TransferInfo | null>>;
  /** Offers what was dropped on a conversation (DOM File objects: the preload finds their paths). */
  dropFiles: (peerId: string, files: readonly File[]) => Promise<IpcResult<TransferInfo>>;
  /** Offers a pasted image: main checks and saves its bytes, then offers the file. */
  sendImage: (peerId: string, image: Blob) => Promise<IpcResult<TransferInfo>>;
  /** Offers a pasted image to several peers (a group's other members), saved once in main. */
  sendImageMany: (peerIds: readonly string[], image: Blob) => Promise<IpcResult<MultiFileResult>>;
  /** A received image's bytes for its thumbnail (null: not a small image, or not kept). */
  transferThumbnail: (
    id: string,
    index: number,
  ) => Promise<IpcResult<{ mime: string; base64: string } | null>>;
  /** The files of one transfer (asked for: a folder may hold thousands). */
  transferFiles: (id: string) => Promise<IpcResult<TransferFileInfo[]>>;
  /**
   * Opens a finished transfer's file (`file`: its index), or the whole transfer without it, or
   * shows it in its folder (`reveal`). Main finds the path in the transfer's record.
   */
  openTransfer: (
    id: string,
    reveal: boolean,
    file?: number,
  ) => Promise<IpcResult<{ path: string }>>;
  /** Main's folder dialog: the folder picked, null when cancelled (Settings › download folder). */
  pickFolder: () => Promise<IpcResult<string | null>>;
  /** The transfers view (every transfer, failed ones, retry). */
  transfersViewOpen: boolean;
  setTransfersViewOpen: (open: boolean) => void;
  /** Asks main's file dialog what to send, then offers it; null when the dialog was cancelled. */
  sendFiles: (peerId: string, kind: 'files' | 'folders') => Promise<IpcResult<TransferInfo | null>>;
}

export type AppState = SelfSlice &
  GroupsSlice &
  ContactsSlice &
  ConversationsSlice &
  DraftsSlice &
  DirectorySlice &
  InspectorSlice &
  SettingsSlice &
  TransfersSlice &
  TrustSlice &
  UiSlice;

/** A slice gets the api it talks to; slices may read each other through `get()`. */
export type SliceCreator<T> = (api: PacketChatApi) => StateCreator<AppState, [], [], T>;

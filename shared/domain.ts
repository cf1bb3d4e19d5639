// The app's domain types: what the networking core produces, the store keeps and the UI shows.
// Plain ECMAScript, shared by every runtime. The IPC contract (shared/ipc/) and the wire protocol
// (shared/protocol/) are typed against these.
import type { GroupChangeOp } from './protocol/groups';
import type { PeerStatus } from './protocol/constants';

// From the zod-free constants, so that the renderer's first screen does not load the schemas.
export { PEER_STATUSES, type PeerStatus } from './protocol/constants';

/** How a message or packet travelled: `relay` is through an MQTT broker (docs/RELAY.md). */
export type Transport = 'udp' | 'tcp' | 'relay';

/**
 * Delivery state of a message this node sent. `delivered` means acknowledged by the peer; for a
 * plain-text stranger (nothing can acknowledge) it means only "handed to the network", and the UI
 * says "Sent". `held`: the contact's key changed and the user has not accepted the new one, so
 * nothing is sent until they do. `cancelled`: the user stopped it before an acknowledgement came;
 * it is never sent again (an earlier transmission may still have arrived).
 */
export type DeliveryStatus = 'sending' | 'delivered' | 'pending' | 'failed' | 'held' | 'cancelled';

// --- peers and contacts --------------------------------------------------------------------------

/**
 * How a peer is reached now: directly on the LAN at an IP:port, or through a relay broker (named
 * by its host:port). A peer seen both ways is one contact; the LAN is preferred.
 */
export type PeerPath =
  | { readonly kind: 'lan'; readonly address: string; readonly port: number }
  | { readonly kind: 'relay'; readonly broker: string };

/** A path as messages and logs name it: `10.0.0.5:4000` on the LAN, `relay broker:8883` else. */
export function describePath(path: PeerPath): string {
  return path.kind === 'lan' ? `${path.address}:${String(path.port)}` : `relay ${path.broker}`;
}

/**
 * Which protocol a peer speaks: PacketChat's own (`pchat`, encrypted sessions) or IP Messenger's
 * (`ipmsg`: IP Messenger, FeiQ, iptux on port 2425, plain text; docs/IPMSG.md).
 */
export type PeerProtocol = 'pchat' | 'ipmsg';

/** What the UI shows next to an IPMsg peer's name: "IPMsg", or "FeiQ" when its version says so. */
export type IpmsgBadge = 'IPMsg' | 'FeiQ';

export interface PeerInfo {
  readonly id: string;
  readonly nick: string;
  readonly host: string;
  /**
   * The IP the peer talks from on the LAN (as seen on the wire, not as claimed); '' for a peer
   * only ever reached through a relay.
   */
  readonly address: string;
  /** The peer's client port: where its datagrams come from and where we send to (0: none). */
  readonly port: number;
  /** The path in use: the LAN address above, or a relay. */
  readonly path: PeerPath;
  /** TCP fallback port, or null when the peer has TCP off. */
  readonly tcpPort: number | null;
  readonly status: PeerStatus;
  /** A custom status text the peer announces ("In a meeting"), when it has one. */
  readonly statusText?: string;
  /** The hue (0-359) of the avatar colour the peer chose, when it chose one. */
  readonly avatarHue?: number;
  readonly online: boolean;
  /** The X25519 public key the peer proved in its handshake (hex); the id is derived from it. */
  readonly publicKey?: string;
  /**
   * The Ed25519 key the peer signs group messages with (hex), told inside its handshake and
   * pinned at the first one.
   */
  readonly signingKey?: string;
  /** Milliseconds since the Unix epoch. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /**
   * False while an online peer leaves our messages unanswered (a crash, a cable pulled): set a few
   * seconds after a transmission to it got no answer, cleared by its next packet. Absent otherwise.
   */
  readonly responding?: boolean;
  /** Absent means `pchat`; the backend sets it on every contact it reports. */
  readonly protocol?: PeerProtocol;
  /** IPMsg peers only. */
  readonly badge?: IpmsgBadge;
}

/** `path`: the peer is now reached another way (LAN to relay, or back). */
export type PeerChangeKind = 'added' | 'updated' | 'online' | 'offline' | 'moved' | 'path';

export interface PeerChange {
  readonly change: PeerChangeKind;
  readonly peer: PeerInfo;
  /** For `moved`: the IP:port the peer used before. */
  readonly previous?: { readonly address: string; readonly port: number };
  /** For `path`: the path before. */
  readonly previousPath?: PeerPath;
}

/** Which local socket a plain datagram arrived on; replies to a stranger leave from the same one. */
export type Via = 'server' | 'client';

/**
 * How far a contact can be trusted (docs/PROTOCOL.md, "Trust"): `verified` (the user compared
 * safety numbers), `encrypted` (a pinned key, trusted on first use), `not-encrypted` (a stranger
 * or an IPMsg peer: plain text), `key-changed` (someone with this contact's name or old id has a new key; messages
 * to the contact are held until the user accepts it).
 */
export type TrustState = 'verified' | 'encrypted' | 'not-encrypted' | 'key-changed';

/**
 * A contact: a PacketChat peer, an IPMsg peer (`kind: 'peer'`, `protocol: 'ipmsg'`, id
 * `ipmsg:IP`), or a "stranger" (a plain UDP tool) known only by IP:port.
 */
export interface Contact extends PeerInfo {
  readonly kind: 'peer' | 'stranger';
  /** Strangers: the local socket they wrote to. */
  readonly via?: Via;
  readonly trust: TrustState;
  /** The fingerprint of the pinned key (16 groups of 4 hex digits), for peers. */
  readonly fingerprint?: string;
  /** For `key-changed`: the node id and fingerprint the contact now uses. */
  readonly keyChange?: { readonly to: string; readonly fingerprint: string };
  /** IPMsg peers: the encoding our texts to it are sent in (the composer counts in it). */
  readonly textEncoding?: 'utf-8' | 'gb18030' | 'cp932';
}

// --- messages --------------------------------------------------------------------------------------

export type MessageDirection = 'in' | 'out';
/** Outgoing messages carry a delivery status; incoming ones are `received`. */
export type MessageState = DeliveryStatus | 'received';

/** What a message in a group conversation (`group:ID`) says besides a one-to-one message. */
export interface GroupMessageInfo {
  readonly groupId: string;
  /** Who wrote it (its signature was checked against this member's key). */
  readonly sender: string;
  /**
   * Shown before everything it depends on had arrived (an earlier message of its sender, or one
   * it answers), because the bounded wait ran out, or it arrived after later ones were shown: the
   * UI marks a gap here.
   */
  readonly gap: boolean;
  /**
   * The members the message @mentions (their node ids, members of the group only; absent when
   * none). A message that mentions this node notifies even in a muted conversation.
   */
  readonly mentions?: readonly string[];
}

/** A quoted message: what a reply answers (its id and a short excerpt of its text). */
export interface MessageReply {
  readonly id: string;
  readonly excerpt: string;
}

/**
 * A file offer as the conversation shows it: a card for the transfer (docs/FILES.md). What it
 * offers comes from the offer itself, so the card shows even where the transfer was forgotten.
 */
export interface FileCard {
  readonly transferId: string;
  /** Top-level names (at most 20). */
  readonly names: readonly string[];
  readonly files: number;
  /** Empty folders in the offer. */
  readonly folders: number;
  readonly bytes: number;
}

/** One message as the node produces it, the store keeps it and the UI shows it. */
export interface ChatMessage {
  readonly id: string;
  /** The contact this message belongs to (peer id, `ipmsg:IP`, or `stranger:IP:PORT`). */
  readonly peerId: string;
  readonly direction: MessageDirection;
  readonly text: string;
  readonly transport: Transport;
  readonly state: MessageState;
  /** The sender's sequence number in its stream (1 for plain text). */
  readonly seq: number;
  /** Sender's clock when written, and ours when stored (ms since the Unix epoch). */
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly rttMs?: number;
  /** The IP:port the message came from or went to. */
  readonly remote: string;
  /** Set on messages of a group conversation (`peerId` is then `group:ID`). */
  readonly group?: GroupMessageInfo;
  /** The message this one answers, when it is a reply. */
  readonly reply?: MessageReply;
  /** A file offer, shown as a card; `text` then lists its names (for search results and the CLI). */
  readonly file?: FileCard;
  /**
   * Sent messages only: when the peer said it read this message (an IPMsg READMSG for a sealed
   * message; the `message-read` event brings it live). Absent unless the peer said so.
   */
  readonly readAt?: number;
}

/** How far one group message (or one multi-send) got: "delivered to 5 of 6, waiting for carol". */
export interface RecipientTally {
  readonly delivered: number;
  readonly total: number;
  /** Recipients that have not acknowledged yet (node ids, or conversation ids for a multi-send). */
  readonly waiting: readonly string[];
  /** Recipients whose message could not be sent at all. */
  readonly failed: readonly string[];
}

/**
 * A sent message changed state. The one shape from the reliable sender to the renderer: the node
 * emits it, the store records it and IPC forwards it unchanged.
 */
export interface MessageStateChange {
  readonly id: string;
  readonly peerId: string;
  readonly state: DeliveryStatus;
  readonly transport: Transport;
  /** Transmissions so far (1 = no retransmission yet). */
  readonly attempts: number;
  /** Round-trip time of the acknowledged transmission, when it could be measured (Karn's rule). */
  readonly rttMs?: number;
  /**
   * For a group message: how many members acknowledged it. `state` is then `delivered` once every
   * member did, `pending` while any waits for its member to come back, else `sending`.
   */
  readonly recipients?: RecipientTally;
}

// --- groups ---------------------------------------------------------------------------------------

/** Whether this node is in a group: a member, removed by an admin, or gone by its own choice. */
export type GroupMembership = 'member' | 'removed' | 'left';

export interface GroupMember {
  readonly id: string;
  /** The Ed25519 key the member's messages are checked against (hex). */
  readonly signingKey: string;
  readonly admin: boolean;
}

/** A group as the current (winning) membership snapshot describes it (docs/PROTOCOL.md). */
export interface GroupInfo {
  readonly id: string;
  readonly name: string;
  readonly creator: string;
  readonly admins: readonly string[];
  readonly members: readonly GroupMember[];
  /** Membership version: every change adds one. */
  readonly version: number;
  readonly status: GroupMembership;
  readonly updatedAt: number;
}

export type GroupChangeKind = 'created' | 'joined' | 'updated' | 'removed' | 'left';

/** The current membership of a group changed (any change, made here or by another member). */
export interface GroupChange {
  readonly change: GroupChangeKind;
  readonly group: GroupInfo;
  /** The change that made the current snapshot, and who made it. */
  readonly op: GroupChangeOp;
  readonly by: string;
  readonly member?: string;
}

/** One member's delivery of one group message ("waiting for carol"). */
export interface MemberDelivery {
  readonly peerId: string;
  readonly state: DeliveryStatus;
  readonly transport: Transport;
  readonly attempts: number;
}

export interface ConversationSummary {
  readonly peerId: string;
  readonly unread: number;
  /** The oldest unread message (where the "Unread messages" divider goes), or null. */
  readonly firstUnreadId: string | null;
  readonly lastMessage: ChatMessage | null;
  /** Unread messages that @mention this node (group messages; "@ 2" on the row). */
  readonly mentions: number;
}

/** What was typed in a conversation's composer and not sent yet. */
export interface Draft {
  readonly peerId: string;
  readonly text: string;
  readonly updatedAt: number;
}

export interface HistoryPage {
  /** Oldest first within the page. */
  readonly messages: readonly ChatMessage[];
  /** Pass as `before` to get the next older page; null when there is nothing older. */
  readonly nextCursor: string | null;
}

export interface SearchHit {
  readonly messageId: string;
  readonly peerId: string;
  /** Text around the match; the matched words are wrapped in [ and ]. */
  readonly snippet: string;
  readonly at: number;
}

// --- the node itself: interfaces, sockets, packet log, counters ------------------------------------

export interface InterfaceInfo {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
  readonly broadcast: string;
  readonly internal: boolean;
}

export type PacketDirection = 'in' | 'out';

export interface PacketLogEntry {
  /** Increasing number, unique per node run. */
  readonly seq: number;
  readonly at: number;
  readonly direction: PacketDirection;
  readonly transport: Transport;
  readonly local: string;
  readonly remote: string;
  readonly size: number;
  /** Packet kind (`announce`, `text`, …), or `plain`, `junk`, `fragment`. */
  readonly kind: string;
  readonly summary: string;
  /** The decoded packet fields, when it decoded. */
  readonly fields?: Readonly<Record<string, string | number | boolean | null>>;
  /** The peer this packet is from or to, when known. */
  readonly peerId?: string;
  /**
   * For a protocol v2 packet: its header (type, receiver or sender index, counter). A sealed
   * record's inner packet is then shown decrypted in `kind`, `summary` and `fields`.
   */
  readonly sealed?: { readonly type: string; readonly index: number; readonly counter?: string };
  /**
   * `ipmsg` for an IP Messenger packet (port 2425): `kind` is its command name and `fields` hold
   * the packet number, option names, decoded text and encoding. Absent for PacketChat's own.
   */
  readonly protocol?: PeerProtocol;
}

/** `relay`: the connection to an MQTT broker (local address, the broker as remote). */
export type SocketRole = 'udp-server' | 'udp-client' | 'tcp-listener' | 'tcp-connection' | 'relay';

export interface SocketInfo {
  readonly role: SocketRole;
  readonly local: string;
  readonly remote?: string;
  readonly state: string;
}

export interface NodeCounters {
  datagramsSent: number;
  datagramsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  retransmitted: number;
  duplicatesDropped: number;
  junkDropped: number;
  rateLimited: number;
  unknownKindsIgnored: number;
  sendErrors: number;
  tcpFramesSent: number;
  tcpFramesReceived: number;
  fragmentsSent: number;
  fragmentsReceived: number;
  plainReceived: number;
  handshakesCompleted: number;
  /** Sealed records that did not open (forged, corrupted, or for no session of ours). */
  recordsRejected: number;
  /** Sealed records refused by the replay window. */
  replaysRejected: number;
  /** v2 packets published to and received from relay brokers. */
  relaySent: number;
  relayReceived: number;
}

/** One configured relay broker and the node's connection to it. */
export interface RelayStatus {
  /** `host:port`, as paths name it. */
  readonly broker: string;
  /** The URL without credentials (`mqtts://host:8883`). */
  readonly url: string;
  readonly state: 'connecting' | 'connected' | 'offline';
  /** Why the last attempt failed, when it did. */
  readonly error?: string;
  /** When the state last changed (ms since the Unix epoch). */
  readonly since: number;
}

/**
 * A node listed in a relay's directory: a hint (like an announce) of who can be reached there. It
 * becomes a contact only once a handshake proves its key.
 */
export interface DirectoryEntry {
  readonly nodeId: string;
  readonly nick: string;
  /** Of the key the entry names (the node id is its first 32 hex digits). */
  readonly fingerprint: string;
  /** The broker's retained presence: true online, false offline, null not watched. */
  readonly online: boolean | null;
  readonly broker: string;
}

export interface SocketsSnapshot {
  readonly sockets: readonly SocketInfo[];
  readonly interfaces: readonly InterfaceInfo[];
  readonly counters: NodeCounters;
}

export function emptyCounters(): NodeCounters {
  return {
    datagramsSent: 0,
    datagramsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    retransmitted: 0,
    duplicatesDropped: 0,
    junkDropped: 0,
    rateLimited: 0,
    unknownKindsIgnored: 0,
    sendErrors: 0,
    tcpFramesSent: 0,
    tcpFramesReceived: 0,
    fragmentsSent: 0,
    fragmentsReceived: 0,
    plainReceived: 0,
    handshakesCompleted: 0,
    recordsRejected: 0,
    replaysRejected: 0,
    relaySent: 0,
    relayReceived: 0,
  };
}

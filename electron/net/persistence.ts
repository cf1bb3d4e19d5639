import type {
  DeliveryStatus,
  FileCard,
  MessageReply,
  MessageStateChange,
  PeerInfo,
  Transport,
} from '../../shared/domain';
import type { GroupRef } from '../../shared/protocol/groups';
import type { GroupArchive } from './groups/group-archive';

/**
 * A control message in the reliable stream (docs/PROTOCOL.md, "Control messages"): the consumer
 * it is for, and the card the conversation shows for it (a file offer). Without a card it is never
 * shown: an incoming one is stored only while it is held for an earlier message.
 */
export interface ControlTag {
  readonly name: string;
  readonly card?: FileCard;
}

/**
 * What the node asks of durable storage. The node core stays storage-agnostic: the app wires a
 * SQLite-backed implementation in (electron/app), tests may pass none (everything in memory).
 * Every method is synchronous and durable when it returns, so "store, then ack" holds; a method
 * that cannot store throws, and the node then does not acknowledge.
 */
export interface IncomingRecord {
  readonly id: string;
  readonly peerId: string;
  readonly epoch: string;
  readonly seq: number;
  readonly text: string;
  readonly transport: Transport;
  readonly sentAt: number;
  readonly receivedAt: number;
  /** IP:port it came from. */
  readonly remote: string;
  /** Waiting for an earlier message of its sender: not shown yet. */
  readonly held: boolean;
  readonly reply?: MessageReply;
  /**
   * The packet carried a group item (stored by the group archive when it arrived); this record
   * only keeps its place in the stream while it waits for an earlier packet. Its text is empty.
   */
  readonly carried?: boolean;
  /** A control message; `text` is its body. */
  readonly control?: ControlTag;
}

/** A group item travelling in a one-to-one stream (docs/PROTOCOL.md, "Groups"). */
export interface CarriedRecord {
  readonly groupId: string;
  readonly kind: 'post' | 'state';
  /** The group message's id, or the snapshot's hash. */
  readonly item: string;
  /** Repair: a message of another writer, or snapshots a member lacked. Not counted in tallies. */
  readonly relay: boolean;
  readonly ref: GroupRef;
}

export interface OutgoingRecord {
  readonly id: string;
  readonly peerId: string;
  readonly epoch: string;
  readonly seq: number;
  readonly text: string;
  readonly sentAt: number;
  readonly remote: string;
  readonly state: DeliveryStatus;
  readonly transport: Transport;
  readonly attempts: number;
  readonly rttMs?: number;
  /** Set for a delivery of a group item to one member (the item itself is in the group archive). */
  readonly carried?: CarriedRecord;
  readonly reply?: MessageReply;
  /** A control message; `text` is its body (shown only as a card, and only with one). */
  readonly control?: ControlTag;
}

export interface InboundStream {
  readonly peerId: string;
  readonly epoch: string;
  readonly expected: number;
}

export interface InboundChange {
  /** The packet just accepted (delivered now or held), when it is new to the in-memory state. */
  readonly record?: IncomingRecord;
  /**
   * Previously held messages that became deliverable with this packet, in order. A released
   * control message without a card leaves the table (it was kept only while it waited).
   */
  readonly released: readonly string[];
  /** The sender's stream after this packet (none for plain text, which has no stream). */
  readonly stream?: InboundStream;
  readonly at: number;
}

/** Plain text has no sequence space: its records use this epoch and are never in the outbox. */
export const PLAIN_EPOCH = 'plain';
/** Messages held for a contact whose key changed are in no stream until they are released. */
export const HELD_EPOCH = 'held';
/**
 * Group messages are in no one-to-one stream (their sequence numbers are their writer's in the
 * group): their conversation rows use this epoch and are never in the outbox.
 */
export const GROUP_EPOCH = 'group';

export interface NodePersistence {
  /** Runs `fn` in one transaction (nested calls join it): a group item and its stream's state. */
  transaction<T>(fn: () => T): T;
  /** Groups: snapshots, messages, standing (electron/net/groups/group-archive.ts). */
  readonly groups: GroupArchive;
  /**
   * Stores what one received packet changed, in one transaction, before it is acknowledged.
   * Returns `duplicate` when the record's id was already stored (it must not be shown twice).
   */
  recordInbound(change: InboundChange): 'inserted' | 'duplicate' | 'none';
  loadInbound(): {
    readonly streams: readonly InboundStream[];
    readonly held: readonly IncomingRecord[];
  };
  outboundStream(peerId: string): { epoch: string; nextSeq: number } | undefined;
  /**
   * Stores a new message before its first transmission, with its stream's next sequence number
   * (none for plain text).
   */
  recordOutgoing(record: OutgoingRecord, nextSeq?: number): void;
  updateOutgoing(change: MessageStateChange): void;
  /**
   * Several state changes in one transaction (one fsync instead of one each). Optional: without
   * it, each change is written with updateOutgoing. The node batches the changes of one
   * event-loop turn; a state lost in a crash is harmless (the message is sent again after the
   * restart and the receiver answers the duplicate by id).
   */
  updateOutgoingMany?(changes: readonly MessageStateChange[]): void;
  /** Messages not yet delivered, in per-peer sequence order (plain text and held excluded). */
  loadOutbox(): readonly OutgoingRecord[];
  /** Undelivered messages to `peerId`, held ones included, in the order they were written. */
  loadUndelivered(peerId: string): readonly OutgoingRecord[];
  /** Moves an undelivered message to another peer's stream (a key change was accepted). */
  readdressOutgoing(
    id: string,
    to: { peerId: string; epoch: string; seq: number; remote: string },
    nextSeq: number,
  ): void;
  savePeer(peer: PeerInfo): void;
  /** Whether any message with this contact is stored (a stranger with history is kept). */
  hasConversation(peerId: string): boolean;
  loadPeers(): readonly PeerInfo[];
}

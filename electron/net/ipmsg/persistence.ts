// What the IPMsg module asks of durable storage. The app backs it with its SQLite store
// (docs/IPMSG.md, "Wiring"); tests use MemoryIpmsgPersistence. Like the node's NodePersistence,
// every method is synchronous and durable when it returns, and one that cannot store throws: a
// received message is then not acknowledged, so the sender keeps retrying it.
import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import type { IpmsgPeer, MessageRead } from './types';

export interface IpmsgPersistence {
  /** A received message, before its RECVMSG goes out. `duplicate` when the id is stored already. */
  saveIncoming(message: ChatMessage): 'inserted' | 'duplicate';
  /** A message to send, before its first transmission (state `sending`). */
  saveOutgoing(message: ChatMessage): void;
  updateOutgoing(change: MessageStateChange): void;
  /** A READMSG arrived for a message we sent. */
  recordRead(read: MessageRead): void;
  /** Sent messages not yet delivered (`sending` or `pending`), oldest first: resent when seen. */
  loadOutbox(): readonly ChatMessage[];
  savePeer(peer: IpmsgPeer): void;
  loadPeers(): readonly IpmsgPeer[];
}

/**
 * The `epoch` of IPMsg messages in the app's message table (seq = the IPMsg packet number). The
 * PacketChat node's outbox leaves them out; the bridge resends them itself.
 */
export const IPMSG_EPOCH = 'ipmsg';

const MAX_MEMORY_MESSAGES = 100_000;

/** Everything in memory, bounded: for tests and for running without a profile. */
export class MemoryIpmsgPersistence implements IpmsgPersistence {
  readonly messages = new Map<string, ChatMessage>();
  readonly reads: MessageRead[] = [];
  private readonly peers = new Map<string, IpmsgPeer>();
  /** Set to make every write throw (a full disk, in tests). */
  failing: Error | undefined;

  saveIncoming(message: ChatMessage): 'inserted' | 'duplicate' {
    this.check();
    if (this.messages.has(message.id)) return 'duplicate';
    this.put(message);
    return 'inserted';
  }

  saveOutgoing(message: ChatMessage): void {
    this.check();
    this.put(message);
  }

  updateOutgoing(change: MessageStateChange): void {
    this.check();
    const known = this.messages.get(change.id);
    if (known === undefined) return;
    const { rttMs: _old, ...rest } = known;
    this.messages.set(change.id, {
      ...rest,
      state: change.state,
      transport: change.transport,
      ...(change.rttMs === undefined ? {} : { rttMs: change.rttMs }),
    });
  }

  recordRead(read: MessageRead): void {
    this.check();
    this.reads.push(read);
    if (this.reads.length > MAX_MEMORY_MESSAGES) this.reads.shift();
  }

  loadOutbox(): readonly ChatMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.direction === 'out' && (m.state === 'sending' || m.state === 'pending'),
    );
  }

  savePeer(peer: IpmsgPeer): void {
    this.check();
    this.peers.set(peer.id, peer);
  }

  loadPeers(): readonly IpmsgPeer[] {
    return [...this.peers.values()];
  }

  private put(message: ChatMessage): void {
    this.messages.set(message.id, message);
    if (this.messages.size > MAX_MEMORY_MESSAGES) {
      const oldest = this.messages.keys().next();
      if (oldest.done !== true) this.messages.delete(oldest.value);
    }
  }

  private check(): void {
    if (this.failing !== undefined) throw this.failing;
  }
}

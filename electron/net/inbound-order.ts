import {
  DEDUPE_MEMORY_PER_PEER,
  MAX_PEERS,
  MAX_REORDER_BUFFER,
} from '../../shared/protocol/constants';
import type { TextPacket } from '../../shared/protocol/packets';
import { BoundedMap, BoundedSet } from './bounded-set';

/**
 * What one received message changes, computed without changing anything. The caller stores the
 * result first and calls `commit()` only when that worked, so a message that could not be stored
 * is still new when its retransmission arrives (docs/STORAGE.md, "Store, then ack").
 */
export interface InboundVerdict {
  /** Acknowledge the packet: it is delivered, held for delivery, or a duplicate. */
  readonly ack: boolean;
  readonly duplicate: boolean;
  /** Messages that become deliverable, in sender order (may include held ones). */
  readonly deliver: readonly TextPacket[];
  /** The packet is kept, waiting for an earlier one. */
  readonly held: boolean;
  /** The stream's next expected sequence number once committed. */
  readonly expected: number;
  /** Applies the verdict to the in-memory state. */
  commit(): void;
}

interface Stream {
  /** Next sequence number to deliver. */
  expected: number;
  /** Received ahead of a gap, waiting for it to fill. */
  readonly held: Map<number, TextPacket>;
  /** Gaps the sender gave up on (below its floor); if one still arrives it is delivered late. */
  readonly skipped: BoundedSet<number>;
}

/** Gaps wider than this are not remembered individually when the floor jumps over them. */
const MAX_SKIP_MEMORY = 1024;
/**
 * How far one packet may move the floor. A sender's floor is its oldest undelivered message, so
 * it moves little at a time; a packet claiming a far floor cannot silence the stream's later
 * messages as duplicates (the floor-poisoning attack of protocol v1): it moves the floor this far
 * at most, and later packets move it further only if they keep claiming it.
 */
export const MAX_FLOOR_JUMP = 1024;
/**
 * A sender whose floor is this far below what we expect next is still waiting for messages we
 * think we delivered: our state is wrong (restored from a bad store, say), so the stream starts
 * again at the sender's floor. Already-delivered ids are still recognised as duplicates.
 */
export const RESYNC_GAP = 2 * MAX_REORDER_BUFFER;
const EPOCHS_PER_PEER = 4;
const NOTHING = (): void => undefined;

/**
 * Per-sender in-order delivery with duplicate suppression. A sender's messages form a stream
 * (one per sender epoch) numbered from 1; the receiver delivers them strictly in order, holds
 * early arrivals in a bounded buffer and trusts the sender's `floor` to skip gaps it abandoned.
 */
export class InboundOrder {
  private readonly peers = new BoundedMap<string, BoundedMap<string, Stream>>(MAX_PEERS);
  private readonly recentIds = new BoundedMap<string, BoundedSet<string>>(MAX_PEERS);
  /** While a batch is open: how to undo each verdict committed in it, oldest first. */
  private journal: (() => void)[] | undefined;

  /**
   * Opens a batch: verdicts committed from now on take effect at once (later packets are judged
   * against them) and can be undone together by `rollback()`. The receiver stores a batch in
   * one transaction and acknowledges its messages only after that transaction committed.
   */
  begin(): void {
    this.journal = [];
  }

  /** The batch was stored: its verdicts stay. */
  settle(): void {
    this.journal = undefined;
  }

  /**
   * The batch could not be stored: undoes every verdict committed since `begin()`, newest first,
   * so each of its messages is new again when the sender retransmits it. What bounded memory
   * forgot meanwhile (an old stream or id pushed out by a new one) stays forgotten, as it would
   * have been after a successful store.
   */
  rollback(): void {
    const journal = this.journal;
    this.journal = undefined;
    if (journal === undefined) return;
    for (let i = journal.length - 1; i >= 0; i -= 1) journal[i]?.();
  }

  /** Rebuilds streams and held messages from storage after a restart. */
  restore(
    streams: readonly { peerId: string; epoch: string; expected: number }[],
    held: readonly TextPacket[],
  ): void {
    for (const s of streams) this.stream(s.peerId, s.epoch, s.expected).expected = s.expected;
    for (const packet of held) {
      const stream = this.stream(packet.from, packet.epoch, packet.seq);
      if (packet.seq >= stream.expected) stream.held.set(packet.seq, packet);
    }
  }

  /** True when this message was already delivered (recently enough to remember). */
  delivered(from: string, id: string): boolean {
    return this.recentIds.get(from)?.has(id) ?? false;
  }

  /** Decides what `packet` changes; nothing changes until the verdict is committed. */
  accept(packet: TextPacket): InboundVerdict {
    if (this.delivered(packet.from, packet.id)) return duplicateOf(0);
    const known = this.peers.get(packet.from)?.get(packet.epoch);
    // The sender is still delivering this very packet, so its floor is at most its seq; a higher
    // one is a bug or an attack, and believing it would skip (and so silence) later messages.
    const floor = Math.min(packet.floor, packet.seq);
    // First packet of a stream we have no state for: start where the sender says it stands.
    let start = known?.expected ?? floor;
    if (start - floor > RESYNC_GAP) start = floor;
    const plan = new Plan(known, start, packet, this.apply);
    plan.advanceTo(Math.min(floor, start + MAX_FLOOR_JUMP));

    if (packet.seq < plan.expected) {
      if (plan.isSkipped(packet.seq)) plan.deliverLate(packet);
      else plan.duplicate = true;
    } else if (packet.seq === plan.expected) {
      plan.deliverNext(packet);
    } else if (plan.isHeld(packet.seq)) {
      plan.duplicate = true;
    } else if (
      plan.heldCount() >= MAX_REORDER_BUFFER ||
      packet.seq - plan.expected > MAX_REORDER_BUFFER
    ) {
      // No room to hold it: stay silent so the sender retransmits once the gap has filled.
      plan.ack = false;
    } else {
      plan.hold(packet);
    }
    if (plan.duplicate && plan.deliver.length === 0) return duplicateOf(plan.expected);
    return plan;
  }

  /** Commits a plan (its verdict's `commit()`); one function for every plan, not one each. */
  private readonly apply = (packet: TextPacket, plan: Plan): void => {
    if (this.journal !== undefined) this.journal.push(this.undoOf(packet, plan));
    const stream = this.stream(packet.from, packet.epoch, plan.start);
    // Most texts come in order: nothing taken from the held ones and nothing skipped, and no
    // iterator is made over the empty set.
    if (plan.taken.size > 0) for (const seq of plan.taken) stream.held.delete(seq);
    for (const seq of plan.newlySkipped) stream.skipped.add(seq);
    if (plan.lateSeq !== undefined) stream.skipped.delete(plan.lateSeq);
    if (plan.newHeld !== undefined) stream.held.set(plan.newHeld.seq, plan.newHeld);
    stream.expected = plan.expected;
    const recent = this.recentFor(packet.from);
    for (const message of plan.deliver) recent.add(message.id);
  };

  /** What puts the state back as it is now, before `apply(packet, plan)`. */
  private undoOf(packet: TextPacket, plan: Plan): () => void {
    const { from, epoch } = packet;
    const epochs = this.peers.get(from);
    const stream = epochs?.get(epoch);
    const recent = this.recentIds.get(from);
    const newIds = plan.deliver.filter((m) => recent?.has(m.id) !== true).map((m) => m.id);
    const undoIds = (): void => {
      if (recent === undefined) this.recentIds.delete(from);
      else for (const id of newIds) recent.delete(id);
    };
    if (stream === undefined) {
      return () => {
        if (epochs === undefined) this.peers.delete(from);
        else this.peers.get(from)?.delete(epoch);
        undoIds();
      };
    }
    const expected = stream.expected;
    const taken = [...plan.taken].map((seq) => [seq, stream.held.get(seq)] as const);
    const skipped = plan.newlySkipped.filter((seq) => !stream.skipped.has(seq));
    const late = plan.lateSeq !== undefined && stream.skipped.has(plan.lateSeq);
    const lateSeq = plan.lateSeq;
    const newHeld = plan.newHeld?.seq;
    return () => {
      if (newHeld !== undefined) stream.held.delete(newHeld);
      if (late && lateSeq !== undefined) stream.skipped.add(lateSeq);
      for (const seq of skipped) stream.skipped.delete(seq);
      for (const [seq, held] of taken) if (held !== undefined) stream.held.set(seq, held);
      stream.expected = expected;
      undoIds();
    };
  }

  private recentFor(peerId: string): BoundedSet<string> {
    let recent = this.recentIds.get(peerId);
    if (recent === undefined) {
      recent = new BoundedSet(DEDUPE_MEMORY_PER_PEER);
      this.recentIds.set(peerId, recent);
    }
    return recent;
  }

  private stream(peerId: string, epoch: string, expected: number): Stream {
    let epochs = this.peers.get(peerId);
    if (epochs === undefined) {
      epochs = new BoundedMap(EPOCHS_PER_PEER);
      this.peers.set(peerId, epochs);
    }
    let stream = epochs.get(epoch);
    if (stream === undefined) {
      stream = { expected, held: new Map(), skipped: new BoundedSet(MAX_SKIP_MEMORY) };
      epochs.set(epoch, stream);
    }
    return stream;
  }
}

function duplicateOf(expected: number): InboundVerdict {
  return { ack: true, duplicate: true, held: false, deliver: [], expected, commit: NOTHING };
}

const NONE_TAKEN: ReadonlySet<number> = new Set();

/**
 * The changes one packet makes to a stream, recorded on the side of the real state; it is also
 * the packet's verdict (one object per packet).
 */
class Plan implements InboundVerdict {
  ack = true;
  duplicate = false;
  held = false;
  readonly deliver: TextPacket[] = [];
  /** Held sequence numbers that are delivered by this packet (made when the first is). */
  private takenSeqs: Set<number> | undefined;
  readonly newlySkipped: number[] = [];
  lateSeq: number | undefined;
  newHeld: TextPacket | undefined;
  expected: number;

  constructor(
    private readonly stream: Stream | undefined,
    readonly start: number,
    private readonly packet: TextPacket,
    private readonly applyPlan: (packet: TextPacket, plan: Plan) => void,
  ) {
    this.expected = start;
  }

  get taken(): ReadonlySet<number> {
    return this.takenSeqs ?? NONE_TAKEN;
  }

  commit(): void {
    this.applyPlan(this.packet, this);
  }

  isHeld(seq: number): boolean {
    return (this.stream?.held.has(seq) ?? false) && !this.taken.has(seq);
  }

  heldCount(): number {
    return (this.stream?.held.size ?? 0) - this.taken.size;
  }

  isSkipped(seq: number): boolean {
    return (this.stream?.skipped.has(seq) ?? false) || this.newlySkipped.includes(seq);
  }

  /** Moves `expected` up to the sender's floor: held messages below it go out, gaps are noted. */
  advanceTo(floor: number): void {
    if (floor <= this.expected) return;
    const held = this.stream?.held;
    if (floor - this.expected <= MAX_SKIP_MEMORY) {
      for (let seq = this.expected; seq < floor; seq += 1) {
        if (held?.has(seq) !== true) this.newlySkipped.push(seq);
      }
    }
    const below = [...(held?.keys() ?? [])].filter((seq) => seq < floor).sort((a, b) => a - b);
    for (const seq of below) this.take(seq);
    this.expected = floor;
    this.drain();
  }

  deliverLate(packet: TextPacket): void {
    this.lateSeq = packet.seq;
    const index = this.newlySkipped.indexOf(packet.seq);
    if (index >= 0) this.newlySkipped.splice(index, 1);
    this.deliver.push(packet);
  }

  deliverNext(packet: TextPacket): void {
    this.deliver.push(packet);
    this.expected += 1;
    this.drain();
  }

  hold(packet: TextPacket): void {
    this.newHeld = packet;
    this.held = true;
  }

  private take(seq: number): void {
    const packet = this.stream?.held.get(seq);
    if (packet === undefined || this.taken.has(seq)) return;
    (this.takenSeqs ??= new Set()).add(seq);
    this.deliver.push(packet);
  }

  private drain(): void {
    while (this.isHeld(this.expected)) {
      this.take(this.expected);
      this.expected += 1;
    }
  }
}

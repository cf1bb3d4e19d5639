import {
  DEDUPE_MEMORY_PER_PEER,
  MAX_PEERS,
  MAX_REORDER_BUFFER,
} from '../../shared/protocol/constants';
import type { TextPacket } from '../../shared/protocol/packets';
import { BoundedMap, BoundedSet } from './bounded-set';

export interface InboundVerdict {
  /** Acknowledge the packet: it is delivered, held for delivery, or a duplicate. */
  readonly ack: boolean;
  readonly duplicate: boolean;
  /** Messages that became deliverable, in sender order (may include held ones). */
  readonly deliver: readonly TextPacket[];
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
const EPOCHS_PER_PEER = 4;

/**
 * Per-sender in-order delivery with duplicate suppression. A sender's messages form a stream
 * (one per sender epoch) numbered from 1; the receiver delivers them strictly in order, holds
 * early arrivals in a bounded buffer and trusts the sender's `floor` to skip gaps it abandoned.
 */
export class InboundOrder {
  private readonly peers = new BoundedMap<string, BoundedMap<string, Stream>>(MAX_PEERS);
  private readonly recentIds = new BoundedMap<string, BoundedSet<string>>(MAX_PEERS);

  /** Next sequence number to deliver in a stream (undefined when the stream is unknown). */
  expected(from: string, epoch: string): number | undefined {
    return this.peers.get(from)?.get(epoch)?.expected;
  }

  /** Rebuilds streams and held messages from storage after a restart. */
  restore(
    streams: readonly { peerId: string; epoch: string; expected: number }[],
    held: readonly TextPacket[],
  ): void {
    for (const s of streams) {
      this.streamFor({
        from: s.peerId,
        epoch: s.epoch,
        floor: s.expected,
        seq: s.expected,
      }).expected = s.expected;
    }
    for (const packet of held) {
      const stream = this.streamFor(packet);
      if (packet.seq >= stream.expected) stream.held.set(packet.seq, packet);
    }
  }

  /** True when this message was already delivered (recently enough to remember). */
  delivered(from: string, id: string): boolean {
    return this.recentIds.get(from)?.has(id) ?? false;
  }

  accept(packet: TextPacket): InboundVerdict {
    const recent = this.recentFor(packet.from);
    if (recent.has(packet.id)) return { ack: true, duplicate: true, deliver: [] };
    const stream = this.streamFor(packet);
    const deliver = advanceFloor(stream, packet.floor);

    if (packet.seq < stream.expected) {
      if (stream.skipped.delete(packet.seq)) deliver.push(packet);
      else return this.finish(recent, deliver, { ack: true, duplicate: true });
    } else if (packet.seq === stream.expected) {
      deliver.push(packet);
      stream.expected += 1;
      drainHeld(stream, deliver);
    } else if (stream.held.has(packet.seq)) {
      return this.finish(recent, deliver, { ack: true, duplicate: true });
    } else if (
      stream.held.size >= MAX_REORDER_BUFFER ||
      packet.seq - stream.expected > MAX_REORDER_BUFFER
    ) {
      // No room to hold it: stay silent so the sender retransmits once the gap has filled.
      return this.finish(recent, deliver, { ack: false, duplicate: false });
    } else {
      stream.held.set(packet.seq, packet);
    }
    return this.finish(recent, deliver, { ack: true, duplicate: false });
  }

  private finish(
    recent: BoundedSet<string>,
    deliver: TextPacket[],
    verdict: { ack: boolean; duplicate: boolean },
  ): InboundVerdict {
    for (const message of deliver) recent.add(message.id);
    return { ...verdict, deliver };
  }

  private recentFor(peerId: string): BoundedSet<string> {
    let recent = this.recentIds.get(peerId);
    if (recent === undefined) {
      recent = new BoundedSet(DEDUPE_MEMORY_PER_PEER);
      this.recentIds.set(peerId, recent);
    }
    return recent;
  }

  private streamFor(packet: Pick<TextPacket, 'from' | 'epoch' | 'floor' | 'seq'>): Stream {
    let epochs = this.peers.get(packet.from);
    if (epochs === undefined) {
      epochs = new BoundedMap(EPOCHS_PER_PEER);
      this.peers.set(packet.from, epochs);
    }
    let stream = epochs.get(packet.epoch);
    if (stream === undefined) {
      // First packet of a stream we have no state for: start where the sender says it stands.
      stream = {
        expected: Math.min(packet.floor, packet.seq),
        held: new Map(),
        skipped: new BoundedSet(MAX_SKIP_MEMORY),
      };
      epochs.set(packet.epoch, stream);
    }
    return stream;
  }
}

/** Moves `expected` up to the sender's floor, delivering held messages and noting skipped gaps. */
function advanceFloor(stream: Stream, floor: number): TextPacket[] {
  const deliver: TextPacket[] = [];
  if (floor <= stream.expected) return deliver;
  const below = [...stream.held.keys()].filter((seq) => seq < floor).sort((a, b) => a - b);
  if (floor - stream.expected <= MAX_SKIP_MEMORY) {
    for (let seq = stream.expected; seq < floor; seq += 1) {
      if (!stream.held.has(seq)) stream.skipped.add(seq);
    }
  }
  for (const seq of below) {
    const held = stream.held.get(seq);
    stream.held.delete(seq);
    if (held !== undefined) deliver.push(held);
  }
  stream.expected = floor;
  drainHeld(stream, deliver);
  return deliver;
}

function drainHeld(stream: Stream, deliver: TextPacket[]): void {
  for (let next = stream.held.get(stream.expected); next !== undefined;) {
    stream.held.delete(stream.expected);
    deliver.push(next);
    stream.expected += 1;
    next = stream.held.get(stream.expected);
  }
}

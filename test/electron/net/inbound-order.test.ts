import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InboundOrder,
  MAX_FLOOR_JUMP,
  type InboundVerdict,
} from '../../../electron/net/inbound-order';
import type { TextPacket } from '../../../shared/protocol/packets';

const FROM = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const msg = (seq: number, floor = 1, epoch = 'e1'): TextPacket => ({
  kind: 'text',
  from: FROM,
  id: `${epoch}-m${seq}`,
  epoch,
  seq,
  floor,
  ts: 0,
  text: `#${seq}`,
});
const seqs = (packets: readonly TextPacket[]): number[] => packets.map((p) => p.seq);

/** Accepts and commits at once, as the receiver does once the store has the message. */
class Order extends InboundOrder {
  override accept(packet: TextPacket): InboundVerdict {
    const verdict = super.accept(packet);
    verdict.commit();
    return verdict;
  }
}

describe('InboundOrder', () => {
  it('delivers in order and holds early arrivals until the gap fills', () => {
    const order = new Order();
    expect(seqs(order.accept(msg(1)).deliver)).toEqual([1]);
    const early = order.accept(msg(3));
    expect(early).toMatchObject({ ack: true, duplicate: false });
    expect(seqs(early.deliver)).toEqual([]);
    expect(seqs(order.accept(msg(4)).deliver)).toEqual([]);
    expect(seqs(order.accept(msg(2)).deliver)).toEqual([2, 3, 4]);
  });

  it('drops and re-acks duplicates: delivered, held, and retransmitted', () => {
    const order = new Order();
    order.accept(msg(1));
    expect(order.accept(msg(1))).toMatchObject({ ack: true, duplicate: true, deliver: [] });
    order.accept(msg(3));
    expect(order.accept(msg(3))).toMatchObject({ ack: true, duplicate: true, deliver: [] });
  });

  it('delivers every permutation of a burst exactly once, in order', () => {
    const permutations = [
      [1, 2, 3, 4],
      [4, 3, 2, 1],
      [2, 4, 1, 3],
      [3, 1, 4, 2, 2, 1],
    ];
    for (const arrival of permutations) {
      const order = new Order();
      const delivered = arrival.flatMap((s) => seqs(order.accept(msg(s)).deliver));
      expect(delivered).toEqual([1, 2, 3, 4]);
    }
  });

  it('skips a gap the sender abandoned (floor moved past it) and delivers it late if it shows up', () => {
    const order = new Order();
    order.accept(msg(1));
    expect(seqs(order.accept(msg(3, 2)).deliver)).toEqual([]); // 2 still wanted
    expect(seqs(order.accept(msg(4, 3)).deliver)).toEqual([3, 4]); // sender gave up on 2
    expect(seqs(order.accept(msg(2, 2)).deliver)).toEqual([2]); // a straggler is not lost
    expect(order.accept(msg(2, 2)).duplicate).toBe(true);
  });

  it('joins a stream in the middle at the sender floor (receiver restarted)', () => {
    const order = new Order();
    expect(seqs(order.accept(msg(7, 6)).deliver)).toEqual([]);
    expect(seqs(order.accept(msg(6, 6)).deliver)).toEqual([6, 7]);
  });

  it('starts over for a new sender epoch (sender restarted)', () => {
    const order = new Order();
    order.accept(msg(1));
    order.accept(msg(2));
    expect(seqs(order.accept(msg(1, 1, 'e2')).deliver)).toEqual([1]);
  });

  it('refuses to hold more than its buffer and stays silent so the sender retries', () => {
    const order = new Order();
    const far = order.accept(msg(10_000));
    expect(far).toMatchObject({ ack: false, duplicate: false, deliver: [] });
  });
});

describe('InboundOrder verdicts that are not committed (the store failed)', () => {
  it('change nothing: the retransmission of a message never stored is new', () => {
    const order = new InboundOrder();
    const first = order.accept(msg(1));
    expect(first).toMatchObject({ ack: true, duplicate: false, expected: 2 });
    expect(seqs(first.deliver)).toEqual([1]);
    expect(order.delivered(FROM, msg(1).id)).toBe(false);
    const again = order.accept(msg(1)); // not committed either: still new
    expect(again.duplicate).toBe(false);
    again.commit();
    expect(order.accept(msg(1)).duplicate).toBe(true);
  });

  it('leave held messages and floor jumps for the next packet', () => {
    const order = new InboundOrder();
    order.accept(msg(1)).commit();
    order.accept(msg(3)).commit(); // held
    const lost = order.accept(msg(2));
    expect(seqs(lost.deliver)).toEqual([2, 3]);
    const jump = order.accept(msg(5, 5));
    expect(jump.expected).toBe(6);
    // Neither was committed: message 2 is still wanted, 3 still held.
    const retry = order.accept(msg(2));
    expect(seqs(retry.deliver)).toEqual([2, 3]);
    retry.commit();
    expect(order.accept(msg(3)).duplicate).toBe(true);
    expect(seqs(order.accept(msg(4)).deliver)).toEqual([4]);
  });
});

describe('InboundOrder against a hostile or confused sender', () => {
  it('moves the floor at most MAX_FLOOR_JUMP per packet: a far floor cannot silence a stream', () => {
    const order = new Order();
    order.accept(msg(1));
    // A packet in the stream claiming a floor near 2^53 (the v1 floor-poisoning attack).
    const poisoned = { ...msg(2), id: 'poison', floor: Number.MAX_SAFE_INTEGER - 1 };
    order.accept(poisoned);
    // The honest sender goes on: its next messages are delivered, not taken for duplicates.
    const next = order.accept(msg(3, 3));
    expect(next.duplicate).toBe(false);
    expect(next.expected).toBeLessThanOrEqual(2 + MAX_FLOOR_JUMP + 1);
  });

  it('never takes a floor above the packet’s own seq: a sender stuck on a far floor loses nothing', () => {
    const order = new Order();
    order.accept(msg(1));
    // A buggy or hostile sender that keeps claiming a floor near 2^53 on every message.
    const stuck = Number.MAX_SAFE_INTEGER - 7;
    for (let seq = 2; seq <= 5; seq += 1) {
      const verdict = order.accept({ ...msg(seq), id: `stuck${seq}`, floor: stuck });
      expect(verdict.duplicate).toBe(false);
      expect(seqs(verdict.deliver)).toEqual([seq]);
    }
    expect(seqs(order.accept(msg(6, 6)).deliver)).toEqual([6]);
  });

  it('starts the stream again at the sender floor when its state is far ahead of the sender', () => {
    const order = new Order();
    order.restore([{ peerId: FROM, epoch: 'e1', expected: 1_000_000 }], []);
    const verdict = order.accept(msg(5, 5));
    expect(verdict.duplicate).toBe(false);
    expect(seqs(verdict.deliver)).toEqual([5]);
    expect(verdict.expected).toBe(6);
  });
});

/** Each packet's verdict, committed at once, in a form two orders can be compared by. */
function replay(order: InboundOrder, packets: readonly TextPacket[]): unknown[] {
  return packets.map((packet) => {
    const verdict = order.accept(packet);
    verdict.commit();
    const { ack, duplicate, held, expected } = verdict;
    return { ack, duplicate, held, expected, deliver: verdict.deliver.map((m) => m.id) };
  });
}

describe('InboundOrder batches (group commit at the receiver)', () => {
  it('judges a batch’s packets after the ones before them, and undoes them all on rollback', () => {
    const order = new InboundOrder();
    order.accept(msg(1)).commit();
    order.begin();
    const verdicts = [msg(3), msg(2), msg(4)].map((packet) => {
      const verdict = order.accept(packet);
      verdict.commit();
      return seqs(verdict.deliver);
    });
    expect(verdicts).toEqual([[], [2, 3], [4]]);
    expect(order.delivered(FROM, msg(3).id)).toBe(true);
    order.rollback();
    // The store failed: nothing of the batch was delivered, and each retransmission is new.
    expect(order.delivered(FROM, msg(3).id)).toBe(false);
    expect(replay(order, [msg(2), msg(3)])).toMatchObject([
      { duplicate: false, deliver: [msg(2).id] },
      { duplicate: false, deliver: [msg(3).id] },
    ]);
  });

  it('keeps a settled batch', () => {
    const order = new InboundOrder();
    order.begin();
    order.accept(msg(1)).commit();
    order.settle();
    order.rollback(); // nothing open: changes nothing
    expect(order.accept(msg(1))).toMatchObject({ duplicate: true });
  });

  it('after a rollback behaves exactly as if the batch never arrived (any packets, any floors)', () => {
    const packet = fc
      .record({
        seq: fc.integer({ min: 1, max: 12 }),
        floor: fc.integer({ min: 1, max: 12 }),
        epoch: fc.constantFrom('e1', 'e2'),
        from: fc.constantFrom(FROM, 'b'.repeat(32)),
        // A second id for the same place: a sender restarted without its state, or an attacker.
        other: fc.boolean(),
      })
      .map(({ seq, floor, epoch, from, other }) => {
        const packet = { ...msg(seq, floor, epoch), from };
        return other ? { ...packet, id: `${packet.id}'` } : packet;
      });
    const packets = fc.array(packet, { maxLength: 12 });
    fc.assert(
      fc.property(packets, packets, packets, (before, batch, after) => {
        const rolled = new InboundOrder();
        const clean = new InboundOrder();
        replay(rolled, before);
        replay(clean, before);
        rolled.begin();
        replay(rolled, batch);
        rolled.rollback();
        expect(replay(rolled, after)).toEqual(replay(clean, after));
      }),
      { numRuns: 500 },
    );
  });
});

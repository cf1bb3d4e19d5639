import { describe, expect, it } from 'vitest';
import { GroupOrder, type OrderedPost } from '../../../../electron/net/groups/group-order';
import { CAUSAL_RTO, causalWaitFor } from '../../../../electron/net/groups/groups';
import type { GroupDependency } from '../../../../shared/protocol/groups';

const ME = 'm'.repeat(32);
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const WAITS = { causalMs: 3_000, senderMs: 30_000 };

function post(
  origin: string,
  seq: number,
  deps: GroupDependency[] = [],
  versions: { v?: number; pv?: number } = {},
): OrderedPost {
  return {
    mid: `${origin[0]}${seq}`,
    origin,
    seq,
    v: versions.v ?? 1,
    pv: versions.pv ?? (seq === 1 ? 0 : 1),
    deps,
  };
}

const shown = (released: { post: OrderedPost; gap: boolean }[]) =>
  released.map((r) => `${r.post.mid}${r.gap ? '!' : ''}`);

describe('group display order', () => {
  it('shows each sender in order, holding a message until its predecessor comes', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    expect(shown(order.offer(post(A, 2), 0))).toEqual([]);
    expect(shown(order.offer(post(A, 3), 10))).toEqual([]);
    expect(shown(order.offer(post(A, 1), 20))).toEqual(['a1', 'a2', 'a3']);
  });

  it('waits for the messages a message depends on, then shows them first', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    expect(shown(order.offer(post(B, 1, [[A, 1, 1]]), 0))).toEqual([]);
    expect(order.nextDeadline()).toBe(3_000);
    expect(shown(order.offer(post(A, 1), 100))).toEqual(['a1', 'b1']);
    // Our own messages count as shown: nothing waits for them.
    order.noteOwn(post(ME, 1), 200);
    expect(shown(order.offer(post(A, 2, [[ME, 1, 1]]), 300))).toEqual(['a2']);
  });

  it('shows with a gap marker when the wait runs out, and a late one after it', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    order.offer(post(B, 1, [[A, 1, 1]]), 0);
    expect(shown(order.tick(2_999))).toEqual([]);
    expect(shown(order.tick(3_000))).toEqual(['b1!']);
    // a's message arrives later: it is its sender's first, so it shows in order.
    expect(shown(order.offer(post(A, 1), 4_000))).toEqual(['a1']);
    // A sender's gap waits the longer sender wait, then shows marked; the missing one is late.
    order.offer(post(A, 3), 5_000);
    expect(shown(order.tick(34_999))).toEqual([]);
    expect(shown(order.tick(35_000))).toEqual(['a3!']);
    expect(shown(order.offer(post(A, 2), 36_000))).toEqual(['a2!']);
  });

  it('waits for nothing that was sent before this node was a member', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    order.joinedAt = 5;
    // a's 7th message: its 6th went out at version 4, before we joined.
    expect(shown(order.offer(post(A, 7, [[B, 40, 3]], { v: 5, pv: 4 }), 0))).toEqual(['a7']);
    // Its 8th was sent after its 7th, which we have: in order.
    expect(shown(order.offer(post(A, 9, [], { v: 5, pv: 5 }), 10))).toEqual([]);
    expect(shown(order.offer(post(A, 8, [], { v: 5, pv: 5 }), 20))).toEqual(['a8', 'a9']);
  });

  it('names the newest message of up to n other senders as the causal context', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    order.offer(post(A, 1), 1);
    order.offer(post(B, 1), 2);
    order.offer(post(A, 2), 3);
    order.noteOwn(post(ME, 1), 4);
    expect(order.context(8)).toEqual([
      [A, 2, 1],
      [B, 1, 1],
    ]);
    expect(order.context(1)).toEqual([[A, 2, 1]]);
  });

  it('says what repair should ask for: the gaps of one sender, and since when it waits', () => {
    const order = new GroupOrder<OrderedPost>(ME, WAITS);
    order.offer(post(A, 1), 0);
    order.offer(post(A, 4), 100);
    order.offer(post(A, 5), 200);
    order.offer(post(A, 8), 300);
    expect(order.missing(A, 10, 16)).toEqual([
      [2, 3],
      [6, 7],
      [9, 10],
    ]);
    expect(order.missing(A, 10, 1)).toEqual([[2, 3]]);
    expect(order.lowestWaiting(A)).toBe(4);
    expect(order.stalledSince(A)).toBe(100);
    expect(order.stalledSince(B)).toBeUndefined();
  });

  it('waits per message when told how: the causal wait follows the links’ RTO, bounded', () => {
    const rto = new Map([
      [A, 200],
      [B, 900],
    ]);
    const wait = (deps: GroupDependency[]) =>
      causalWaitFor({ deps }, CAUSAL_RTO, WAITS.causalMs, (id) => rto.get(id));
    expect(wait([[A, 1, 1]])).toBe(1_000); // 3 x 200 ms, raised to the 1 s floor
    expect(wait([[B, 1, 1]])).toBe(2_700);
    expect(
      wait([
        [A, 1, 1],
        [B, 1, 1],
      ]),
    ).toBe(2_700); // the slowest link
    rto.set(B, 4_000);
    expect(wait([[B, 1, 1]])).toBe(5_000); // capped
    expect(wait([[ME, 1, 1]])).toBe(3_000); // no RTO measured: the fixed wait
    const order = new GroupOrder<OrderedPost>(ME, {
      ...WAITS,
      causalFor: (p) => causalWaitFor(p, CAUSAL_RTO, WAITS.causalMs, (id) => rto.get(id)),
    });
    order.offer(post(A, 1, [[B, 1, 1]]), 0);
    expect(order.nextDeadline()).toBe(5_000);
    expect(shown(order.tick(4_999))).toEqual([]);
    expect(shown(order.tick(5_000))).toEqual(['a1!']);
  });
});

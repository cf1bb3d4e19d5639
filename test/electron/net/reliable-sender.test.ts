import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ReliableSender,
  type OutboundMessage,
  type ReliableSenderDeps,
} from '../../../electron/net/reliable-sender';
import type { MessageStateChange } from '../../../shared/domain';
import type { AckPacket } from '../../../shared/protocol/packets';
import { mulberry32 } from '../../helpers/impairment-proxy';

const PEER = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** A seeded walk's choices, each in [0, n): the same steps every run, so a failure repeats. */
function seededChoices(seed: number): (n: number) => number {
  const random = mulberry32(seed);
  return (n) => Math.floor(random() * n);
}

/** The ack the peer sends for `message`. */
const ackOf = (message: OutboundMessage): AckPacket => ({
  kind: 'ack',
  from: message.to,
  id: message.id,
  epoch: message.epoch,
  seq: message.seq,
});

function harness(overrides: Partial<ReliableSenderDeps> = {}) {
  const sent: { seq: number; floor: number; at: number }[] = [];
  const updates: MessageStateChange[] = [];
  const sender = new ReliableSender({
    transmit: (m, floor) => sent.push({ seq: m.seq, floor, at: Date.now() }),
    exhausted: () => Promise.resolve('failed'),
    stateChanged: (u) => updates.push(u),
    now: () => Date.now(),
    random: () => 0.5, // no jitter: delays are exactly RTO * 2^n
    ...overrides,
  });
  /** What TextSender does around storing: prepare, then start. */
  const send = (to: string, text: string): OutboundMessage => {
    const message = sender.prepare(to, text, Date.now());
    sender.start(message);
    return message;
  };
  return { sender, sent, updates, send };
}

describe('ReliableSender', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers a prepared message only once it is started', () => {
    const { sender, send } = harness();
    const dropped = sender.prepare(PEER, 'never stored', 0);
    const kept = send(PEER, 'one');
    expect([dropped.seq, kept.seq]).toEqual([1, 1]);
    expect(send(PEER, 'two').seq).toBe(2);
  });

  it('keeps reserved numbers (a group commit in flight) below the floor, and frees them on failure', () => {
    const { sender, sent, send } = harness();
    const m1 = send(PEER, 'one');
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    // Two texts wait for their transaction: the next prepared one numbers after them.
    const r2 = sender.prepare(PEER, 'two', 0);
    sender.reserve(r2);
    const r3 = sender.prepare(PEER, 'three', 0);
    sender.reserve(r3);
    expect([r2.seq, r3.seq]).toEqual([2, 3]);
    expect(sender.floor(PEER)).toBe(2);
    // Committed: they go out in order, the floor at the first of them.
    sender.start(r2);
    sender.start(r3);
    expect(sent.slice(-2)).toEqual([
      { seq: 2, floor: 2, at: 0 },
      { seq: 3, floor: 2, at: 0 },
    ]);
    // A batch that failed: its numbers are free again, as if it was never prepared.
    const r4 = sender.prepare(PEER, 'four', 0);
    sender.reserve(r4);
    const r5 = sender.prepare(PEER, 'five', 0);
    sender.reserve(r5);
    sender.unreserve([r4, r5]);
    expect(sender.prepare(PEER, 'six', 0).seq).toBe(4);
    expect(sender.floor(PEER)).toBe(2);
    expect(sent).toHaveLength(3);
  });

  it('numbers messages per peer and reports delivered with the RTT', () => {
    const { sender, sent, updates, send } = harness();
    const m1 = send(PEER, 'one');
    const m2 = send(PEER, 'two');
    expect([m1.seq, m2.seq]).toEqual([1, 2]);
    expect(sent.map((s) => s.seq)).toEqual([1, 2]);
    vi.advanceTimersByTime(30);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(updates.filter((u) => u.id === m1.id).map((u) => u.state)).toEqual(['delivered']);
    expect(updates.at(-1)).toMatchObject({ state: 'delivered', rttMs: 30, attempts: 1 });
  });

  it('retransmits with exponential back-off, then fails after the last attempt', async () => {
    const { sent, updates, send } = harness({ maxTransmissions: 4 });
    const m = send(PEER, 'hello');
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500]);
    expect(updates.filter((u) => u.id === m.id).map((u) => u.state)).toEqual(['failed']);
    expect(updates.at(-1)).toMatchObject({ attempts: 4 });
  });

  it('re-sends every backing-off message at once when an ack shows the path is back', async () => {
    const { sender, sent, send } = harness();
    const [m1] = [send(PEER, 'one'), send(PEER, 'two'), send(PEER, 'three')];
    await vi.advanceTimersByTimeAsync(2_000); // sent at 0, 500, 1500; the next waits until 3500
    expect(sent.filter((s) => s.seq === 2).map((s) => s.at)).toEqual([0, 500, 1500]);
    // As the node does: the packet is a sign of life (pathWorks), then the ack is handled.
    sender.pathWorks(PEER);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(sent.filter((s) => s.at === 2_000).map((s) => s.seq)).toEqual([1, 2, 3]);
    // More signs of life within the RTO do not send them again.
    sender.pathWorks(PEER);
    expect(sent.filter((s) => s.at === 2_000)).toHaveLength(3);
    // Their back-off starts again from the RTO: a lost re-send is tried again 500 ms later.
    await vi.advanceTimersByTimeAsync(500);
    expect(sent.filter((s) => s.at === 2_500).map((s) => s.seq)).toEqual([2, 3]);
    // A message sent once is not re-sent early: it is not backing off.
    const m4 = send(PEER, 'four');
    await vi.advanceTimersByTimeAsync(100);
    sender.pathWorks(PEER);
    expect(sent.filter((s) => s.seq === m4.seq)).toHaveLength(1);
  });

  it('falls back early when nothing came back on the stream, if allowed', async () => {
    const fellBack: { seq: number; at: number; attempts: number }[] = [];
    const { sender, send } = harness({
      canFallBackEarly: () => true,
      exhausted: (m) => {
        fellBack.push({ seq: m.seq, at: Date.now(), attempts: m.attempts });
        return Promise.resolve('pending');
      },
    });
    send(PEER, 'one');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(fellBack).toEqual([{ seq: 1, at: 1_500, attempts: 2 }]);
    // An ack since the message went out says UDP works: the whole ladder runs.
    const m2 = send(PEER, 'two');
    const m3 = send(PEER, 'three');
    await vi.advanceTimersByTimeAsync(10);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m2.id, epoch: m2.epoch, seq: m2.seq });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(fellBack.map((f) => f.seq)).toEqual([1]);
    expect(m3.attempts).toBeGreaterThan(2);
  });

  it('goes on with the UDP retries when the early fallback does not deliver', async () => {
    const { sent, updates, send } = harness({
      canFallBackEarly: () => true,
      exhausted: () => Promise.resolve('pending'),
      maxTransmissions: 4,
    });
    const m = send(PEER, 'one');
    await vi.advanceTimersByTimeAsync(1_500); // sent at 0 and 500; the fallback at 1500
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1_500]);
    await vi.advanceTimersByTimeAsync(2_000 + 4_000);
    expect(sent).toHaveLength(4);
    // Not reported pending while the early fallback ran; pending once the last retry is out.
    expect(updates.filter((u) => u.id === m.id).map((u) => u.state)).toEqual(['pending']);
  });

  it('re-sends at once what went out before the transmission an ack answered', async () => {
    const { sender, sent, send } = harness();
    send(PEER, 'one');
    await vi.advanceTimersByTimeAsync(500); // one is sent again at 500 (and lost, say)
    await vi.advanceTimersByTimeAsync(10);
    const two = send(PEER, 'two');
    await vi.advanceTimersByTimeAsync(10);
    sender.acknowledge({ kind: 'ack', from: PEER, id: two.id, epoch: two.epoch, seq: 2 });
    expect(sent.map((s) => [s.seq, s.at])).toEqual([
      [1, 0],
      [1, 500],
      [2, 510],
      [1, 520],
    ]);
  });

  it('re-sends a message over UDP when the path is back while its early TCP attempt still connects', async () => {
    const { sender, sent, updates, send } = harness({
      canFallBackEarly: () => true,
      exhausted: () => new Promise(() => undefined), // TCP connecting into a partition
    });
    const m = send(PEER, 'one');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500]);
    sender.pathWorks(PEER);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 2_000]);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 1 });
    expect(updates.filter((u) => u.id === m.id).map((u) => u.state)).toEqual(['delivered']);
  });

  it('does not take an RTT sample from a retransmitted message (Karn)', () => {
    const { sender, updates, send } = harness();
    const m = send(PEER, 'hello');
    vi.advanceTimersByTime(600);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 1 });
    expect(updates.at(-1)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(updates.at(-1)?.rttMs).toBeUndefined();
    expect(sender.rttMs(PEER)).toBeUndefined();
  });

  it('ignores acks that do not match an open message', () => {
    const { sender, updates, send } = harness();
    const m = send(PEER, 'hello');
    sender.acknowledge({ kind: 'ack', from: PEER, id: 'other', epoch: m.epoch, seq: 1 });
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: 'nope', seq: 1 });
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 2 });
    expect(updates).toEqual([]);
  });

  it('advances the floor past acknowledged and failed messages', async () => {
    const { sender, sent, send } = harness({ maxTransmissions: 1 });
    const m1 = send(PEER, 'a');
    send(PEER, 'b');
    expect(sender.floor(PEER)).toBe(1);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(sender.floor(PEER)).toBe(2);
    await vi.advanceTimersByTimeAsync(600); // message 2 fails after its only transmission
    expect(sender.floor(PEER)).toBe(3);
    send(PEER, 'c');
    expect(sent.at(-1)).toMatchObject({ seq: 3, floor: 3 });
  });

  it('keeps a message pending when the fallback says so and resends it when the peer is back', async () => {
    const { sender, sent, updates, send } = harness({
      maxTransmissions: 2,
      exhausted: () => Promise.resolve('pending'),
    });
    const m = send(PEER, 'hello');
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(updates.map((u) => u.state)).toEqual(['pending']);
    const before = sent.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.length).toBe(before); // no traffic while pending
    sender.resume(PEER);
    expect(sent.length).toBe(before + 1);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 1 });
    expect(updates.map((u) => u.state)).toEqual(['pending', 'sending', 'delivered']);
  });

  it('limits messages in flight per peer and sends the rest as acks come in', () => {
    const { sender, sent, send } = harness({ window: 2 });
    const [a] = [send(PEER, 'a'), send(PEER, 'b'), send(PEER, 'c')];
    expect(sent.map((s) => s.seq)).toEqual([1, 2]);
    sender.acknowledge({ kind: 'ack', from: PEER, id: a.id, epoch: a.epoch, seq: 1 });
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('takes the acks of one packet together: all resolved, then the window refills once, with the new floor', () => {
    const { sender, sent, updates, send } = harness({ window: 3 });
    const [a, b, c] = [1, 2, 3, 4, 5, 6].map((i) => send(PEER, `m${i}`));
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
    const ackOf = (m: OutboundMessage) => ({ id: m.id, epoch: m.epoch, seq: m.seq });
    const done = sender.acknowledgeAll(PEER, [
      ackOf(b!),
      { id: 'other', epoch: a!.epoch, seq: 1 }, // matches nothing: ignored
      ackOf(a!),
      ackOf(a!), // twice: once is enough
    ]);
    expect(done.map((m) => m.seq)).toEqual([2, 1]);
    expect(updates.map((u) => [u.id, u.state])).toEqual([
      [b!.id, 'delivered'],
      [a!.id, 'delivered'],
    ]);
    // Both slots refilled in order, each carrying the floor after both acks (3: c is open).
    expect(sent.slice(3)).toEqual([
      { seq: 4, floor: 3, at: 0 },
      { seq: 5, floor: 3, at: 0 },
    ]);
    expect(sender.acknowledgeAll(PEER, [ackOf(c!)]).map((m) => m.seq)).toEqual([3]);
    expect(sent.at(-1)).toEqual({ seq: 6, floor: 4, at: 0 });
    expect(sender.acknowledgeAll('cccccccccccccccccccccccccccccccc', [ackOf(c!)])).toEqual([]);
  });

  it('re-sends a lost message once per packet of acks, not once per entry, and not one the packet acknowledges', async () => {
    const { sender, sent, send } = harness();
    const one = send(PEER, 'one');
    const two = send(PEER, 'two');
    await vi.advanceTimersByTimeAsync(500); // both sent again at 500 (and lost, say)
    await vi.advanceTimersByTimeAsync(10);
    const three = send(PEER, 'three');
    const four = send(PEER, 'four');
    await vi.advanceTimersByTimeAsync(10);
    const ackOf = (m: OutboundMessage) => ({ id: m.id, epoch: m.epoch, seq: m.seq });
    // Three and four answered: one and two were lost, but two is acknowledged in the same packet.
    sender.acknowledgeAll(PEER, [ackOf(three), ackOf(four), ackOf(two)]);
    expect(sent.map((s) => [s.seq, s.at])).toEqual([
      [1, 0],
      [2, 0],
      [1, 500],
      [2, 500],
      [3, 510],
      [4, 510],
      [1, 520],
    ]);
    sender.acknowledgeAll(PEER, [ackOf(one)]);
    expect(sent).toHaveLength(7);
  });

  it('keeps one timer per stream, and still re-sends each message at its own back-off', async () => {
    // Jitter draws from this list: each message's first delay differs (RTO 500 ms ± 20 %).
    const draws = [0.9, 0.1, 0.5, 0.7, 0.3];
    let draw = 0;
    const { sender, sent, send } = harness({ random: () => draws[draw++ % draws.length] ?? 0.5 });
    const [m1, m2, m3] = [send(PEER, 'one'), send(PEER, 'two'), send(PEER, 'three')];
    send('cccccccccccccccccccccccccccccccc', 'other stream');
    expect(vi.getTimerCount()).toBe(2);
    // The delays are 500 × (1 + 0.2 × (2r − 1)): 580, 420, 500 ms; the other stream's 540.
    await vi.advanceTimersByTimeAsync(419);
    expect(sent.filter((s) => s.seq === m2.seq)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.filter((s) => s.at > 0).map((s) => [s.seq, s.at])).toEqual([[2, 420]]);
    await vi.advanceTimersByTimeAsync(160);
    expect(sent.filter((s) => s.at > 0 && s.at < 1_000).map((s) => [s.seq, s.at])).toEqual([
      [2, 420],
      [3, 500],
      [1, 540], // the other stream's
      [1, 580],
    ]);
    expect(vi.getTimerCount()).toBe(2);
    // Acknowledged messages leave; the timer goes when nothing on the stream waits for it.
    for (const m of [m1, m2, m3])
      sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: m.seq });
    const before = sent.length;
    await vi.advanceTimersByTimeAsync(60_000);
    // Only the other stream's message (also number 1) goes on being retried.
    expect(sent.slice(before).length).toBeGreaterThan(0);
    expect(sent.slice(before).every((s) => s.seq === 1)).toBe(true);
  });

  it('stops every timer on close', () => {
    const { sender, sent, send } = harness();
    send(PEER, 'a');
    sender.close();
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels an undelivered message for good: the floor moves past it and nothing resends it', () => {
    const { sender, sent, updates, send } = harness();
    const m1 = send(PEER, 'one');
    const m2 = send(PEER, 'two');
    expect(sender.cancel(m1.id)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ id: m1.id, state: 'cancelled' });
    expect(sender.floor(PEER)).toBe(2);
    const before = sent.length;
    vi.advanceTimersByTime(60_000);
    expect(sent.slice(before).every((s) => s.seq === m2.seq && s.floor === 2)).toBe(true);
    expect(sender.cancel(m1.id)).toBe(false);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(updates.filter((u) => u.id === m1.id).map((u) => u.state)).toEqual(['cancelled']);
  });

  it('queues a message to a peer known offline at once, without using retries', () => {
    let online = false;
    const { sender, sent, updates, send } = harness({ reachable: () => online });
    const m1 = send(PEER, 'while you were out');
    expect(sent).toEqual([]);
    expect(updates).toEqual([
      expect.objectContaining({ id: m1.id, state: 'pending', attempts: 0 }),
    ]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
    online = true;
    sender.resume(PEER);
    expect(sent.map((s) => s.seq)).toEqual([1]);
    expect(updates.at(-1)).toMatchObject({ state: 'sending' });
  });

  it('parks messages in flight when their peer goes offline', () => {
    const { sender, sent, updates, send } = harness();
    const m1 = send(PEER, 'one');
    sender.park(PEER);
    expect(updates.at(-1)).toMatchObject({ id: m1.id, state: 'pending' });
    const before = sent.length;
    vi.advanceTimersByTime(60_000);
    expect(sent.length).toBe(before);
  });

  it('says whether a peer has pending messages as a walk of its messages would, whatever happens', async () => {
    // Random steps over two peers: sends while reachable or not, acks, parks, resumes, retries,
    // cancels and timeouts (retries running out, the fallback answering pending or failed).
    let reachable = true;
    let fallback: 'pending' | 'failed' = 'pending';
    const { sender, send, updates } = harness({
      reachable: () => reachable,
      exhausted: () => Promise.resolve(fallback),
      maxTransmissions: 2,
    });
    const peers = [PEER, 'cccccccccccccccccccccccccccccccc'];
    const messages: OutboundMessage[] = [];
    const closed = new Set<string>();
    const FINAL = new Set(['delivered', 'failed', 'cancelled']);
    const walk = (peer: string): boolean =>
      messages.some((m) => m.to === peer && !closed.has(m.id) && m.state === 'pending');
    const next = seededChoices(7);
    for (let step = 0; step < 600; step += 1) {
      const peer = peers[next(2)] ?? PEER;
      const open = messages.filter((m) => m.to === peer && !closed.has(m.id));
      const some = open[next(Math.max(1, open.length))];
      switch (next(8)) {
        case 0:
          reachable = next(3) > 0;
          messages.push(send(peer, `m${step}`));
          break;
        case 1:
          if (some !== undefined) sender.acknowledge(ackOf(some));
          break;
        case 2:
          sender.park(peer);
          break;
        case 3:
          sender.resume(peer);
          break;
        case 4:
          if (some !== undefined) sender.retry(some.id);
          break;
        case 5:
          if (some !== undefined) sender.cancel(some.id);
          break;
        case 6:
          fallback = next(2) === 0 ? 'pending' : 'failed';
          await vi.advanceTimersByTimeAsync(2_000 + next(5_000));
          break;
        default:
          reachable = true;
      }
      for (const u of updates) if (FINAL.has(u.state)) closed.add(u.id);
      for (const p of peers) expect(sender.hasPending(p)).toBe(walk(p));
    }
    // Messages taken back after a restart are pending until their peer is heard from.
    const other = 'dddddddddddddddddddddddddddddddd';
    sender.restore([{ id: 'r1', to: other, epoch: 'e', seq: 1, text: 'r', ts: 0, mode: 'udp' }]);
    expect(sender.hasPending(other)).toBe(true);
    sender.resume(other);
    expect(sender.hasPending(other)).toBe(false);
  });
  it('starts a message at once whenever the window has room, as a walk of the window would, whatever happens', async () => {
    // start() skips its walk while the last walk found the window full and nothing left it since
    // (`full`): random steps check that a started message never waits beside a window with room.
    const WINDOW = 3;
    let reachable = true;
    // 'hang': the fallback's TCP attempt still connects (the message stays out of the window).
    let fallback: 'pending' | 'failed' | 'hang' = 'pending';
    const { sender, send, updates } = harness({
      window: WINDOW,
      reachable: () => reachable,
      exhausted: () =>
        fallback === 'hang' ? new Promise<never>(() => undefined) : Promise.resolve(fallback),
      maxTransmissions: 2,
    });
    const peers = [PEER, 'cccccccccccccccccccccccccccccccc'];
    const messages: OutboundMessage[] = [];
    const closed = new Set<string>();
    const FINAL = new Set(['delivered', 'failed', 'cancelled']);
    const next = seededChoices(11);
    let checked = 0;
    for (let step = 0; step < 1_500; step += 1) {
      const peer = peers[next(2)] ?? PEER;
      const open = messages.filter((m) => m.to === peer && !closed.has(m.id));
      const some = open[next(Math.max(1, open.length))];
      let started = false;
      switch (next(9)) {
        case 0:
        case 1:
          reachable = next(4) > 0;
          messages.push(send(peer, `m${step}`));
          started = reachable;
          break;
        case 2:
          if (some !== undefined) sender.acknowledge(ackOf(some));
          break;
        case 3:
          if (next(3) === 0) sender.park(peer);
          break;
        case 4:
          sender.resume(peer);
          break;
        case 5:
          if (some !== undefined) sender.retry(some.id);
          break;
        case 6:
          if (some !== undefined && next(2) === 0) sender.cancel(some.id);
          break;
        case 7:
          fallback = (['pending', 'failed', 'hang'] as const)[next(3)] ?? 'pending';
          await vi.advanceTimersByTimeAsync(next(4_000));
          break;
        default:
          reachable = true;
      }
      for (const u of updates) if (FINAL.has(u.state)) closed.add(u.id);
      if (!started) continue;
      const mine = messages.filter(
        (m) => m.to === peer && !closed.has(m.id) && m.state === 'sending',
      );
      const flying = mine.filter((m) => m.attempts > 0 || m.due !== undefined).length;
      const waiting = mine.length - flying;
      if (waiting > 0) expect(flying).toBeGreaterThanOrEqual(WINDOW);
      checked += waiting > 0 ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(50); // the window was full often enough to matter
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReliableSender, type ReliableSenderDeps } from '../../electron/net/reliable-sender';
import type { DeliveryUpdate } from '../../shared/domain';

const PEER = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function harness(overrides: Partial<ReliableSenderDeps> = {}) {
  const sent: { seq: number; floor: number; at: number }[] = [];
  const updates: DeliveryUpdate[] = [];
  const sender = new ReliableSender({
    transmit: (m, floor) => sent.push({ seq: m.seq, floor, at: Date.now() }),
    exhausted: () => Promise.resolve('failed'),
    status: (u) => updates.push(u),
    now: () => Date.now(),
    random: () => 0.5, // no jitter: delays are exactly RTO * 2^n
    ...overrides,
  });
  return { sender, sent, updates };
}

describe('ReliableSender', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers messages per peer and reports sending, then delivered with the RTT', () => {
    const { sender, sent, updates } = harness();
    const m1 = sender.send(PEER, 'one', 0);
    const m2 = sender.send(PEER, 'two', 0);
    expect([m1.seq, m2.seq]).toEqual([1, 2]);
    expect(sent.map((s) => s.seq)).toEqual([1, 2]);
    vi.advanceTimersByTime(30);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(updates.filter((u) => u.id === m1.id).map((u) => u.status)).toEqual([
      'sending',
      'delivered',
    ]);
    expect(updates.at(-1)).toMatchObject({ status: 'delivered', rttMs: 30, attempts: 1 });
  });

  it('retransmits with exponential back-off, then fails after the last attempt', async () => {
    const { sender, sent, updates } = harness({ maxTransmissions: 4 });
    const m = sender.send(PEER, 'hello', 0);
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500]);
    expect(updates.filter((u) => u.id === m.id).map((u) => u.status)).toEqual([
      'sending',
      'failed',
    ]);
    expect(updates.at(-1)).toMatchObject({ attempts: 4 });
  });

  it('does not take an RTT sample from a retransmitted message (Karn)', () => {
    const { sender, updates } = harness();
    const m = sender.send(PEER, 'hello', 0);
    vi.advanceTimersByTime(600);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 1 });
    expect(updates.at(-1)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(updates.at(-1)?.rttMs).toBeUndefined();
    expect(sender.rttMs(PEER)).toBeUndefined();
  });

  it('ignores acks that do not match an open message', () => {
    const { sender, updates } = harness();
    const m = sender.send(PEER, 'hello', 0);
    sender.acknowledge({ kind: 'ack', from: PEER, id: 'other', epoch: m.epoch, seq: 1 });
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: 'nope', seq: 1 });
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 2 });
    expect(updates.map((u) => u.status)).toEqual(['sending']);
  });

  it('advances the floor past acknowledged and failed messages', async () => {
    const { sender, sent } = harness({ maxTransmissions: 1 });
    const m1 = sender.send(PEER, 'a', 0);
    sender.send(PEER, 'b', 0);
    expect(sender.floor(PEER)).toBe(1);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m1.id, epoch: m1.epoch, seq: 1 });
    expect(sender.floor(PEER)).toBe(2);
    await vi.advanceTimersByTimeAsync(600); // message 2 fails after its only transmission
    expect(sender.floor(PEER)).toBe(3);
    sender.send(PEER, 'c', 0);
    expect(sent.at(-1)).toMatchObject({ seq: 3, floor: 3 });
  });

  it('keeps a message pending when the fallback says so and resends it when the peer is back', async () => {
    const { sender, sent, updates } = harness({
      maxTransmissions: 2,
      exhausted: () => Promise.resolve('pending'),
    });
    const m = sender.send(PEER, 'hello', 0);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(updates.map((u) => u.status)).toEqual(['sending', 'pending']);
    const before = sent.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.length).toBe(before); // no traffic while pending
    sender.resume(PEER);
    expect(sent.length).toBe(before + 1);
    sender.acknowledge({ kind: 'ack', from: PEER, id: m.id, epoch: m.epoch, seq: 1 });
    expect(updates.map((u) => u.status)).toEqual(['sending', 'pending', 'sending', 'delivered']);
  });

  it('limits messages in flight per peer and sends the rest as acks come in', () => {
    const { sender, sent } = harness({ window: 2 });
    const [a] = [sender.send(PEER, 'a', 0), sender.send(PEER, 'b', 0), sender.send(PEER, 'c', 0)];
    expect(sent.map((s) => s.seq)).toEqual([1, 2]);
    sender.acknowledge({ kind: 'ack', from: PEER, id: a.id, epoch: a.epoch, seq: 1 });
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('stops every timer on close', () => {
    const { sender, sent } = harness();
    sender.send(PEER, 'a', 0);
    sender.close();
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

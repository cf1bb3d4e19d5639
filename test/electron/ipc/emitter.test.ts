import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../../electron/ipc/emitter';
import { eventChannel } from '../../../shared/ipc/channels';
import type { PacketLogEntry } from '../../../shared/domain';

function packet(seq: number): PacketLogEntry {
  return {
    seq,
    at: seq,
    direction: 'in',
    transport: 'udp',
    local: '0.0.0.0:8000',
    remote: '10.0.0.2:4000',
    size: 100,
    kind: 'announce',
    summary: '',
  };
}

function setUp(options: { maxQueue?: number; windowOpen?: () => boolean } = {}) {
  const sent: { channel: string; payload: unknown }[] = [];
  const emitter = createEmitter({
    send: (channel, payload) => {
      if (options.windowOpen && !options.windowOpen()) return false;
      sent.push({ channel, payload });
      return true;
    },
    packetBatchMs: 100,
    maxPacketBatch: 3,
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
  });
  return { emitter, sent, channels: () => sent.map((s) => s.channel) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('createEmitter', () => {
  it('queues events until the renderer is ready, then sends them in order', () => {
    const { emitter, sent, channels } = setUp();
    emitter.emit('unread', { total: 1 });
    emitter.emit('open-conversation', { peerId: 'p1' });
    expect(sent).toEqual([]);
    emitter.ready();
    expect(channels()).toEqual([eventChannel('unread'), eventChannel('open-conversation')]);
    emitter.emit('unread', { total: 2 });
    expect(sent.at(-1)).toEqual({ channel: eventChannel('unread'), payload: { total: 2 } });
  });

  it('queues again after unready (a reload) until the next ready', () => {
    const { emitter, sent } = setUp();
    emitter.ready();
    emitter.unready();
    emitter.emit('unread', { total: 3 });
    expect(sent).toEqual([]);
    emitter.ready();
    expect(sent).toHaveLength(1);
  });

  it('keeps the queue bounded, drops the oldest and says so on ready', () => {
    const { emitter, sent } = setUp({ maxQueue: 3 });
    for (let total = 1; total <= 5; total += 1) emitter.emit('unread', { total });
    expect(emitter.dropped).toBe(2);
    emitter.ready();
    expect(sent.map((s) => s.payload)).toEqual([
      { total: 3 },
      { total: 4 },
      { total: 5 },
      expect.objectContaining({ code: 'events-dropped', level: 'warning' }),
    ]);
  });

  it('batches packets by time, keeping order with other events', () => {
    const { emitter, sent } = setUp();
    emitter.ready();
    emitter.emit('packets', [packet(1)]);
    emitter.emit('packets', [packet(2)]);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ channel: eventChannel('packets'), payload: [packet(1), packet(2)] }]);

    emitter.emit('packets', [packet(3)]);
    emitter.emit('unread', { total: 1 });
    expect(sent.slice(1).map((s) => s.channel)).toEqual([
      eventChannel('packets'),
      eventChannel('unread'),
    ]);
  });

  it('bounds a batch to the newest entries of its interval, so a flood costs the window little', () => {
    const { emitter, sent } = setUp();
    emitter.ready();
    for (let i = 1; i <= 1_000; i += 1) emitter.emit('packets', [packet(i)]);
    expect(sent).toEqual([]); // nothing goes early
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { channel: eventChannel('packets'), payload: [packet(998), packet(999), packet(1_000)] },
    ]);
  });

  it('queues when the window has gone and resends on the next ready', () => {
    let open = true;
    const { emitter, sent } = setUp({ windowOpen: () => open });
    emitter.ready();
    open = false;
    emitter.emit('unread', { total: 1 });
    open = true;
    expect(sent).toEqual([]);
    emitter.ready();
    expect(sent).toHaveLength(1);
  });

  it('sends nothing after close', () => {
    const { emitter, sent } = setUp();
    emitter.emit('packets', [packet(1)]);
    emitter.close();
    emitter.ready();
    emitter.emit('unread', { total: 1 });
    vi.runAllTimers();
    expect(sent).toEqual([]);
  });
});

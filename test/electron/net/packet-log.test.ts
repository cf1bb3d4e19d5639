import { describe, expect, it } from 'vitest';
import {
  MAX_PAYLOAD_KEPT,
  PacketLog,
  packetFields,
  packetSummary,
} from '../../../electron/net/packet-log';

const entry = (n: number) => ({
  at: n,
  direction: 'in' as const,
  transport: 'udp' as const,
  local: 'l',
  remote: 'r',
  size: n,
  kind: 'text',
  summary: '',
});

describe('PacketLog', () => {
  it('keeps the newest entries, oldest first, with increasing numbers', () => {
    const log = new PacketLog(3);
    for (let i = 1; i <= 5; i += 1) log.add(entry(i));
    expect(log.recent().map((e) => [e.seq, e.size])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    expect(log.recent(2).map((e) => e.seq)).toEqual([4, 5]);
  });

  it('keeps each entry’s bytes (cut at the limit) while the entry is in the ring', () => {
    const log = new PacketLog(3);
    const bytes = new Uint8Array([1, 2, 3]);
    for (let i = 1; i <= 4; i += 1)
      log.add(
        entry(i),
        bytes.map((b) => b * i),
      );
    bytes[0] = 99;
    expect(log.payload(1)).toBeUndefined();
    expect(log.payload(2)).toEqual({ bytes: new Uint8Array([2, 4, 6]), size: 3, decrypted: false });
    expect(log.payload(4)).toEqual({
      bytes: new Uint8Array([4, 8, 12]),
      size: 3,
      decrypted: false,
    });
    expect(log.payload(5)).toBeUndefined();
    log.add(entry(5), new Uint8Array(MAX_PAYLOAD_KEPT + 10));
    expect(log.payload(5)).toMatchObject({ size: MAX_PAYLOAD_KEPT + 10 });
    expect(log.payload(5)?.bytes.byteLength).toBe(MAX_PAYLOAD_KEPT);
  });

  it('keeps an array that is its whole buffer as it is, and copies a view into a larger one', () => {
    const log = new PacketLog(4);
    const whole = new Uint8Array([1, 2, 3]);
    log.add(entry(1), whole);
    expect(log.payload(1)?.bytes).toBe(whole); // handed over: no copy
    // A TCP frame cut from a chunk, or a pooled Buffer: later writes to the buffer must not show,
    // and the entry must not keep the rest of the buffer.
    const chunk = new Uint8Array([9, 8, 7, 6, 5]);
    log.add(entry(2), chunk.subarray(1, 3));
    const pooled = Buffer.from('abc');
    log.add(entry(3), pooled);
    chunk.fill(0);
    pooled.fill(0);
    expect(log.payload(2)?.bytes).toEqual(new Uint8Array([8, 7]));
    expect(log.payload(2)?.bytes.buffer.byteLength).toBe(2);
    expect(log.payload(3)?.bytes).toEqual(new Uint8Array([0x61, 0x62, 0x63]));
  });

  it('builds an entry added as a function only when read, once, with its number', () => {
    const log = new PacketLog(2);
    let built = 0;
    const lazy = (n: number) => () => {
      built += 1;
      return entry(n);
    };
    expect(log.addLazy(lazy(1))).toBe(1);
    expect(log.addLazy(lazy(2))).toBe(2);
    expect(log.addLazy(lazy(3))).toBe(3);
    expect(built).toBe(0);
    expect(log.entry(1)).toBeUndefined();
    expect(log.entry(3)).toMatchObject({ seq: 3, size: 3 });
    expect(log.recent().map((e) => [e.seq, e.size])).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(log.recent()).toEqual(log.recent());
    expect(built).toBe(2);
  });

  it('summarises and flattens packets for the inspector', () => {
    const text = {
      kind: 'text' as const,
      from: 'a'.repeat(32),
      id: 'm',
      epoch: 'e',
      seq: 2,
      floor: 1,
      ts: 0,
      text: 'x'.repeat(500),
    };
    expect(packetSummary(text)).toBe(`#2 ${'x'.repeat(60)}…`);
    expect(String(packetFields(text)['text']).length).toBe(201);
    expect(packetFields(text)['seq']).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError } from '../../../electron/net/framing';

const frames = ['{"a":1}', 'second frame', 'x'.repeat(5_000), '你好'].map((t) => Buffer.from(t));
const stream = Buffer.concat(frames.map(encodeFrame));

describe('FrameDecoder', () => {
  it('decodes frames however the stream is split', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 4_096, stream.length]) {
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size)
        out.push(...decoder.push(stream.subarray(i, i + size)));
      expect(out.map(String)).toEqual(frames.map(String));
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('decodes coalesced frames from one chunk', () => {
    expect(new FrameDecoder().push(stream)).toHaveLength(frames.length);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(stream.subarray(0, 6))).toEqual([]);
    expect(decoder.pendingBytes).toBe(6);
  });

  it('rejects a length above the limit before buffering it', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1_000_001);
    expect(() => new FrameDecoder(1_000_000).push(header)).toThrow(FrameError);
  });

  it('rejects an empty frame', () => {
    expect(() => new FrameDecoder().push(Buffer.alloc(4))).toThrow(/zero-length/);
  });

  it('copies a small frame out of a large chunk, and hands a frame that fills its memory on', () => {
    const big = Buffer.alloc(60_000, 0x61);
    const chunk = Buffer.concat([encodeFrame(Buffer.from('ack')), encodeFrame(big)]);
    const [small, large] = new FrameDecoder().push(chunk);
    expect(String(small)).toBe('ack');
    // The small frame does not keep the 60 KB chunk alive; the large one is not copied.
    expect(small?.buffer).not.toBe(chunk.buffer);
    expect(large?.buffer).toBe(chunk.buffer);
    expect(large?.equals(big)).toBe(true);
  });

  it('assembles a frame spread over chunks, with a screen, whatever the split', () => {
    const big = Buffer.alloc(70_000);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7) & 0xff;
    const input = Buffer.concat([encodeFrame(big), encodeFrame(Buffer.from('next'))]);
    const seen: number[] = [];
    for (const size of [1, 9, 1_000, 34_999, 35_004, 65_536, 69_999, input.length]) {
      const decoder = new FrameDecoder(1_000_000, (start, length) => {
        seen.push(length);
        return start.byteLength === Math.min(length, 5);
      });
      const out: Buffer[] = [];
      for (let i = 0; i < input.length; i += size) {
        const before = out.length;
        out.push(...decoder.push(input.subarray(i, i + size)));
        // What is pending is exactly what arrived of the frames not yet complete.
        const done = out.reduce((n, f) => n + 4 + f.byteLength, 0);
        expect(decoder.pendingBytes).toBe(Math.min(i + size, input.length) - done);
        if (out.length > before) expect(out[0]?.equals(big)).toBe(true);
      }
      expect(out.map((f) => f.byteLength)).toEqual([70_000, 4]);
      expect(String(out[1])).toBe('next');
      expect(decoder.pendingBytes).toBe(0);
    }
    expect(new Set(seen)).toEqual(new Set([70_000, 4]));
  });

  it('gives back the bytes of an unfinished frame, before and after half of it arrived', () => {
    const big = Buffer.alloc(10_000, 0x62);
    const input = Buffer.concat([encodeFrame(Buffer.from('first')), encodeFrame(big)]);
    for (const cut of [9 + 10, 9 + 4_000, 9 + 6_000, input.length - 1]) {
      const decoder = new FrameDecoder();
      const out = decoder.push(input.subarray(0, cut));
      expect(out.map(String)).toEqual(['first']);
      const rest = Buffer.concat(decoder.drain());
      expect(rest.equals(input.subarray(9, cut))).toBe(true);
      expect(decoder.pendingBytes).toBe(0);
      // The bytes given back and the rest of the stream make the frame in a new decoder.
      const next = new FrameDecoder();
      const frames = [...next.push(rest), ...next.push(input.subarray(cut))];
      expect(frames).toHaveLength(1);
      expect(frames[0]?.equals(big)).toBe(true);
    }
  });
});

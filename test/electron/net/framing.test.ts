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
});

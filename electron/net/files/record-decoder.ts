/**
 * Length-prefixed records out of TCP chunks, as framing.ts's FrameDecoder reads them (4-byte
 * big-endian length, then the bytes), tuned for 64 KiB records: a record that lies inside one
 * chunk is handed out as a view without copying, and one that spans chunks is copied once.
 * A length of 0 or above the limit is an error value, never a throw.
 */
import { FRAME_HEADER_BYTES } from '../framing';

export type DecodeStep = { readonly records: Buffer[] } | { readonly error: string };

export class RecordDecoder {
  /** Chunks received; those before `first` are used up (dropped in batches, not one by one). */
  private chunks: Buffer[] = [];
  private first = 0;
  private buffered = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): DecodeStep {
    if (chunk.byteLength === 0) return { records: [] };
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const records: Buffer[] = [];
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) return { records };
      const length = this.take(FRAME_HEADER_BYTES, false).readUInt32BE(0);
      if (length === 0 || length > this.maxBytes)
        return { error: `record length ${length}, limit ${this.maxBytes}` };
      if (this.buffered < FRAME_HEADER_BYTES + length) return { records };
      this.take(FRAME_HEADER_BYTES, true);
      records.push(this.take(length, true));
    }
  }

  /**
   * The next `length` bytes (consumed when `consume`): a view when they lie in the first chunk,
   * else one copy. Every byte is looked at a bounded number of times, however small the chunks.
   */
  private take(length: number, consume: boolean): Buffer {
    const head = this.chunks[this.first];
    if (head !== undefined && head.byteLength >= length) {
      if (consume) this.advance(length);
      return head.subarray(0, length);
    }
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (let i = this.first; at < length; i += 1) {
      const chunk = this.chunks[i];
      if (chunk === undefined) break;
      at += chunk.copy(out, at, 0, Math.min(chunk.byteLength, length - at));
    }
    if (consume) this.advance(length);
    return out;
  }

  private advance(length: number): void {
    this.buffered -= length;
    let left = length;
    while (left > 0) {
      const chunk = this.chunks[this.first];
      if (chunk === undefined) break;
      if (chunk.byteLength > left) {
        this.chunks[this.first] = chunk.subarray(left);
        break;
      }
      left -= chunk.byteLength;
      this.first += 1;
    }
    if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}

/**
 * Length-prefixed records out of TCP chunks, as framing.ts's FrameDecoder reads them (4-byte
 * big-endian length, then the bytes), tuned for 64 KiB records: a record that lies inside one
 * chunk is handed out as a view without copying, and one that spans chunks is copied once.
 * A length of 0 or above the limit is an error value, never a throw.
 */
import { FRAME_HEADER_BYTES } from '../framing';

export type DecodeStep = { readonly records: Buffer[] } | { readonly error: string };

export class RecordDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): DecodeStep {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const records: Buffer[] = [];
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) return { records };
      const length = this.peekLength();
      if (length === 0 || length > this.maxBytes)
        return { error: `record length ${length}, limit ${this.maxBytes}` };
      if (this.buffered < FRAME_HEADER_BYTES + length) return { records };
      this.take(FRAME_HEADER_BYTES);
      records.push(this.take(length));
    }
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength >= FRAME_HEADER_BYTES) return first.readUInt32BE(0);
    const head = Buffer.concat(this.chunks, this.buffered).subarray(0, FRAME_HEADER_BYTES);
    return head.readUInt32BE(0);
  }

  /** The next `length` bytes: a view when they lie in the first chunk, else one copy. */
  private take(length: number): Buffer {
    this.buffered -= length;
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength >= length) {
      const out = first.subarray(0, length);
      if (first.byteLength === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
      return out;
    }
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const chunk = this.chunks[0];
      if (chunk === undefined) break;
      const n = Math.min(chunk.byteLength, length - at);
      chunk.copy(out, at, 0, n);
      at += n;
      if (n === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return out;
  }
}

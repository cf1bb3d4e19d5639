import { MAX_FRAME_BYTES } from '../../shared/protocol/constants';

/** TCP framing: a 4-byte big-endian length, then that many bytes (one v2 packet). */
export const FRAME_HEADER_BYTES = 4;

/** The 4 bytes that go before a payload of `length` bytes. */
export function frameHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  return header;
}

export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: 'frame-too-large' | 'empty-frame' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Looks at the start of a frame before it is buffered: the first `bytes` of its payload and its
 * length. False refuses the frame (and with it the connection).
 */
export type FrameScreen = (start: Buffer, length: number) => boolean;
/** How much of a frame's payload the screen sees. */
export const SCREEN_BYTES = 5;

/**
 * Reassembles frames from TCP chunks, whatever way the stream was split or coalesced, in time
 * linear in the bytes. Never buffers more than one maximum frame: a length above the limit, or a
 * start the screen refuses, is an error at once.
 *
 * A frame that arrives whole in one chunk is handed on as a view of it. A frame that spans
 * chunks gets its own buffer once half of it has arrived (so memory held stays within twice what
 * a peer has sent), and each later chunk is copied into it as it comes: the last chunk of a
 * 64 KiB record then costs a copy of that chunk, not of the whole frame (docs/BENCHMARKS.md,
 * "Seventh pass on issue 18: 64 KiB over TCP").
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The payload length of the frame being read, once its header is in. */
  private expecting: number | undefined;
  private screened = false;
  /** The payload of the frame being read, once half of it is in; `filled` bytes of it so far. */
  private partial: Buffer | undefined;
  private filled = 0;

  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly screen?: FrameScreen,
  ) {}

  /** Bytes received that are not yet a whole frame (0 between frames). */
  get pendingBytes(): number {
    return this.partial === undefined ? this.buffered : FRAME_HEADER_BYTES + this.filled;
  }

  /**
   * Takes back the bytes received after the last whole frame (they start at a frame boundary),
   * for a connection that changes hands (a file data lane). The decoder is empty afterwards.
   */
  drain(): Buffer[] {
    const rest =
      this.partial === undefined
        ? this.chunks
        : [frameHeader(this.partial.byteLength), this.partial.subarray(0, this.filled)];
    this.chunks = [];
    this.buffered = 0;
    this.expecting = undefined;
    this.screened = false;
    this.partial = undefined;
    this.filled = 0;
    return rest;
  }

  /** Adds a chunk; returns the frames it completed. Throws FrameError on a bad frame. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (this.partial !== undefined) {
      const partial = this.partial;
      const take = Math.min(chunk.byteLength, partial.byteLength - this.filled);
      partial.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), this.filled);
      this.filled += take;
      if (this.filled < partial.byteLength) return frames;
      frames.push(partial);
      this.partial = undefined;
      this.filled = 0;
      this.expecting = undefined;
      this.screened = false;
      if (take === chunk.byteLength) return frames;
      chunk = chunk.subarray(take);
    }
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    for (;;) {
      if (this.expecting === undefined) {
        if (this.buffered < FRAME_HEADER_BYTES) return frames;
        this.expecting = this.readLength();
      }
      const length = this.expecting;
      if (!this.screened && this.screen !== undefined) {
        const seen = Math.min(length, SCREEN_BYTES);
        if (this.buffered < FRAME_HEADER_BYTES + seen) return frames;
        const start = this.take(FRAME_HEADER_BYTES + seen, false).subarray(FRAME_HEADER_BYTES);
        if (!this.screen(start, length)) throw new FrameError('refused', 'frame refused');
        this.screened = true;
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) {
        if (2 * (this.buffered - FRAME_HEADER_BYTES) >= length) this.startPartial(length);
        return frames;
      }
      const whole = this.take(FRAME_HEADER_BYTES + length, true);
      const payload = whole.subarray(FRAME_HEADER_BYTES);
      // A frame that is most of the memory it arrived in is handed on as it is; a small one is
      // copied out, so what keeps it (the packet log) does not keep a large chunk alive.
      frames.push(whole.buffer.byteLength <= 2 * whole.byteLength ? payload : Buffer.from(payload));
      this.expecting = undefined;
      this.screened = false;
    }
  }

  /** Moves the buffered start of an incomplete frame into a buffer of the frame's own size. */
  private startPartial(length: number): void {
    const partial = Buffer.allocUnsafe(length);
    let at = 0;
    let skip = FRAME_HEADER_BYTES;
    for (const chunk of this.chunks) {
      if (skip >= chunk.byteLength) {
        skip -= chunk.byteLength;
        continue;
      }
      partial.set(skip === 0 ? chunk : chunk.subarray(skip), at);
      at += chunk.byteLength - skip;
      skip = 0;
    }
    this.partial = partial;
    this.filled = at;
    this.chunks = [];
    this.buffered = 0;
  }

  private readLength(): number {
    const length = this.take(FRAME_HEADER_BYTES, false).readUInt32BE(0);
    if (length === 0) throw new FrameError('empty-frame', 'zero-length frame');
    if (length > this.maxFrameBytes) {
      throw new FrameError(
        'frame-too-large',
        `frame of ${length} bytes, limit ${this.maxFrameBytes}`,
      );
    }
    return length;
  }

  /** The first `count` buffered bytes as one buffer; `consume` removes them. */
  private take(count: number, consume: boolean): Buffer {
    const first = this.chunks[0];
    let joined: Buffer;
    if (first !== undefined && first.byteLength >= count) {
      joined = first;
    } else {
      joined = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [joined];
    }
    if (consume) {
      const rest = joined.subarray(count);
      this.chunks = rest.byteLength === 0 ? [] : [rest, ...this.chunks.slice(1)];
      this.buffered -= count;
    }
    return joined.subarray(0, count);
  }
}

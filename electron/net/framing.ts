import { MAX_FRAME_BYTES } from '../../shared/protocol/constants';

/** TCP framing: a 4-byte big-endian length, then that many bytes (one encoded packet). */
export const FRAME_HEADER_BYTES = 4;

export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: 'frame-too-large' | 'empty-frame',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reassembles frames from TCP chunks, whatever way the stream was split or coalesced. Never
 * buffers more than one maximum frame: a length above the limit is an error at once.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Bytes received that are not yet a whole frame (0 between frames). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns the frames it completed. Throws FrameError on a bad length. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) return frames;
      const data = this.flatten();
      const length = data.readUInt32BE(0);
      if (length === 0) throw new FrameError('empty-frame', 'zero-length frame');
      if (length > this.maxFrameBytes) {
        throw new FrameError(
          'frame-too-large',
          `frame of ${length} bytes, limit ${this.maxFrameBytes}`,
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) return frames;
      frames.push(Buffer.from(data.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length)));
      const rest = data.subarray(FRAME_HEADER_BYTES + length);
      this.chunks = rest.byteLength === 0 ? [] : [rest];
      this.buffered = rest.byteLength;
    }
  }

  private flatten(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    const [only] = this.chunks;
    return only ?? Buffer.alloc(0);
  }
}

/**
 * A RecordStream over one TCP socket: each record is one length-prefixed frame (framing.ts).
 * Back-pressure both ways: write() resolves when the socket's buffer is below its high-water
 * mark; incoming records queue up to `highWaterBytes`, then the socket is paused until the reader
 * catches up. Errors become the `closed` value; nothing here throws.
 */
import type { Socket } from 'node:net';
import { MAX_DATA_RECORD_BYTES } from '../../../shared/files/limits';
import { FRAME_HEADER_BYTES } from '../framing';
import type { ChannelError, CloseInfo, RecordStream, WriteResult } from './ports';
import { RecordDecoder } from './record-decoder';

export const DEFAULT_READ_HIGH_WATER_BYTES = 1024 * 1024;
const END_GRACE_MS = 2_000;
/** write() resolves at once while less than this is queued in the socket. */
export const WRITE_HIGH_WATER_BYTES = 512 * 1024;

/**
 * What a frame carries around a record: nothing (the plain channel), or a sealed v2 transport
 * record (electron/net/lanes.ts). Failures are values; nothing here may throw.
 */
export interface RecordCodec {
  /** The largest frame a peer may send (a bigger length ends the stream). */
  readonly maxFrameBytes: number;
  /** The bytes of one frame carrying `record`, length header first, written as one. */
  frame(record: Uint8Array): readonly Uint8Array[] | ChannelError;
  /** The record inside a frame, or why the stream must end. */
  record(frame: Buffer): Uint8Array | ChannelError;
}

export const PLAIN_CODEC: RecordCodec = {
  maxFrameBytes: MAX_DATA_RECORD_BYTES,
  frame(record) {
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    header.writeUInt32BE(record.byteLength, 0);
    return [header, record];
  },
  record: (frame) => frame,
};

export interface SocketStreamOptions {
  readonly highWaterBytes?: number;
  /** Frames the handshake already took off the socket, to be delivered first. */
  readonly decoder?: RecordDecoder;
  readonly pending?: readonly Uint8Array[];
  /** Bytes received before the stream took the socket (they start at a frame boundary). */
  readonly received?: readonly Buffer[];
  /** Default: plain frames (PLAIN_CODEC). */
  readonly codec?: RecordCodec;
}

const closedError: ChannelError = { code: 'closed', message: 'stream closed' };

class SocketRecordStream implements RecordStream {
  readonly closed: Promise<CloseInfo>;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private reader: ((record: Uint8Array | undefined) => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private info: CloseInfo | undefined;
  private settleClosed: (info: CloseInfo) => void = () => undefined;
  private readonly decoder: RecordDecoder;
  private readonly highWater: number;
  private readonly codec: RecordCodec;

  constructor(
    private readonly socket: Socket,
    readonly peerId: string,
    options: SocketStreamOptions,
  ) {
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
    this.codec = options.codec ?? PLAIN_CODEC;
    this.decoder = options.decoder ?? new RecordDecoder(this.codec.maxFrameBytes);
    this.highWater = options.highWaterBytes ?? DEFAULT_READ_HIGH_WATER_BYTES;
    for (const frame of options.pending ?? []) this.enqueue(frame);
    for (const chunk of options.received ?? []) this.onData(chunk);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.wakeWriters());
    socket.on('end', () => this.finish({ by: 'remote' }));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.finish({ by: 'error', error: { code: errorCode(error), message: error.message } }),
    );
    socket.on('close', () => this.finish({ by: 'remote' }));
  }

  write(record: Uint8Array): Promise<WriteResult> {
    if (this.info !== undefined) return Promise.resolve({ ok: false, error: closedError });
    if (record.byteLength === 0 || record.byteLength > MAX_DATA_RECORD_BYTES) {
      const message = `record of ${record.byteLength} bytes`;
      return Promise.resolve({ ok: false, error: { code: 'too-large', message } });
    }
    const parts = this.codec.frame(record);
    if (!Array.isArray(parts)) {
      const error = parts as ChannelError;
      this.socket.destroy();
      this.finish({ by: 'error', error });
      return Promise.resolve({ ok: false, error });
    }
    this.socket.cork();
    for (const part of parts as readonly Uint8Array[]) this.socket.write(part);
    this.socket.uncork();
    // Node's own mark (16 KiB) is below one record; ours lets a few records queue.
    if (this.socket.writableLength < WRITE_HIGH_WATER_BYTES) return Promise.resolve({ ok: true });
    return new Promise((resolve) => {
      this.drainWaiters.push(() =>
        resolve(this.info === undefined ? { ok: true } : { ok: false, error: closedError }),
      );
    });
  }

  read(): Promise<Uint8Array | undefined> {
    const next = this.queue.shift();
    if (next !== undefined) {
      this.queuedBytes -= next.byteLength;
      if (this.queuedBytes <= this.highWater / 2 && this.info === undefined) this.socket.resume();
      return Promise.resolve(next);
    }
    if (this.info !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.reader = resolve));
  }

  close(): void {
    if (this.info !== undefined) return;
    // end() flushes what was written (an ERROR record, say); destroy if the peer never closes.
    this.socket.end();
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
    this.finish({ by: 'local' });
  }

  private onData(chunk: Buffer): void {
    if (this.info !== undefined) return;
    const step = this.decoder.push(chunk);
    if ('error' in step) {
      // A bad length from the peer: the stream is unusable, but nothing may throw out of here.
      this.fail({ code: 'protocol', message: step.error });
      return;
    }
    for (const frame of step.records) {
      const record = this.codec.record(frame);
      if (!(record instanceof Uint8Array)) {
        this.fail(record);
        return;
      }
      this.enqueue(record);
    }
    if (this.queuedBytes > this.highWater) this.socket.pause();
  }

  private fail(error: ChannelError): void {
    this.socket.destroy();
    this.finish({ by: 'error', error });
  }

  private enqueue(frame: Uint8Array): void {
    const reader = this.reader;
    if (reader !== undefined) {
      this.reader = undefined;
      reader(frame);
      return;
    }
    this.queue.push(frame);
    this.queuedBytes += frame.byteLength;
  }

  private wakeWriters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }

  private finish(info: CloseInfo): void {
    if (this.info !== undefined) return;
    this.info = info;
    if (info.by !== 'local') this.socket.destroy();
    this.wakeWriters();
    const reader = this.reader;
    this.reader = undefined;
    reader?.(undefined);
    this.settleClosed(info);
  }
}

function errorCode(error: NodeJS.ErrnoException): ChannelError['code'] {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'reset';
  }
}

export function createSocketRecordStream(
  socket: Socket,
  peerId: string,
  options: SocketStreamOptions = {},
): RecordStream {
  return new SocketRecordStream(socket, peerId, options);
}

export { errorCode as socketErrorCode };

/**
 * One lane of a receiving transfer: one data stream on which the receiver pipelines GET requests
 * (at most `windowBytes` and `maxRequests` outstanding, across several files when they are small)
 * and writes the answers to the files' parts in order. The window bounds both the memory in use
 * and the bytes lost when either side dies. Every record is checked against the request it
 * answers; anything unexpected ends the lane as a protocol error.
 */
import type { PartFile } from './part-file';
import type { RecordStream } from './ports';
import { decodeRecord, encodeRecord, type DataRecord, type RecordErrorCode } from './records';

export interface LaneOptions {
  readonly requestBytes: number;
  readonly windowBytes: number;
  readonly maxRequests: number;
}

/** A file being fetched. Its part stays open across lanes until the file ends. */
export interface ReceiveJob {
  readonly index: number;
  readonly size: number;
  readonly part: PartFile;
  /** Next offset to request on this lane. */
  requested: number;
  /** The current lane has sent this file's first request (with the prefix hash). */
  told: boolean;
  /** Requests of this job still unanswered on the current lane. */
  inFlight: number;
  /** Set when the sender refused the file: its remaining answers are discarded. */
  abort?: RecordErrorCode;
}

export type LaneEnd =
  | { readonly kind: 'drained' }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'refused'; readonly code: RecordErrorCode }
  | { readonly kind: 'protocol'; readonly message: string }
  | { readonly kind: 'disk'; readonly error: NodeJS.ErrnoException };

export interface LaneHost {
  readonly transfer: string;
  /** The next file to fetch, its part open; undefined when none is left. Throws fs errors. */
  nextJob(): Promise<ReceiveJob | undefined>;
  /** The lane ended with this job unfinished: it goes back to the queue. */
  returnJob(job: ReceiveJob): void;
  /** The sender sent FILE_END: verify and keep, or fetch again. */
  fileEnded(job: ReceiveJob, senderSha256: string): void;
  /** The sender refused the file (after all its answers were consumed). */
  fileRefused(job: ReceiveJob, code: RecordErrorCode): void;
  progress(job: ReceiveJob, bytes: number): void;
}

interface Request {
  readonly job: ReceiveJob;
  readonly offset: number;
  readonly length: number;
  received: number;
}

/** Codes that concern the whole transfer, not one file. */
const TRANSFER_CODES: ReadonlySet<RecordErrorCode> = new Set([
  'paused',
  'cancelled',
  'not-allowed',
  'unknown-transfer',
]);

type Step = LaneEnd | undefined;

export class Lane {
  private readonly outstanding: Request[] = [];
  private outstandingBytes = 0;
  private readonly jobs = new Set<ReceiveJob>();
  private current: ReceiveJob | undefined;
  private exhausted = false;

  constructor(
    private readonly stream: RecordStream,
    private readonly host: LaneHost,
    private readonly options: LaneOptions,
  ) {}

  async run(): Promise<LaneEnd> {
    try {
      for (;;) {
        const filled = await this.fill();
        if (filled !== undefined) return filled;
        if (this.outstanding.length === 0) return { kind: 'drained' };
        const bytes = await this.stream.read();
        if (bytes === undefined) return { kind: 'disconnected' };
        const step = await this.onRecord(bytes);
        if (step !== undefined) return step;
      }
    } catch (error) {
      return { kind: 'disk', error: error as NodeJS.ErrnoException };
    } finally {
      this.stream.close();
      for (const job of this.jobs) {
        // Keep what arrived; if it cannot be written now it is simply fetched again.
        await job.part.flush().catch(() => undefined);
        this.host.returnJob(job);
      }
      this.jobs.clear();
    }
  }

  /** Sends requests until the window is full or no work is left. */
  private async fill(): Promise<Step> {
    while (
      this.outstanding.length < this.options.maxRequests &&
      this.outstandingBytes <
        Math.min(this.options.windowBytes, this.stream.windowBytes ?? Infinity)
    ) {
      const job = await this.currentJob();
      if (job === undefined) return undefined;
      const length = Math.min(this.options.requestBytes, job.size - job.requested);
      const prefix = job.told || job.requested === 0 ? undefined : job.part.prefixDigest();
      const get = { type: 'get' as const, transfer: this.host.transfer, file: job.index };
      const base = { ...get, offset: job.requested, length };
      const written = await this.stream.write(encodeRecord(prefix ? { ...base, prefix } : base));
      if (!written.ok) return { kind: 'disconnected' };
      this.outstanding.push({ job, offset: job.requested, length, received: 0 });
      this.outstandingBytes += length;
      job.told = true;
      job.inFlight += 1;
      job.requested += length;
      if (job.requested >= job.size) this.current = undefined;
    }
    return undefined;
  }

  private async currentJob(): Promise<ReceiveJob | undefined> {
    if (this.current !== undefined || this.exhausted) return this.current;
    const job = await this.host.nextJob();
    if (job === undefined) {
      this.exhausted = true;
      return undefined;
    }
    job.requested = job.part.offset;
    job.told = false;
    job.inFlight = 0;
    this.jobs.add(job);
    this.current = job;
    return job;
  }

  private async onRecord(bytes: Uint8Array): Promise<Step> {
    const decoded = decodeRecord(bytes);
    if (!decoded.ok) return { kind: 'protocol', message: decoded.error };
    const record = decoded.record;
    const head = this.outstanding[0];
    if (head === undefined || record.transfer !== this.host.transfer)
      return { kind: 'protocol', message: 'record for no request' };
    switch (record.type) {
      case 'data':
        return this.onData(head, record);
      case 'file-end':
        return this.onFileEnd(head, record);
      case 'error':
        return this.onError(head, record);
      default:
        return { kind: 'protocol', message: `unexpected ${record.type}` };
    }
  }

  private async onData(
    head: Request,
    record: Extract<DataRecord, { type: 'data' }>,
  ): Promise<Step> {
    const { job } = head;
    const size = record.payload.byteLength;
    if (
      record.file !== job.index ||
      record.offset !== head.offset + head.received ||
      size > head.length - head.received
    )
      return { kind: 'protocol', message: 'DATA does not match its request' };
    if (job.abort === undefined) {
      await job.part.append(record.payload);
      this.host.progress(job, size);
    }
    head.received += size;
    if (head.received === head.length && head.offset + head.length < job.size) this.settle();
    return undefined;
  }

  private async onFileEnd(
    head: Request,
    record: Extract<DataRecord, { type: 'file-end' }>,
  ): Promise<Step> {
    const { job } = head;
    const whole = head.received === head.length && head.offset + head.length === job.size;
    if (record.file !== job.index || !whole || record.size !== job.size)
      return { kind: 'protocol', message: 'FILE_END does not match its request' };
    this.settle();
    if (job.abort !== undefined) return undefined;
    await job.part.flush();
    this.jobs.delete(job);
    this.host.fileEnded(job, Buffer.from(record.sha256).toString('hex'));
    return undefined;
  }

  private onError(head: Request, record: Extract<DataRecord, { type: 'error' }>): Step {
    const { job } = head;
    if (record.file !== job.index) return { kind: 'protocol', message: 'ERROR for another file' };
    if (TRANSFER_CODES.has(record.code)) return { kind: 'refused', code: record.code };
    job.abort ??= record.code;
    if (this.current === job) this.current = undefined;
    this.settle();
    return undefined;
  }

  /** The head request is fully answered. */
  private settle(): void {
    const head = this.outstanding.shift();
    if (head === undefined) return;
    this.outstandingBytes -= head.length;
    const { job } = head;
    job.inFlight -= 1;
    if (job.abort === undefined || job.inFlight > 0) return;
    // The sender refused this file and every answer to it has been consumed.
    this.jobs.delete(job);
    this.host.fileRefused(job, job.abort);
  }
}

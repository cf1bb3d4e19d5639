/**
 * Pulls one accepted transfer: a queue of files, up to `lanes` data streams working through it
 * (lane.ts), reconnecting with back-off when a stream breaks, verifying each file's SHA-256 and
 * handing good ones to the committer. Parts stay open while a lane reconnects, so a mere
 * disconnect costs no re-hashing; a restart re-hashes what is on disk (part-file.ts).
 */
import { realpath, mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EMPTY_SHA256, PART_SUFFIX } from '../../../shared/files/limits';
import type { Manifest } from '../../../shared/files/manifest';
import type { FileErrorCode } from '../../../shared/files/types';
import { Committer, type CommitItem } from './committer';
import { Lane, type LaneEnd, type LaneHost, type LaneOptions, type ReceiveJob } from './lane';
import { PartFile } from './part-file';
import type { DataChannel, RecordStream } from './ports';
import { isInside } from './receive-plan';
import type { RecordErrorCode } from './records';

export interface PullOptions extends LaneOptions {
  readonly lanes: number;
  readonly fsync: boolean;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
}

/** Whole-file attempts before a file that keeps failing verification is given up. */
export const MAX_FILE_ATTEMPTS = 3;

export type PullEnd =
  | { readonly kind: 'complete' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'refused'; readonly code: RecordErrorCode }
  | { readonly kind: 'disk-full' }
  /** The data channel says no path to the peer is left (its relay broker dropped). */
  | { readonly kind: 'path-down'; readonly message: string }
  | { readonly kind: 'unwritable'; readonly message: string }
  | { readonly kind: 'storage'; readonly message: string };

/** What the puller asks of the engine. */
export interface PullHost {
  readonly transfer: string;
  readonly peerId: string;
  /** Real path of the target folder. */
  readonly target: string;
  readonly manifest: Manifest;
  readonly channel: DataChannel;
  readonly options: PullOptions;
  /** Files still to fetch (pending or interrupted), in order. */
  readonly queue: readonly number[];
  savedAs(index: number): string;
  attempts(index: number): number;
  connected(): void;
  unreachable(message: string): void;
  progress(index: number, bytesDone: number): void;
  /** Records verified files as done (before they move); throws when the store fails. */
  markDone(items: readonly CommitItem[]): void;
  committed(index: number, savedAs: string): void;
  /** The file is fetched again from scratch (hash mismatch); `attempts` so far. */
  restarted(index: number, attempts: number): void;
  /** A done record was undone because keeping the file failed. */
  uncommitted(index: number): void;
  fileFailed(index: number, code: FileErrorCode): void;
  warn(message: string): void;
}

const REFUSED_FILE_CODES: Partial<Record<RecordErrorCode, FileErrorCode>> = {
  'source-changed': 'source-changed',
  'source-unreadable': 'source-unreadable',
  'bad-request': 'protocol',
};

function diskEnd(error: unknown): PullEnd {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return { kind: 'disk-full' };
  return { kind: 'unwritable', message: String(error) };
}

function laneFailure(end: Extract<LaneEnd, { kind: 'refused' | 'disk' }>): PullEnd {
  return end.kind === 'refused' ? { kind: 'refused', code: end.code } : diskEnd(end.error);
}

export class Puller implements LaneHost {
  readonly transfer: string;
  private readonly queue: number[];
  private readonly returned: ReceiveJob[] = [];
  private readonly streams = new Set<RecordStream>();
  private readonly sleepers = new Set<() => void>();
  private readonly background = new Set<Promise<void>>();
  private readonly madeDirs = new Set<string>();
  private readonly committer: Committer;
  private end: PullEnd | undefined;
  private moved = 0;

  constructor(private readonly host: PullHost) {
    this.transfer = host.transfer;
    this.queue = [...host.queue];
    this.committer = new Committer({
      target: host.target,
      fsync: host.options.fsync,
      markDone: (items) => host.markDone(items),
      committed: (item, savedAs) => host.committed(item.index, savedAs),
      failed: (item, error) => this.commitFailed(item, error),
    });
  }

  async run(): Promise<PullEnd> {
    try {
      while (this.end === undefined && this.hasWork()) {
        const count = Math.max(1, Math.min(this.host.options.lanes, this.queue.length));
        await Promise.all(Array.from({ length: count }, () => this.laneLoop()));
        await this.settle();
      }
      await this.settle();
      return this.end ?? { kind: 'complete' };
    } finally {
      for (const job of this.returned.splice(0)) await job.part.close();
    }
  }

  /** Ends the pull: lanes stop, parts stay on disk. */
  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  /** The peer is reachable again: reconnect now instead of after the back-off. */
  wake(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private hasWork(): boolean {
    return this.queue.length > 0 || this.returned.length > 0;
  }

  private async settle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.committer.drain();
  }

  private finish(end: PullEnd): void {
    this.end ??= end;
    for (const stream of this.streams) stream.close();
    this.wake();
  }

  private async laneLoop(): Promise<void> {
    let delay = this.host.options.reconnectInitialMs;
    while (this.end === undefined && this.hasWork()) {
      const opened = await this.host.channel.open(this.host.peerId);
      if (!opened.ok && opened.error.code === 'path-down') {
        this.finish({ kind: 'path-down', message: opened.error.message });
        return;
      }
      if (!opened.ok) {
        this.host.unreachable(opened.error.message);
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.host.options.reconnectMaxMs);
        continue;
      }
      const before = this.moved;
      const result = await this.runLane(opened.stream);
      if (this.moved > before) delay = this.host.options.reconnectInitialMs;
      if (result.kind === 'drained') return;
      if (result.kind === 'refused' || result.kind === 'disk') {
        this.finish(laneFailure(result));
        return;
      }
      if (result.kind === 'protocol') this.host.warn(`data stream: ${result.message}`);
      if (result.kind === 'disconnected') {
        // A lane whose only path went away ends the pull at once (it pauses), not by retrying.
        const error = (await opened.stream.closed).error;
        if (error?.code === 'path-down') {
          this.finish({ kind: 'path-down', message: error.message });
          return;
        }
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.host.options.reconnectMaxMs);
    }
  }

  private async runLane(stream: RecordStream): Promise<LaneEnd> {
    if (this.end !== undefined) {
      stream.close();
      return { kind: 'disconnected' };
    }
    this.streams.add(stream);
    this.host.connected();
    try {
      return await new Lane(stream, this, this.host.options).run();
    } finally {
      this.streams.delete(stream);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.end !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  // ---- LaneHost ------------------------------------------------------------------------------

  async nextJob(): Promise<ReceiveJob | undefined> {
    for (;;) {
      if (this.end !== undefined) return undefined;
      await this.committer.room();
      const again = this.returned.shift();
      if (again !== undefined) return again;
      const index = this.queue.shift();
      if (index === undefined) return undefined;
      const job = await this.openJob(index);
      if (job !== undefined) return job;
    }
  }

  returnJob(job: ReceiveJob): void {
    if (job.abort !== undefined) this.fileRefused(job, job.abort);
    else this.returned.push(job);
  }

  fileEnded(job: ReceiveJob, senderSha256: string): void {
    const digest = job.part.digestHex();
    const expected = this.host.manifest.files[job.index]?.sha256;
    if (digest === senderSha256 && (expected === undefined || expected === digest)) {
      const savedAs = this.host.savedAs(job.index);
      this.committer.add({ index: job.index, part: job.part, sha256: digest, savedAs });
      return;
    }
    this.track(this.restart(job, 'hash-mismatch'));
  }

  fileRefused(job: ReceiveJob, code: RecordErrorCode): void {
    const fileCode = REFUSED_FILE_CODES[code];
    if (code === 'prefix-mismatch') this.track(this.restart(job, 'hash-mismatch'));
    else this.track(this.fail(job, fileCode ?? 'protocol'));
  }

  progress(job: ReceiveJob, bytes: number): void {
    this.moved += bytes;
    this.host.progress(job.index, job.part.offset);
  }

  // ---- files ---------------------------------------------------------------------------------

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.finish(diskEnd(error)));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private partPath(index: number): string {
    return join(this.host.target, this.host.savedAs(index) + PART_SUFFIX);
  }

  /** Opens the part (creating folders on the way); an empty file is kept at once. */
  private async openJob(index: number): Promise<ReceiveJob | undefined> {
    const entry = this.host.manifest.files[index];
    if (entry === undefined) return undefined;
    const path = this.partPath(index);
    await this.ensureDir(dirname(path));
    const part = await PartFile.open(path);
    if (part.offset > entry.size) await part.reset();
    this.host.progress(index, part.offset);
    const job: ReceiveJob = {
      index,
      size: entry.size,
      part,
      requested: part.offset,
      told: false,
      inFlight: 0,
    };
    if (entry.size > 0) return job;
    this.fileEnded(job, EMPTY_SHA256);
    return undefined;
  }

  /** Creates a folder inside the target; a symlink planted on the way is refused. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    const real = await realpath(dir);
    if (real !== this.host.target && !isInside(this.host.target, real)) {
      const error: NodeJS.ErrnoException = new Error(`${dir} leads outside the target folder`);
      error.code = 'EACCES';
      throw error;
    }
    this.madeDirs.add(dir);
  }

  /** Discards the part and fetches the file again, or gives up after MAX_FILE_ATTEMPTS. */
  private async restart(job: ReceiveJob, code: FileErrorCode): Promise<void> {
    await job.part.close();
    await unlink(job.part.path).catch(() => undefined); // already gone is fine
    const attempts = this.host.attempts(job.index) + 1;
    if (attempts >= MAX_FILE_ATTEMPTS) {
      this.host.fileFailed(job.index, code);
      return;
    }
    this.host.restarted(job.index, attempts);
    this.queue.push(job.index);
  }

  /** A failed file leaves nothing behind: its part goes too (retry starts it afresh). */
  private async fail(job: ReceiveJob, code: FileErrorCode): Promise<void> {
    await job.part.close();
    await unlink(job.part.path).catch(() => undefined); // already gone is fine
    this.host.fileFailed(job.index, code);
  }

  private commitFailed(item: CommitItem, error: unknown): void {
    this.host.uncommitted(item.index);
    this.queue.push(item.index);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) this.finish({ kind: 'storage', message: String(error) });
    else this.finish(diskEnd(error));
  }
}

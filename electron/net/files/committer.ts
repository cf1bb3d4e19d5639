/**
 * Keeps verified files, in batches: fsync the parts, record them as done in the store (one write
 * per batch), then move each part to its final name without overwriting (commit.ts). Recording
 * before moving means a crash in between leaves a done file whose part still exists, which the
 * next start finishes (finishCommit). Files that finish while a batch is being kept form the next
 * batch, so thousands of small files cost a few store writes, not thousands.
 */
import { join, relative } from 'node:path';
import { commitPart } from './commit';
import type { PartFile } from './part-file';

export interface CommitItem {
  readonly index: number;
  readonly part: PartFile;
  readonly sha256: string;
  /** Planned path relative to the target folder. */
  readonly savedAs: string;
}

export interface CommitHost {
  readonly target: string;
  readonly fsync: boolean;
  /** Stores these files as done (synchronous, durable); throws when the store fails. */
  markDone(items: readonly CommitItem[]): void;
  /** The file is in place; `savedAs` differs from the plan when the name was taken meanwhile. */
  committed(item: CommitItem, savedAs: string): void;
  /** The file could not be kept (a full disk at fsync, a store failure): fetch it again later. */
  failed(item: CommitItem, error: unknown): void;
}

/** Parts waiting to be kept; beyond this, new files wait (each holds an open file). */
const MAX_QUEUED = 256;

export class Committer {
  private queue: CommitItem[] = [];
  private running: Promise<void> | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly host: CommitHost) {}

  add(item: CommitItem): void {
    this.queue.push(item);
    this.running ??= this.loop();
  }

  /** Resolves when there is room for another open file. */
  async room(): Promise<void> {
    while (this.queue.length >= MAX_QUEUED)
      await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** Resolves when everything added so far is kept or failed. */
  async drain(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (const wake of this.roomWaiters.splice(0)) wake();
        await this.keep(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async keep(batch: readonly CommitItem[]): Promise<void> {
    const synced = await Promise.all(batch.map((item) => this.close(item)));
    const ready = batch.filter((_, i) => synced[i] === true);
    try {
      this.host.markDone(ready);
    } catch (error) {
      for (const item of ready) this.host.failed(item, error);
      return;
    }
    for (const item of ready) {
      try {
        const final = await commitPart(item.part.path, join(this.host.target, item.savedAs));
        this.host.committed(item, relative(this.host.target, final).split('\\').join('/'));
      } catch (error) {
        this.host.failed(item, error);
      }
    }
  }

  private async close(item: CommitItem): Promise<boolean> {
    try {
      if (this.host.fsync) await item.part.sync();
      await item.part.close();
      return true;
    } catch (error) {
      await item.part.close();
      this.host.failed(item, error);
      return false;
    }
  }
}

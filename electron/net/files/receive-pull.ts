/**
 * Runs the pulls of accepted transfers, one at a time per transfer: fetch the manifest when it
 * was too big for the offer, plan safe names (once; the plan is stored), finish moves a crash cut
 * short, then the Puller. When a pull ends, its slot is gone before `ended` acts, so the ending
 * may pause, cancel or start the transfer again without waiting on itself.
 */
import type { EventEmitter } from 'node:events';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { PART_SUFFIX } from '../../../shared/files/limits';
import { summarize, totalBytes, type Manifest } from '../../../shared/files/manifest';
import { finishCommit } from './commit';
import type { FileEngineEvents } from './engine-types';
import { fetchManifest } from './manifest-fetch';
import type { DataChannel, StoredFile } from './ports';
import { Puller, type PullEnd, type PullHost, type PullOptions } from './puller';
import { isInside, planReceive } from './receive-plan';
import type { Entry, TransferBook } from './transfer-book';

/** How a pull can end: the Puller's ends, or a manifest that is not acceptable. */
export type Ending = PullEnd | { readonly kind: 'bad-manifest' };

export interface PullRunnerOptions {
  readonly book: TransferBook;
  readonly events: EventEmitter<FileEngineEvents>;
  readonly data: DataChannel;
  readonly options: PullOptions;
  readonly spaceMarginBytes: number;
  readonly ended: (entry: Entry, end: Ending) => Promise<void>;
}

interface PullSlot {
  puller?: Puller;
  stopped?: boolean;
  done: Promise<void>;
}

/** Read through a function: the flag changes while the pull awaits. */
const isStopped = (slot: PullSlot): boolean => slot.stopped === true;

export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

export function pendingFiles(manifest: Manifest): StoredFile[] {
  return manifest.files.map((_, index) => ({ index, state: 'pending', bytesDone: 0, attempts: 0 }));
}

export function partPath(entry: Entry, savedAs: string): string {
  return join(entry.t.dir ?? '', savedAs + PART_SUFFIX);
}

export class PullRunner {
  private readonly pulls = new Map<string, PullSlot>();
  private closed = false;

  constructor(private readonly o: PullRunnerOptions) {}

  wake(peerId: string): void {
    for (const [id, pull] of this.pulls)
      if (this.o.book.get(id)?.t.peerId === peerId) pull.puller?.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.o.book.all()) await this.stop(entry);
  }

  start(entry: Entry): void {
    if (this.closed || this.pulls.has(entry.t.id)) return;
    const slot: PullSlot = { done: Promise.resolve() };
    this.pulls.set(entry.t.id, slot);
    slot.done = this.runPull(entry, slot);
  }

  /** The pull, then what its end means; the slot is gone first, so ended() may stop or restart. */
  private async runPull(entry: Entry, slot: PullSlot): Promise<void> {
    let end: Ending;
    try {
      end = await this.pull(entry, slot);
    } catch (error) {
      end = { kind: 'unwritable', message: String(error) };
    } finally {
      this.pulls.delete(entry.t.id);
    }
    await this.o.ended(entry, end);
  }

  async stop(entry: Entry): Promise<void> {
    const slot = this.pulls.get(entry.t.id);
    if (slot === undefined) return;
    slot.puller?.stop();
    slot.stopped = true;
    await slot.done;
  }

  private async pull(entry: Entry, slot: PullSlot): Promise<Ending> {
    const manifest = await this.ensureManifest(entry, slot);
    if ('kind' in manifest) return manifest;
    if (isStopped(slot)) return { kind: 'stopped' };
    const target = entry.t.dir ?? '';
    if (entry.t.planned !== true) await this.plan(entry, manifest, target);
    const left = totalBytes(manifest) - entry.bytesDone + this.o.spaceMarginBytes;
    if (left > (await freeBytes(target))) return { kind: 'disk-full' };
    await this.finishCommits(entry, target);
    const queue = entry.files
      .filter((f) => f.state === 'pending' || f.state === 'active')
      .map((f) => f.index);
    const puller = new Puller(this.pullHost(entry, manifest, target, queue));
    slot.puller = puller;
    if (isStopped(slot)) return { kind: 'stopped' };
    return puller.run();
  }

  private async ensureManifest(entry: Entry, slot: PullSlot): Promise<Manifest | Ending> {
    let delay = this.o.options.reconnectInitialMs;
    while (entry.t.manifest === undefined) {
      if (isStopped(slot) || this.closed) return { kind: 'stopped' };
      const ref = {
        peerId: entry.t.peerId,
        transfer: entry.t.id,
        bytes: entry.t.manifestBytes,
        sha256: entry.t.manifestSha256,
      };
      const result = await fetchManifest(this.o.data, ref);
      if (result.ok) {
        this.o.book.update(entry, {
          manifest: result.manifest,
          summary: summarize(result.manifest),
        });
        this.o.book.setFiles(entry, pendingFiles(result.manifest));
      } else if (result.refused !== undefined) {
        return { kind: 'refused', code: result.refused };
      } else if (!result.retry) {
        return { kind: 'bad-manifest' };
      } else {
        entry.unreachable = true;
        this.o.book.emit(entry, true);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.o.options.reconnectMaxMs);
      }
    }
    return entry.t.manifest;
  }

  private async plan(entry: Entry, manifest: Manifest, target: string): Promise<void> {
    const plan = await planReceive(manifest, target);
    const files = plan.files.map((savedAs, index): StoredFile =>
      savedAs === undefined
        ? { index, state: 'skipped', bytesDone: 0, attempts: 0, error: 'unsafe-name' }
        : { index, state: 'pending', bytesDone: 0, attempts: 0, savedAs },
    );
    for (const folder of plan.folders) {
      const path = join(target, folder);
      if (isInside(target, path)) await mkdir(path, { recursive: true });
    }
    this.o.book.setFiles(entry, files);
    this.o.book.update(entry, { planned: true, folders: plan.folders });
    if (plan.renamed.length > 0 || plan.skipped.length > 0)
      this.o.events.emit('paths', {
        transferId: entry.t.id,
        side: 'receive',
        renamed: plan.renamed,
        skipped: plan.skipped,
      });
  }

  /** Files stored as done whose move was cut short by a crash. */
  private async finishCommits(entry: Entry, target: string): Promise<void> {
    for (const file of entry.files) {
      if (file.state !== 'done' || file.savedAs === undefined) continue;
      await finishCommit(partPath(entry, file.savedAs), join(target, file.savedAs));
    }
  }

  private pullHost(entry: Entry, manifest: Manifest, target: string, queue: number[]): PullHost {
    const book = this.o.book;
    const file = (index: number): StoredFile =>
      entry.files[index] ?? { index, state: 'pending', bytesDone: 0, attempts: 0 };
    return {
      transfer: entry.t.id,
      peerId: entry.t.peerId,
      target,
      manifest,
      channel: this.o.data,
      options: this.o.options,
      queue,
      savedAs: (index) => file(index).savedAs ?? '',
      attempts: (index) => file(index).attempts,
      connected: () => {
        entry.unreachable = false;
        if (!book.transition(entry, 'start')) book.emit(entry, false);
      },
      unreachable: () => {
        if (entry.unreachable) return;
        entry.unreachable = true;
        book.emit(entry, true);
      },
      progress: (index, bytesDone) => {
        book.setFile(entry, { ...file(index), state: 'active', bytesDone });
        book.progress(entry);
      },
      markDone: (items) =>
        book.saveFilesNow(
          entry,
          items.map((item) => ({
            ...file(item.index),
            state: 'done',
            bytesDone: manifest.files[item.index]?.size ?? 0,
            sha256: item.sha256,
          })),
        ),
      committed: (index, savedAs) => {
        if (savedAs !== file(index).savedAs) book.setFile(entry, { ...file(index), savedAs }, true);
        book.progress(entry);
      },
      restarted: (index, attempts) =>
        book.setFile(entry, { ...file(index), state: 'pending', bytesDone: 0, attempts }, true),
      uncommitted: (index) => {
        const { sha256: _sha, ...rest } = file(index);
        book.setFile(entry, { ...rest, state: 'pending' }, true);
      },
      fileFailed: (index, code) =>
        book.setFile(entry, { ...file(index), state: 'failed', error: code }, true),
      warn: (message) =>
        this.o.events.emit('warning', {
          code: 'bad-record',
          message,
          peerId: entry.t.peerId,
          transferId: entry.t.id,
        }),
    };
  }
}

/**
 * The receiving side: storing offers, accepting into a folder (after a free-space check), and
 * running the pull: fetch the manifest when it was too big for the offer, plan safe names, then
 * the Puller. How a pull ends decides the state: done or failed, or paused with a reason.
 */
import type { EventEmitter } from 'node:events';
import { mkdir, realpath, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileControlMessage } from '../../../shared/files/control';
import { MAX_LISTED_FAILURES } from '../../../shared/files/control';
import { MAX_PENDING_OFFERS_PER_PEER, PART_SUFFIX } from '../../../shared/files/limits';
import { summarize, totalBytes, type Manifest } from '../../../shared/files/manifest';
import type { TransferReason } from '../../../shared/files/types';
import type { AutoAcceptPolicy, FileEngineEvents, OperationResult } from './engine-types';
import { finishCommit } from './commit';
import { fetchManifest } from './manifest-fetch';
import type { ControlChannel, DataChannel, StoredFile, StoredTransfer } from './ports';
import { Puller, type PullEnd, type PullHost, type PullOptions } from './puller';
import { isInside, planReceive } from './receive-plan';
import { doneEvent } from './send-side';
import type { Entry, TransferBook } from './transfer-book';

/** Free space kept beyond the transfer's size when accepting. */
export const DEFAULT_SPACE_MARGIN_BYTES = 16 * 1024 * 1024;

export interface ReceiveSideOptions {
  readonly book: TransferBook;
  readonly events: EventEmitter<FileEngineEvents>;
  readonly control: ControlChannel;
  readonly data: DataChannel;
  readonly pull: PullOptions;
  readonly autoAccept: AutoAcceptPolicy | undefined;
  readonly diskRetryMs: number;
  readonly spaceMarginBytes: number;
  readonly now: () => number;
}

type Offer = Extract<FileControlMessage, { type: 'file-offer' }>;
type Fail = Extract<OperationResult, { ok: false }>;

interface PullSlot {
  puller?: Puller;
  stopped?: boolean;
  done: Promise<void>;
}

/** How a pull can end: the Puller's ends, or a manifest that is not acceptable. */
type Ending = PullEnd | { readonly kind: 'bad-manifest' };

/** Read through a function: the flag changes while the pull awaits. */
const isStopped = (slot: PullSlot): boolean => slot.stopped === true;

const pausedForDisk = (entry: Entry): boolean =>
  entry.t.state === 'paused' && entry.t.localPause === 'disk-full';

const fail = (code: Fail['code'], message: string): Fail => ({ ok: false, code, message });

export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

function pendingFiles(manifest: Manifest): StoredFile[] {
  return manifest.files.map((_, index) => ({ index, state: 'pending', bytesDone: 0, attempts: 0 }));
}

export class ReceiveSide {
  private readonly pulls = new Map<string, PullSlot>();
  private readonly diskTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: ReceiveSideOptions) {}

  // ---- offers --------------------------------------------------------------------------------

  async onOffer(peerId: string, offer: Offer): Promise<void> {
    const book = this.o.book;
    if (book.get(offer.transfer) !== undefined) return; // delivered again: already stored
    const waiting = book.all().filter((e) => e.t.peerId === peerId && e.t.state === 'offered');
    if (waiting.length >= MAX_PENDING_OFFERS_PER_PEER) {
      this.o.control.send(peerId, {
        type: 'file-decline',
        transfer: offer.transfer,
        reason: 'too-many-offers',
      });
      this.o.events.emit('warning', { code: 'too-many-offers', message: 'offer declined', peerId });
      return;
    }
    const now = this.o.now();
    const manifest = offer.manifest;
    const t: StoredTransfer = {
      ...{ id: offer.transfer, peerId, direction: 'receive', state: 'offered' },
      ...{ createdAt: now, updatedAt: now, outbox: [] },
      summary: manifest === undefined ? offer.summary : summarize(manifest),
      ...{ manifestSha256: offer.manifestSha256, manifestBytes: offer.manifestBytes },
      ...(manifest === undefined ? {} : { manifest }),
    };
    const entry = book.create(t, manifest === undefined ? [] : pendingFiles(manifest));
    book.emit(entry, true);
    await this.autoAccept(entry);
  }

  private async autoAccept(entry: Entry): Promise<void> {
    const policy = this.o.autoAccept;
    if (policy === undefined) return;
    try {
      const decision = await policy({
        transfer: this.o.book.info(entry),
        summary: entry.t.summary,
      });
      if (decision !== undefined) await this.accept(entry, decision.dir);
    } catch (error) {
      // The app's policy failed: the offer simply waits for the user.
      this.o.events.emit('warning', { code: 'storage', message: `auto-accept: ${String(error)}` });
    }
  }

  async accept(entry: Entry, dir: string): Promise<OperationResult> {
    if (entry.t.state !== 'offered') return fail('wrong-state', `transfer is ${entry.t.state}`);
    let target: string;
    try {
      target = await realpath(dir);
      if (!(await stat(target)).isDirectory())
        return fail('not-a-folder', `${dir} is not a folder`);
    } catch {
      return fail('not-a-folder', `${dir} does not exist`);
    }
    const free = await freeBytes(target);
    const need = entry.t.summary.bytes + this.o.spaceMarginBytes;
    if (free < need) return fail('no-space', `${need} bytes needed, ${free} free in ${target}`);
    if (!this.o.book.transition(entry, 'accept', { dir: target }))
      return fail('wrong-state', 'not offered');
    this.o.book.sendControl(entry, { type: 'file-accept', transfer: entry.t.id });
    this.startPull(entry);
    return { ok: true, transfer: this.o.book.info(entry) };
  }

  decline(entry: Entry): OperationResult {
    if (!this.o.book.transition(entry, 'decline'))
      return fail('wrong-state', `transfer is ${entry.t.state}`);
    this.o.book.sendControl(entry, { type: 'file-decline', transfer: entry.t.id, reason: 'user' });
    return { ok: true, transfer: this.o.book.info(entry) };
  }

  // ---- pause, resume, cancel, retry -----------------------------------------------------------

  async pause(entry: Entry, reason: TransferReason, tell = true): Promise<void> {
    await this.stopPull(entry);
    this.o.book.transition(entry, 'pause', { localPause: reason });
    if (tell) this.o.book.sendControl(entry, { type: 'file-pause', transfer: entry.t.id });
    if (reason === 'disk-full') this.watchDisk(entry);
  }

  async resume(entry: Entry): Promise<OperationResult> {
    if (entry.t.state !== 'paused') return fail('wrong-state', `transfer is ${entry.t.state}`);
    const dir = entry.t.dir;
    if (dir !== undefined && (await freeBytes(dir).catch(() => 0)) < this.remaining(entry))
      return fail('no-space', 'not enough free space yet');
    if (entry.t.localPause === undefined) return fail('paused-by-peer', 'the sender paused it');
    this.clearDiskWatch(entry);
    this.o.book.update(entry, { localPause: undefined });
    this.o.book.sendControl(entry, { type: 'file-resume', transfer: entry.t.id });
    if (entry.t.peerPaused === true) {
      this.o.book.emit(entry, true);
      return fail('paused-by-peer', 'the sender paused it too');
    }
    this.o.book.transition(entry, 'resume');
    this.startPull(entry);
    return { ok: true, transfer: this.o.book.info(entry) };
  }

  async cancel(entry: Entry, tell: boolean): Promise<void> {
    await this.stopPull(entry);
    this.clearDiskWatch(entry);
    await this.removeParts(entry);
    if (this.o.book.transition(entry, 'cancel') && tell)
      this.o.book.sendControl(entry, { type: 'file-cancel', transfer: entry.t.id });
  }

  async retry(entry: Entry): Promise<OperationResult> {
    if (entry.t.state !== 'failed') return fail('wrong-state', `transfer is ${entry.t.state}`);
    for (const file of entry.files) {
      if (file.state !== 'failed' || file.savedAs === undefined) continue;
      await unlink(this.partPath(entry, file.savedAs)).catch(() => undefined); // may not exist
      this.o.book.setFile(entry, {
        index: file.index,
        state: 'pending',
        bytesDone: 0,
        attempts: 0,
        savedAs: file.savedAs,
      });
    }
    this.o.book.transition(entry, 'retry', { reason: undefined });
    this.o.book.sendControl(entry, { type: 'file-resume', transfer: entry.t.id });
    this.startPull(entry);
    return { ok: true, transfer: this.o.book.info(entry) };
  }

  /** The sender paused (true) or resumed (false). */
  async peerPause(entry: Entry, paused: boolean): Promise<void> {
    this.o.book.update(entry, { peerPaused: paused });
    if (paused) {
      await this.stopPull(entry);
      if (!this.o.book.transition(entry, 'pause')) this.o.book.emit(entry, true);
    } else if (entry.t.localPause === undefined && this.o.book.transition(entry, 'resume')) {
      this.startPull(entry);
    } else this.o.book.emit(entry, true);
  }

  wake(peerId: string): void {
    for (const [id, pull] of this.pulls)
      if (this.o.book.get(id)?.t.peerId === peerId) pull.puller?.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.diskTimers.values()) clearTimeout(timer);
    this.diskTimers.clear();
    for (const entry of this.o.book.all()) await this.stopPull(entry);
  }

  // ---- the pull ------------------------------------------------------------------------------

  startPull(entry: Entry): void {
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
    await this.ended(entry, end);
  }

  private async stopPull(entry: Entry): Promise<void> {
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
    let delay = this.o.pull.reconnectInitialMs;
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
        delay = Math.min(delay * 2, this.o.pull.reconnectMaxMs);
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
      await finishCommit(this.partPath(entry, file.savedAs), join(target, file.savedAs));
    }
  }

  private partPath(entry: Entry, savedAs: string): string {
    return join(entry.t.dir ?? '', savedAs + PART_SUFFIX);
  }

  private remaining(entry: Entry): number {
    return entry.t.summary.bytes - entry.bytesDone + this.o.spaceMarginBytes;
  }

  private async removeParts(entry: Entry): Promise<void> {
    for (const file of entry.files) {
      if (file.state === 'done' || file.savedAs === undefined || entry.t.dir === undefined)
        continue;
      await unlink(this.partPath(entry, file.savedAs)).catch(() => undefined); // never created is fine
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
      options: this.o.pull,
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

  private async ended(entry: Entry, end: Ending): Promise<void> {
    switch (end.kind) {
      case 'bad-manifest':
        this.o.book.transition(entry, 'fail', { reason: 'bad-manifest' });
        this.o.book.sendControl(entry, { type: 'file-cancel', transfer: entry.t.id });
        return;
      case 'complete':
        this.complete(entry);
        return;
      case 'stopped':
        return;
      case 'refused':
        if (end.code === 'paused') return this.peerPause(entry, true);
        if (end.code === 'cancelled') return this.cancel(entry, false);
        this.o.book.transition(entry, 'fail', { reason: 'refused' });
        return;
      case 'disk-full':
        return this.pause(entry, 'disk-full');
      case 'unwritable':
        return this.pause(entry, 'target-unwritable');
      case 'storage':
        return this.pause(entry, 'storage');
    }
  }

  private complete(entry: Entry): void {
    const failed = entry.files.filter((f) => f.state === 'failed').map((f) => f.index);
    const ok = failed.length === 0;
    const moved = ok
      ? this.o.book.transition(entry, 'complete')
      : this.o.book.transition(entry, 'fail', { reason: 'files-failed' });
    if (!moved) return;
    this.o.book.sendControl(entry, {
      type: 'file-done',
      transfer: entry.t.id,
      filesDone: entry.filesDone,
      filesFailed: failed.length,
      failed: failed.slice(0, MAX_LISTED_FAILURES),
    });
    this.o.events.emit('done', doneEvent(this.o.book, entry));
  }

  // ---- a full disk ---------------------------------------------------------------------------

  private watchDisk(entry: Entry): void {
    this.clearDiskWatch(entry);
    const timer = setTimeout(() => {
      this.diskTimers.delete(entry.t.id);
      void this.checkDisk(entry);
    }, this.o.diskRetryMs);
    timer.unref();
    this.diskTimers.set(entry.t.id, timer);
  }

  private clearDiskWatch(entry: Entry): void {
    clearTimeout(this.diskTimers.get(entry.t.id));
    this.diskTimers.delete(entry.t.id);
  }

  private async checkDisk(entry: Entry): Promise<void> {
    if (this.closed || !pausedForDisk(entry)) return;
    const result = await this.resume(entry).catch(() => undefined);
    if (result?.ok !== true && pausedForDisk(entry)) this.watchDisk(entry);
  }
}

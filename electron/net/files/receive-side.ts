/**
 * The receiving side: storing offers, accepting into a folder (after a free-space check), the
 * operations on a received transfer, and what the end of a pull (receive-pull.ts) means for its
 * state: done or failed, or paused with a reason (and, for a full disk, watching for space).
 */
import type { EventEmitter } from 'node:events';
import { realpath, stat, unlink } from 'node:fs/promises';
import type { FileControlMessage } from '../../../shared/files/control';
import { MAX_LISTED_FAILURES } from '../../../shared/files/control';
import { MAX_PENDING_OFFERS_PER_PEER } from '../../../shared/files/limits';
import { summarize } from '../../../shared/files/manifest';
import type { TransferReason } from '../../../shared/files/types';
import type { AutoAcceptPolicy, FileEngineEvents, OperationResult } from './engine-types';
import type { ControlChannel, DataChannel, StoredTransfer } from './ports';
import type { PullOptions } from './puller';
import { freeBytes, partPath, pendingFiles, PullRunner, type Ending } from './receive-pull';
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

const pausedForDisk = (entry: Entry): boolean =>
  entry.t.state === 'paused' && entry.t.localPause === 'disk-full';

const pausedForPath = (entry: Entry): boolean =>
  entry.t.state === 'paused' && entry.t.localPause === 'relay-unreachable';

const fail = (code: Fail['code'], message: string): Fail => ({ ok: false, code, message });

export class ReceiveSide {
  private readonly diskTimers = new Map<string, NodeJS.Timeout>();
  private readonly runner: PullRunner;
  private closed = false;

  constructor(private readonly o: ReceiveSideOptions) {
    this.runner = new PullRunner({
      book: o.book,
      events: o.events,
      data: o.data,
      options: o.pull,
      spaceMarginBytes: o.spaceMarginBytes,
      ended: (entry, end) => this.ended(entry, end),
    });
  }

  startPull(entry: Entry): void {
    if (!this.closed) this.runner.start(entry);
  }

  private stopPull(entry: Entry): Promise<void> {
    return this.runner.stop(entry);
  }

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
    // A pause for a lost path was never told to the sender (it could not be): nor is its end.
    const told = entry.t.localPause !== 'relay-unreachable';
    this.o.book.update(entry, { localPause: undefined });
    if (told) this.o.book.sendControl(entry, { type: 'file-resume', transfer: entry.t.id });
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
      await unlink(partPath(entry, file.savedAs)).catch(() => undefined); // may not exist
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

  /**
   * The peer can be reached again (online, moved, its path changed), or with `peerId`
   * undefined a relay broker connection came back: running pulls reconnect now, and transfers
   * paused because their relay broker dropped resume from their parts.
   */
  wake(peerId: string | undefined): void {
    if (peerId !== undefined) this.runner.wake(peerId);
    for (const entry of this.o.book.all()) {
      if (!pausedForPath(entry) || (peerId !== undefined && entry.t.peerId !== peerId)) continue;
      void this.resume(entry).catch(() => undefined); // a refusal keeps it paused, with its reason
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.diskTimers.values()) clearTimeout(timer);
    this.diskTimers.clear();
    await this.runner.close();
  }

  private remaining(entry: Entry): number {
    return entry.t.summary.bytes - entry.bytesDone + this.o.spaceMarginBytes;
  }

  private async removeParts(entry: Entry): Promise<void> {
    for (const file of entry.files) {
      if (file.state === 'done' || file.savedAs === undefined || entry.t.dir === undefined)
        continue;
      await unlink(partPath(entry, file.savedAs)).catch(() => undefined); // never created is fine
    }
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
      case 'path-down':
        // The sender cannot be told (no path): it sees the lanes end and waits for new ones.
        return this.pause(entry, 'relay-unreachable', false);
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

  /** Checks every diskRetryMs whether space was freed, then resumes (also after a restart). */
  watchDisk(entry: Entry): void {
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

// IPMsg file transfers as TransferInfo (shared/transfers.ts), the route of the IPMsg bridge in
// Transfers. An IPMsg offer (files and folders in one SENDMSG) is one transfer; its id is the
// module's offer id (`ipmsg:IP#packetNo` received, `ipmsg:IP#out-…` sent). Accepting fetches
// every item in turn (GETFILEDATA / GETDIRFILES); the sender's side follows the peer's fetches.
// Each transfer is kept in `transfers` and shows as a card in its conversation
// (ipmsg-transfer-keeping.ts), as PacketChat transfers do.
import path from 'node:path';
import { ipmsgAddress, isIpmsgPeerId } from '../../shared/ipmsg-id';
import { showableName } from '../../shared/files/card';
import type { PathIssue, RenamedInside } from '../../shared/files/types';
import type {
  TransferDoneFile,
  TransferDirection,
  TransferFileInfo,
  TransferInfo,
  TransferReason,
  TransferState,
} from '../../shared/transfers';
import {
  type IpmsgIncomingOffer,
  type IpmsgNode,
  type IpmsgOfferReleased,
  type IpmsgTransferProgress,
} from '../net/index';
import { hashItem, MAX_HASHED_FILES } from './file-hashes';
import {
  afterRestart,
  ipmsgCard,
  type IpmsgCards,
  type IpmsgSlotRecord,
  type IpmsgTransferRecord,
  type IpmsgTransferRecords,
} from './ipmsg-transfer-keeping';
import { transferError } from './ipmsg-transfer-error';
import { insideOf, wholeOf } from './transfer-paths';
import { RateMeter } from './rate-meter';
import {
  TransferError,
  type SendOptions,
  type TransferRoute,
  type TransferSink,
} from './transfers';

const PROGRESS_EVERY_MS = 500;
const MAX_NAMES = 20;
/** Transfers remembered; beyond this the oldest finished ones are forgotten. */
const MAX_TRANSFERS = 1_000;
const FINAL: ReadonlySet<TransferState> = new Set(['done', 'failed', 'declined', 'cancelled']);

type SlotState = 'pending' | 'active' | 'done' | 'failed';

interface Slot {
  readonly fileId: number;
  readonly name: string;
  readonly kind: 'file' | 'folder' | 'other';
  readonly size: number;
  /** Received offers: the sender's time stamp (seconds), to know the offer again after a restart. */
  readonly mtime?: number;
  bytesDone: number;
  state: SlotState;
  /** Where it was written (receive) or is read from (send). */
  path?: string;
  /** A received folder: the names inside it that were saved under another name. */
  renamedInside?: RenamedInside;
}

interface Entry {
  readonly id: string;
  readonly peerId: string;
  readonly direction: TransferDirection;
  readonly slots: Slot[];
  readonly createdAt: number;
  state: TransferState;
  reason?: Extract<TransferReason, 'files-failed' | 'refused'>;
  dir?: string;
  updatedAt: number;
  lastProgressAt: number;
  readonly meter: RateMeter;
}

/** Where transfers are kept and shown; without it they live in memory only (tests). */
export interface IpmsgTransferKeeping {
  readonly records: IpmsgTransferRecords;
  readonly cards: IpmsgCards;
  /** A record could not be stored (the transfer goes on; a restart would not know this step). */
  readonly onStorageError: (error: unknown) => void;
}

export class IpmsgTransferRoute implements TransferRoute {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ipmsg: IpmsgNode,
    private readonly report: TransferSink,
    /** An item of an accepted offer failed; the transfer goes on with the others. */
    private readonly onFileFailed: (id: string, name: string, error: string) => void,
    private readonly keeping?: IpmsgTransferKeeping,
    private readonly now: () => number = Date.now,
  ) {
    ipmsg.on('file-offer', (offer) => this.offered(offer));
    ipmsg.on('transfer', (progress) => this.progress(progress));
    ipmsg.on('offer-released', (release) => this.released(release));
    this.restore();
  }

  servesPeer(peerId: string): boolean {
    return isIpmsgPeerId(peerId);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  list(): TransferInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  /**
   * The offer's items, by their place in it: an IPMsg folder is one item (the protocol lists its
   * files only as they arrive). `path` is the sender's name as a card shows it; `savedAs` the
   * name the item was saved under (relative to the folder it was accepted into) when the module
   * made it safe (safe-path.ts) or it clashed with one there (" (1)"); a folder's
   * `renamedInside` the names inside it that were (the protocol lists a folder's files only as
   * they arrive, so they are not items of their own). Thumbnails and the changed-names list read
   * this, as for PacketChat transfers.
   */
  files(id: string): TransferFileInfo[] {
    const entry = this.entry(id);
    return entry.slots.map((slot, index) => {
      const name = showableName(slot.name);
      const saved =
        entry.direction !== 'receive' || slot.path === undefined || entry.dir === undefined
          ? undefined
          : path.relative(entry.dir, slot.path).split(path.sep).join('/');
      return {
        index,
        path: name,
        size: slot.size,
        bytesDone: slot.bytesDone,
        state: slot.state,
        ...(saved === undefined || saved === name ? {} : { savedAs: saved }),
        ...(slot.renamedInside === undefined
          ? {}
          : { renamedInside: showableRenames(slot.renamedInside) }),
      };
    });
  }

  /**
   * An item's path (`index`: its place in the offer), or the whole offer's: its one item, else the
   * folder it was saved into (receive) or the first item's folder (send). A received item counts
   * only once it is done and inside the folder it was accepted into.
   */
  locate(id: string, index: number | undefined): string | undefined {
    const entry = this.entry(id);
    if (index !== undefined && entry.slots[index] === undefined)
      throw new TransferError('unknown-file', `${id} has no item ${String(index)}`);
    const kept = (slot: Slot): string | undefined => {
      if (entry.direction === 'send') return slot.path;
      if (slot.state !== 'done' || slot.path === undefined || entry.dir === undefined)
        return undefined;
      return insideOf(entry.dir, path.relative(entry.dir, slot.path).split(path.sep).join('/'));
    };
    const slot = index === undefined ? undefined : entry.slots[index];
    if (slot !== undefined) return kept(slot);
    const paths = entry.slots.map(kept).filter((p) => p !== undefined);
    const first = paths[0];
    const holder =
      entry.direction === 'receive'
        ? entry.dir
        : first === undefined
          ? undefined
          : path.dirname(first);
    return wholeOf(paths, holder === undefined ? undefined : path.resolve(holder));
  }

  async send(
    peerId: string,
    paths: readonly string[],
    options: SendOptions,
  ): Promise<TransferInfo> {
    const force = options.force === true;
    const offer = await this.ipmsg
      .offerFiles(peerId, paths, '', { force })
      .catch((error: unknown) => {
        throw transferError(error);
      });
    const entry = this.add(
      offer.offerId,
      offer.peerId,
      'send',
      offer.files.map((f) => ({
        fileId: f.fileId,
        name: path.basename(f.path),
        kind: f.kind,
        size: f.size,
        bytesDone: 0,
        state: 'pending',
        path: f.path,
      })),
    );
    this.keeping?.cards.sent(offer.message, ipmsgCard(entry.id, entry.slots));
    return this.info(entry);
  }

  accept(id: string, dir: string): Promise<TransferInfo> {
    const entry = this.entry(id, 'receive');
    if (entry.state !== 'offered')
      throw new TransferError('wrong-state', `${id} is ${entry.state}, not offered`);
    entry.dir = dir;
    this.change(entry, 'accepted');
    const accepted = this.info(entry);
    this.fetchAll(entry, dir).catch((error: unknown) => {
      // Not expected (every step catches its own errors), but never an unhandled rejection.
      this.onFileFailed(entry.id, entry.slots[0]?.name ?? '', String(error));
    });
    return Promise.resolve(accepted);
  }

  decline(id: string): Promise<TransferInfo> {
    const entry = this.entry(id, 'receive');
    if (entry.state !== 'offered')
      throw new TransferError('wrong-state', `${id} is ${entry.state}, not offered`);
    this.release(entry);
    this.change(entry, 'declined');
    return Promise.resolve(this.info(entry));
  }

  /**
   * An offer not yet accepted is declined (RELEASEFILES); one of ours is withdrawn, so the peer
   * can no longer fetch it. A download under way cannot be stopped halfway: IPMsg has no way to,
   * and the module finishes the item it is fetching.
   */
  cancel(id: string): Promise<TransferInfo> {
    const entry = this.entry(id);
    if (FINAL.has(entry.state))
      throw new TransferError('wrong-state', `${id} is ${entry.state} already`);
    if (entry.direction === 'receive') {
      if (entry.state !== 'offered')
        throw new TransferError(
          'unsupported',
          `${id} is being fetched; an IPMsg download cannot be stopped halfway`,
        );
      this.release(entry);
    } else {
      try {
        this.ipmsg.withdrawOffer(id);
      } catch {
        // Released by the peer or expired already: nothing is served either way.
      }
    }
    this.change(entry, 'cancelled');
    return Promise.resolve(this.info(entry));
  }

  /** Fetches the items that failed (a download a restart cut short, too) again, into the same folder. */
  retry(id: string): Promise<TransferInfo> {
    const entry = this.entry(id, 'receive');
    const dir = entry.dir;
    if (entry.state !== 'failed' || dir === undefined)
      throw new TransferError('wrong-state', `${id} is ${entry.state}, not failed`);
    for (const slot of entry.slots)
      if (slot.state === 'failed') {
        slot.state = 'pending';
        slot.bytesDone = 0;
        delete slot.renamedInside; // a folder is fetched again into a new folder
      }
    delete entry.reason;
    this.change(entry, 'accepted');
    const accepted = this.info(entry);
    this.fetchAll(entry, dir).catch((error: unknown) => {
      this.onFileFailed(entry.id, entry.slots[0]?.name ?? '', String(error));
    });
    return Promise.resolve(accepted);
  }

  private release(entry: Entry): void {
    try {
      this.ipmsg.declineOffer(entry.id);
    } catch (error) {
      throw transferError(error);
    }
  }

  private offered(offer: IpmsgIncomingOffer): void {
    if (offer.shared) return; // iptux's list of shared files answers askShared(): not an offer
    const entry = this.add(
      offer.offerId,
      offer.peerId,
      'receive',
      offer.files.map((f) => ({
        fileId: f.fileId,
        name: f.name,
        kind: f.kind,
        size: f.size,
        mtime: f.mtime,
        bytesDone: 0,
        state: 'pending',
      })),
    );
    const port = this.ipmsg.findPeer(offer.peerId)?.port ?? this.ipmsg.info().port;
    this.keeping?.cards.received({
      peerId: offer.peerId,
      packetNo: offer.packetNo,
      at: offer.at,
      remote: `${ipmsgAddress(offer.peerId) ?? ''}:${String(port)}`,
      card: ipmsgCard(entry.id, entry.slots),
    });
  }

  private async fetchAll(entry: Entry, dir: string): Promise<void> {
    for (const slot of entry.slots) {
      if (slot.state === 'done') continue; // a retry fetches only what failed
      if (slot.kind === 'other') {
        slot.state = 'failed';
        this.onFileFailed(entry.id, slot.name, 'neither a file nor a folder');
        continue;
      }
      slot.state = 'active';
      if (entry.state === 'accepted') this.change(entry, 'active');
      try {
        const final = await this.ipmsg.acceptFile(entry.id, slot.fileId, dir);
        slot.state = final.state === 'done' ? 'done' : 'failed';
        slot.bytesDone = final.bytes;
        if (final.path !== undefined) slot.path = final.path;
        if (final.renamedInside !== undefined) slot.renamedInside = final.renamedInside;
        if (final.state !== 'done') this.onFileFailed(entry.id, slot.name, final.error ?? 'failed');
      } catch (error) {
        slot.state = 'failed';
        this.onFileFailed(entry.id, slot.name, transferError(error).message);
      }
    }
    await this.finish(entry);
  }

  /** Progress of one item, as the module reports it (running at most 4/s, then done or failed). */
  private progress(progress: IpmsgTransferProgress): void {
    const entry = this.entries.get(progress.offerId);
    const slot = entry?.slots.find((s) => s.fileId === progress.fileId);
    if (entry === undefined || slot === undefined || FINAL.has(entry.state)) return;
    slot.bytesDone = progress.bytes;
    if (progress.path !== undefined) slot.path ??= progress.path;
    if (entry.direction === 'receive') {
      this.progressed(entry);
      return; // the item's end is what acceptFile() resolves with (fetchAll)
    }
    if (progress.state === 'running') slot.state = 'active';
    else slot.state = progress.state === 'done' ? 'done' : 'failed';
    if (progress.state === 'failed')
      this.onFileFailed(entry.id, slot.name, progress.error ?? 'failed');
    if (entry.slots.every((s) => s.state === 'done')) {
      void this.finish(entry);
      return;
    }
    if (entry.state === 'offered') this.change(entry, 'active');
    else this.progressed(entry);
  }

  /** RELEASEFILES for one of our offers: declined, unless the peer had fetched something. */
  private released(release: IpmsgOfferReleased): void {
    const entry = this.entries.get(release.offerId);
    if (entry === undefined || FINAL.has(entry.state)) return;
    if (entry.slots.every((s) => s.state === 'pending' && s.bytesDone === 0))
      this.change(entry, 'declined');
  }

  private async finish(entry: Entry): Promise<void> {
    if (FINAL.has(entry.state)) return;
    const done = entry.slots.filter((s) => s.state === 'done');
    const budget = { left: MAX_HASHED_FILES };
    const files: TransferDoneFile[] = [];
    for (const slot of done) {
      if (slot.path === undefined) continue;
      const base = entry.dir;
      const name = (full: string) => (base === undefined ? full : path.relative(base, full));
      files.push(...(await hashItem(slot.path, name, budget)));
    }
    if (done.length === entry.slots.length) {
      entry.state = 'done';
      delete entry.reason;
    } else {
      entry.state = 'failed';
      entry.reason = 'files-failed';
    }
    entry.updatedAt = this.now();
    this.keep(entry);
    this.report(this.info(entry), files);
  }

  private add(id: string, peerId: string, direction: TransferDirection, slots: Slot[]): Entry {
    const now = this.now();
    const entry: Entry = {
      id,
      peerId,
      direction,
      slots,
      createdAt: now,
      updatedAt: now,
      state: 'offered',
      lastProgressAt: now,
      meter: new RateMeter(now),
    };
    this.entries.set(id, entry);
    this.forgetOld();
    this.keep(entry);
    this.report(this.info(entry));
    return entry;
  }

  /** The transfers of earlier runs, as a restart leaves them (afterRestart). */
  private restore(): void {
    if (this.keeping === undefined) return;
    const now = this.now();
    let records: IpmsgTransferRecord[];
    try {
      records = this.keeping.records.load();
    } catch (error) {
      this.keeping.onStorageError(error);
      return;
    }
    for (const stored of records) {
      const record = afterRestart(stored, now);
      const entry: Entry = {
        id: record.id,
        peerId: record.peerId,
        direction: record.direction,
        state: record.state,
        ...(record.reason === undefined ? {} : { reason: record.reason }),
        ...(record.dir === undefined ? {} : { dir: record.dir }),
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        slots: record.slots.map(({ mtime, path: at, renamedInside, ...s }) => ({
          ...s,
          ...(mtime === undefined ? {} : { mtime }),
          ...(at === undefined ? {} : { path: at }),
          ...(renamedInside === undefined ? {} : { renamedInside: storedRenames(renamedInside) }),
        })),
        lastProgressAt: now,
        meter: new RateMeter(now),
      };
      this.entries.set(entry.id, entry);
      if (record !== stored) this.keep(entry);
      if (entry.direction === 'receive' && (entry.state === 'offered' || entry.state === 'failed'))
        this.knowOfferAgain(entry);
    }
  }

  /** Tells the module about an offer of an earlier run, so Accept, Decline and Retry work. */
  private knowOfferAgain(entry: Entry): void {
    const packetNo = Number(entry.id.slice(entry.id.lastIndexOf('#') + 1));
    if (!Number.isSafeInteger(packetNo)) return;
    this.ipmsg.restoreOffer({
      offerId: entry.id,
      peerId: entry.peerId,
      packetNo,
      shared: false,
      at: entry.createdAt,
      files: entry.slots.map((s) => ({
        fileId: s.fileId,
        name: s.name,
        size: s.size,
        mtime: s.mtime ?? 0,
        kind: s.kind,
      })),
    });
  }

  private keep(entry: Entry): void {
    if (this.keeping === undefined) return;
    try {
      this.keeping.records.save(this.record(entry));
    } catch (error) {
      this.keeping.onStorageError(error);
    }
  }

  private record(entry: Entry): IpmsgTransferRecord {
    return {
      id: entry.id,
      peerId: entry.peerId,
      direction: entry.direction,
      state: entry.state,
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...(entry.dir === undefined ? {} : { dir: entry.dir }),
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
      slots: entry.slots.map((s) => ({
        fileId: s.fileId,
        name: s.name,
        kind: s.kind,
        size: s.size,
        ...(s.mtime === undefined ? {} : { mtime: s.mtime }),
        bytesDone: s.bytesDone,
        state: s.state,
        ...(s.path === undefined ? {} : { path: s.path }),
        ...(s.renamedInside === undefined ? {} : { renamedInside: s.renamedInside }),
      })),
    };
  }

  private forgetOld(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= MAX_TRANSFERS) return;
      if (FINAL.has(entry.state)) this.entries.delete(id);
    }
  }

  private change(entry: Entry, state: TransferState): void {
    entry.state = state;
    entry.updatedAt = this.now();
    this.keep(entry);
    this.report(this.info(entry));
  }

  private progressed(entry: Entry): void {
    const now = this.now();
    entry.updatedAt = now;
    if (now - entry.lastProgressAt < PROGRESS_EVERY_MS) return;
    entry.lastProgressAt = now;
    this.report(this.info(entry));
  }

  private entry(id: string, direction?: TransferDirection): Entry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new TransferError('unknown-transfer', `no transfer ${id}`);
    if (direction !== undefined && entry.direction !== direction)
      throw new TransferError('wrong-direction', `${id} is a transfer we ${entry.direction}`);
    return entry;
  }

  private info(entry: Entry): TransferInfo {
    const bytesDone = entry.slots.reduce((sum, s) => sum + s.bytesDone, 0);
    return {
      id: entry.id,
      peerId: entry.peerId,
      direction: entry.direction,
      state: entry.state,
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      files: entry.slots.length,
      filesDone: entry.slots.filter((s) => s.state === 'done').length,
      filesFailed: entry.slots.filter((s) => s.state === 'failed').length,
      folders: 0,
      names: entry.slots.slice(0, MAX_NAMES).map((s) => s.name),
      bytes: entry.slots.reduce((sum, s) => sum + s.size, 0),
      bytesDone,
      rate: this.rate(entry, bytesDone),
      ...(entry.dir === undefined ? {} : { dir: entry.dir }),
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
    };
  }

  /** Bytes per second over the last few seconds; 0 once the transfer has ended. */
  private rate(entry: Entry, bytesDone: number): number {
    return FINAL.has(entry.state) ? 0 : entry.meter.rate(this.now(), bytesDone);
  }
}

/** The sender's paths as a card shows names (nothing invisible); the saved ones are safe already. */
function showableRenames(renames: RenamedInside): RenamedInside {
  return {
    names: renames.names.map((issue) => ({ ...issue, path: showableName(issue.path) })),
    more: renames.more,
  };
}

/** A stored record's renames, its optional fields as the shared type has them. */
function storedRenames(stored: NonNullable<IpmsgSlotRecord['renamedInside']>): RenamedInside {
  return {
    names: stored.names.map(({ renamedTo, ...issue }): PathIssue =>
      renamedTo === undefined ? issue : { ...issue, renamedTo },
    ),
    more: stored.more,
  };
}

/**
 * The engine's transfers in memory, written through to the TransferStore: the stored header, the
 * per-file states with running totals, the control outbox, and the throttled `transfer` events.
 * State changes go through transition() and the table in transfer-state.ts.
 */
import type { EventEmitter } from 'node:events';
import type { FileControlMessage } from '../../../shared/files/control';
import type { TransferFileInfo, TransferInfo, TransferReason } from '../../../shared/files/types';
import type { FileEngineEvents } from './engine-types';
import type { ControlChannel, StoredFile, StoredTransfer, TransferStore } from './ports';
import { RateMeter } from './rate-meter';
import { nextState, type TransferEvent } from './transfer-state';

/** Per-file progress is saved at most this often (state changes are saved at once). */
const PROGRESS_SAVE_MS = 2_000;

export interface Entry {
  t: StoredTransfer;
  files: StoredFile[];
  readonly dirty: Set<number>;
  bytesDone: number;
  filesDone: number;
  filesFailed: number;
  readonly rate: RateMeter;
  lastEmit: number;
  lastSave: number;
  emitTimer: NodeJS.Timeout | undefined;
  /** Receiver: the data channel cannot be opened right now. */
  unreachable: boolean;
  /** Sender: the peer's lanes ended because its only path (a relay broker) dropped. */
  pathDown: boolean;
}

type Patch = { -readonly [K in keyof StoredTransfer]?: StoredTransfer[K] | undefined };

export interface BookOptions {
  readonly store: TransferStore;
  readonly control: ControlChannel;
  readonly events: EventEmitter<FileEngineEvents>;
  readonly now: () => number;
  readonly progressIntervalMs: number;
}

function counts(file: StoredFile): [number, number, number] {
  return [file.bytesDone, file.state === 'done' ? 1 : 0, file.state === 'failed' ? 1 : 0];
}

export class TransferBook {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: BookOptions) {}

  load(): void {
    for (const { transfer, files } of this.o.store.load()) this.add(transfer, [...files]);
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  all(): Entry[] {
    return [...this.entries.values()];
  }

  /** A new transfer, saved with its files. */
  create(t: StoredTransfer, files: StoredFile[]): Entry {
    this.o.store.saveTransfer(t);
    if (files.length > 0) this.o.store.saveFiles(t.id, files);
    return this.add(t, files);
  }

  /** Changes the header and saves it; a storage failure is reported, the change kept in memory. */
  update(entry: Entry, patch: Patch): void {
    // An undefined value removes the field (exactOptionalPropertyTypes: absent, never undefined).
    const merged = Object.entries({ ...entry.t, ...patch, updatedAt: this.o.now() });
    entry.t = Object.fromEntries(
      merged.filter(([, v]) => v !== undefined),
    ) as unknown as StoredTransfer;
    this.save(entry, () => this.o.store.saveTransfer(entry.t));
  }

  /** Moves the state by `event`; false (and nothing changes) when the table refuses it. */
  transition(entry: Entry, event: TransferEvent, patch: Patch = {}): boolean {
    const state = nextState(entry.t.state, event);
    if (state === undefined) return false;
    this.update(entry, { ...patch, state });
    this.flushFiles(entry);
    this.emit(entry, true);
    return true;
  }

  /** Replaces the file list (the manifest arrived or was planned), saving all of it. */
  setFiles(entry: Entry, files: StoredFile[]): void {
    entry.files = files;
    this.recount(entry);
    this.save(entry, () => this.o.store.saveFiles(entry.t.id, files));
  }

  /** Changes one file; `now` saves at once, otherwise with the next progress save. */
  setFile(entry: Entry, file: StoredFile, now = false): void {
    const old = entry.files[file.index];
    if (old === undefined) return;
    const [b0, d0, f0] = counts(old);
    const [b1, d1, f1] = counts(file);
    entry.bytesDone += b1 - b0;
    entry.filesDone += d1 - d0;
    entry.filesFailed += f1 - f0;
    entry.files[file.index] = file;
    entry.dirty.add(file.index);
    if (now) this.flushFiles(entry);
  }

  /** Saves the given files at once (a batch made durable before files move). Throws. */
  saveFilesNow(entry: Entry, files: readonly StoredFile[]): void {
    for (const file of files) this.setFile(entry, file);
    this.o.store.saveFiles(entry.t.id, files);
    for (const file of files) entry.dirty.delete(file.index);
  }

  flushFiles(entry: Entry): void {
    if (entry.dirty.size === 0) return;
    const files = [...entry.dirty].flatMap((i) => entry.files[i] ?? []);
    entry.dirty.clear();
    entry.lastSave = this.o.now();
    this.save(entry, () => this.o.store.saveFiles(entry.t.id, files));
  }

  /** Queues a control message in the stored outbox, then hands the outbox to the channel. */
  sendControl(entry: Entry, message: FileControlMessage): void {
    this.update(entry, { outbox: [...entry.t.outbox, message] });
    this.flushOutbox(entry);
  }

  /** Hands queued messages to the channel, in order; stops at the first one it refuses. */
  flushOutbox(entry: Entry): string[] {
    const ids: string[] = [];
    let sent = 0;
    for (const message of entry.t.outbox) {
      const result = this.o.control.send(entry.t.peerId, message);
      if (!result.ok) {
        this.warn(entry, 'control-send', `${message.type}: ${result.message}`);
        break;
      }
      ids.push(result.messageId);
      sent += 1;
    }
    if (sent > 0) this.update(entry, { outbox: entry.t.outbox.slice(sent) });
    return ids;
  }

  remove(entry: Entry): void {
    clearTimeout(entry.emitTimer);
    this.entries.delete(entry.t.id);
    this.save(entry, () => this.o.store.deleteTransfer(entry.t.id));
  }

  /** Bytes moved: progress events at most every progressIntervalMs. */
  progress(entry: Entry): void {
    entry.rate.add(this.o.now(), entry.bytesDone);
    this.emit(entry, false);
  }

  emit(entry: Entry, force: boolean): void {
    const now = this.o.now();
    const wait = entry.lastEmit + this.o.progressIntervalMs - now;
    if (!force && wait > 0) {
      entry.emitTimer ??= setTimeout(() => this.emit(entry, true), wait);
      return;
    }
    clearTimeout(entry.emitTimer);
    entry.emitTimer = undefined;
    entry.lastEmit = now;
    if (now - entry.lastSave >= PROGRESS_SAVE_MS) this.flushFiles(entry);
    this.o.events.emit('transfer', this.info(entry));
  }

  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.emitTimer);
      entry.emitTimer = undefined;
      this.flushFiles(entry);
    }
  }

  info(entry: Entry): TransferInfo {
    const { t } = entry;
    const reason = reasonOf(entry);
    return {
      id: t.id,
      peerId: t.peerId,
      direction: t.direction,
      state: t.state,
      ...(reason === undefined ? {} : { reason }),
      files: t.manifest?.files.length ?? t.summary.files,
      filesDone: entry.filesDone,
      filesFailed: entry.filesFailed,
      folders: t.manifest?.folders.length ?? t.summary.folders,
      names: t.summary.names,
      bytes: t.summary.bytes,
      bytesDone: entry.bytesDone,
      rate: t.state === 'active' ? entry.rate.rate(this.o.now()) : 0,
      ...(t.dir === undefined ? {} : { dir: t.dir }),
      ...(t.offerDelivered === true ? { delivered: true } : {}),
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    };
  }

  fileInfos(entry: Entry): TransferFileInfo[] {
    const manifest = entry.t.manifest;
    if (manifest === undefined) return [];
    return manifest.files.map((m, index) => {
      const f = entry.files[index];
      return {
        index,
        path: m.path,
        size: m.size,
        bytesDone: f?.bytesDone ?? 0,
        state: f?.state ?? 'pending',
        ...(f?.savedAs === undefined ? {} : { savedAs: f.savedAs }),
        ...(f?.sha256 === undefined ? {} : { sha256: f.sha256 }),
        ...(f?.error === undefined ? {} : { error: f.error }),
      };
    });
  }

  warn(entry: Entry, code: 'storage' | 'control-send', message: string): void {
    this.o.events.emit('warning', {
      code,
      message,
      peerId: entry.t.peerId,
      transferId: entry.t.id,
    });
  }

  private add(t: StoredTransfer, files: StoredFile[]): Entry {
    const entry: Entry = {
      t,
      files,
      dirty: new Set(),
      bytesDone: 0,
      filesDone: 0,
      filesFailed: 0,
      rate: new RateMeter(),
      lastEmit: 0,
      lastSave: this.o.now(),
      emitTimer: undefined,
      unreachable: false,
      pathDown: false,
    };
    this.recount(entry);
    this.entries.set(t.id, entry);
    return entry;
  }

  private recount(entry: Entry): void {
    entry.bytesDone = entry.filesDone = entry.filesFailed = 0;
    for (const file of entry.files) {
      const [b, d, f] = counts(file);
      entry.bytesDone += b;
      entry.filesDone += d;
      entry.filesFailed += f;
    }
  }

  private save(entry: Entry, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.warn(entry, 'storage', String(error));
    }
  }
}

function reasonOf(entry: Entry): TransferReason | undefined {
  const { t } = entry;
  if (t.state === 'paused')
    return t.localPause ?? (t.peerPaused === true ? 'peer-paused' : undefined);
  if (t.state === 'active' || t.state === 'accepted')
    return entry.pathDown
      ? 'relay-unreachable'
      : entry.unreachable
        ? 'peer-unreachable'
        : undefined;
  return t.state === 'failed' ? t.reason : undefined;
}

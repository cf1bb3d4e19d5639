/**
 * The sending side: building and storing an offer, answering the receiver's control messages, and
 * the ServeContext that lets serve.ts read only files of transfers this peer may fetch now.
 */
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import type { FileControlMessage } from '../../../shared/files/control';
import { INLINE_MANIFEST_MAX_BYTES } from '../../../shared/files/limits';
import { encodeManifest, summarize, type Manifest } from '../../../shared/files/manifest';
import type { EventEmitter } from 'node:events';
import type { FileEngineEvents, OfferResult } from './engine-types';
import { buildManifest } from './manifest-builder';
import type { StoredFile, StoredTransfer } from './ports';
import type { ServeContext, ServeLookup, ServeSource } from './serve';
import type { Entry, TransferBook } from './transfer-book';

export interface SendSideOptions {
  readonly book: TransferBook;
  readonly events: EventEmitter<FileEngineEvents>;
  readonly now: () => number;
  readonly randomId: () => string;
  readonly hashBeforeOfferBytes: number;
}

type Message<T extends FileControlMessage['type']> = Extract<FileControlMessage, { type: T }>;

export class SendSide {
  private readonly manifestCache = new Map<string, Buffer>();
  /** Control message id of each offer → transfer id, to mark the offer delivered. */
  private readonly offerIds = new Map<string, string>();

  constructor(private readonly o: SendSideOptions) {}

  async offer(peerId: string, paths: readonly string[]): Promise<OfferResult> {
    const built = await buildManifest(paths, { hashUpToBytes: this.o.hashBeforeOfferBytes });
    if (!built.ok) return built;
    const { manifest, sources, localNames, renamed, skipped } = built.built;
    const encoded = Buffer.from(encodeManifest(manifest), 'utf8');
    const id = this.o.randomId();
    const manifestSha256 = createHash('sha256').update(encoded).digest('hex');
    const summary = summarize(manifest);
    const offer: FileControlMessage = {
      type: 'file-offer',
      v: 1,
      transfer: id,
      summary,
      manifestSha256,
      manifestBytes: encoded.byteLength,
      ...(encoded.byteLength <= INLINE_MANIFEST_MAX_BYTES ? { manifest } : {}),
    };
    const now = this.o.now();
    const t: StoredTransfer = {
      ...{ id, peerId, direction: 'send', state: 'offered', createdAt: now, updatedAt: now },
      ...{ summary, manifestSha256, manifestBytes: encoded.byteLength, manifest, sources },
      ...(localNames.length > 0 ? { localNames } : {}),
      outbox: [],
    };
    const entry = this.o.book.create(t, initialFiles(manifest));
    this.manifestCache.set(id, encoded);
    this.o.book.update(entry, { outbox: [offer] });
    const [messageId] = this.o.book.flushOutbox(entry);
    if (messageId !== undefined) {
      this.offerIds.set(messageId, id);
      this.o.book.update(entry, { offerMessageId: messageId });
    }
    this.o.book.emit(entry, true);
    if (renamed.length > 0 || skipped.length > 0)
      this.o.events.emit('paths', { transferId: id, side: 'send', renamed, skipped });
    return { ok: true, transfer: this.o.book.info(entry), renamed, skipped };
  }

  delivered(messageId: string): void {
    const id = this.offerIds.get(messageId);
    this.offerIds.delete(messageId);
    // After a restart the map is empty: the stored offer's message id still names it.
    const entry =
      id === undefined
        ? this.o.book
            .all()
            .find((e) => e.t.direction === 'send' && e.t.offerMessageId === messageId)
        : this.o.book.get(id);
    if (entry === undefined || entry.t.offerDelivered === true) return;
    this.o.book.update(entry, { offerDelivered: true });
    this.o.book.emit(entry, true);
  }

  onMessage(entry: Entry, message: FileControlMessage): void {
    switch (message.type) {
      case 'file-accept':
        this.o.book.transition(entry, 'accept');
        return;
      case 'file-decline':
        this.o.book.transition(entry, 'decline');
        this.manifestCache.delete(entry.t.id);
        return;
      case 'file-done':
        this.onDone(entry, message);
        this.manifestCache.delete(entry.t.id);
        return;
      default:
        return; // offers go to the receiving side; pause, resume, cancel to the engine
    }
  }

  /** The transfer is over here (cancelled): its encoded manifest need not stay in memory. */
  forget(id: string): void {
    this.manifestCache.delete(id);
  }

  private onDone(entry: Entry, message: Message<'file-done'>): void {
    const failed = new Set(message.failed);
    for (const file of entry.files) {
      if (failed.has(file.index)) this.o.book.setFile(entry, { ...file, state: 'failed' });
      else if (file.state !== 'done')
        this.o.book.setFile(entry, {
          ...file,
          state: 'done',
          bytesDone: sizeOf(entry, file.index),
        });
    }
    const ok = message.filesFailed === 0;
    const moved = ok
      ? this.o.book.transition(entry, 'complete')
      : this.o.book.transition(entry, 'fail', { reason: 'files-failed' });
    if (moved) this.o.events.emit('done', doneEvent(this.o.book, entry));
  }

  // ---- serving -------------------------------------------------------------------------------

  serveContext(warn: (peerId: string, message: string) => void): ServeContext {
    return {
      lookup: (peerId, transfer) => this.lookup(peerId, transfer),
      onServed: (transfer, file, end) => this.served(transfer, file, end),
      onFileEnd: (transfer, file, sha256) => this.fileEnd(transfer, file, sha256),
      warn,
    };
  }

  private lookup(peerId: string, id: string): ServeLookup {
    const entry = this.o.book.get(id);
    if (entry?.t.direction !== 'send' || entry.t.peerId !== peerId)
      return { ok: false, code: 'unknown-transfer' };
    switch (entry.t.state) {
      case 'paused':
        return { ok: false, code: 'paused' };
      case 'declined':
      case 'cancelled':
        return { ok: false, code: 'cancelled' };
      case 'offered':
        // A fetch can overtake the file-accept message (two channels): it is the acceptance.
        this.o.book.transition(entry, 'accept');
        this.o.book.transition(entry, 'start');
        break;
      case 'accepted':
      case 'failed':
        this.o.book.transition(entry, 'start');
        break;
      case 'active':
      case 'done':
        break;
    }
    return { ok: true, source: this.source(entry) };
  }

  private source(entry: Entry): ServeSource {
    const manifest = entry.t.manifest;
    return {
      file: (index) => manifest?.files[index],
      localPath: (index) => localPath(entry.t, index),
      manifestBytes: () => this.manifestBytes(entry),
    };
  }

  private manifestBytes(entry: Entry): Buffer {
    let bytes = this.manifestCache.get(entry.t.id);
    if (bytes === undefined && entry.t.manifest !== undefined) {
      bytes = Buffer.from(encodeManifest(entry.t.manifest), 'utf8');
      this.manifestCache.set(entry.t.id, bytes);
    }
    return bytes ?? Buffer.alloc(0);
  }

  private served(id: string, index: number, end: number): void {
    const entry = this.o.book.get(id);
    const file = entry?.files[index];
    if (entry === undefined || file === undefined || end <= file.bytesDone) return;
    this.o.book.setFile(entry, { ...file, state: 'active', bytesDone: end });
    this.o.book.progress(entry);
  }

  private fileEnd(id: string, index: number, sha256: string): void {
    const entry = this.o.book.get(id);
    const file = entry?.files[index];
    if (entry === undefined || file === undefined) return;
    this.o.book.setFile(entry, { ...file, state: 'done', bytesDone: sizeOf(entry, index), sha256 });
    this.o.book.progress(entry);
  }
}

function sizeOf(entry: Entry, index: number): number {
  return entry.t.manifest?.files[index]?.size ?? 0;
}

function initialFiles(manifest: Manifest): StoredFile[] {
  return manifest.files.map((f, index) => ({
    index,
    state: 'pending',
    bytesDone: 0,
    attempts: 0,
    ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }),
  }));
}

/** The local file behind manifest file `index`, never outside its offered root. */
export function localPath(t: StoredTransfer, index: number): string | undefined {
  const path = t.manifest?.files[index]?.path;
  if (path === undefined) return undefined;
  const slash = path.indexOf('/');
  const top = slash < 0 ? path : path.slice(0, slash);
  const root = t.sources?.find((s) => s.name === top);
  if (root === undefined) return undefined;
  const rest =
    t.localNames?.find(([i]) => i === index)?.[1] ?? (slash < 0 ? '' : path.slice(slash + 1));
  if (rest === '') return root.path;
  const full = join(root.path, ...rest.split('/'));
  const rel = relative(root.path, full);
  return rel.startsWith('..') ? undefined : full;
}

export function doneEvent(book: TransferBook, entry: Entry): FileEngineEvents['done'][0] {
  const files = book
    .fileInfos(entry)
    .filter((f) => f.state === 'done' && f.sha256 !== undefined)
    .map((f) => ({
      path: f.path,
      size: f.size,
      sha256: f.sha256 ?? '',
      ...(f.savedAs === undefined || f.savedAs === f.path ? {} : { savedAs: f.savedAs }),
    }));
  return { transfer: book.info(entry), files };
}

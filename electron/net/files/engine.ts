/**
 * The file-transfer engine: one factory, typed events, idempotent close (docs/FILES.md). It owns
 * the transfers (TransferBook), routes control messages to the sending or receiving side, serves
 * incoming data streams, and offers the operations the UI and the CLI call. Nothing a peer sends
 * can throw out of it: control messages and records are parsed first, failures become warnings.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { parseControlMessage, type FileControlMessage } from '../../../shared/files/control';
import { PROGRESS_INTERVAL_MS } from '../../../shared/files/limits';
import type { TransferFileInfo, TransferInfo } from '../../../shared/files/types';
import type {
  FileEngineEvents,
  FileEngineOptions,
  OfferResult,
  OperationResult,
} from './engine-types';
import { DEFAULT_HASH_BEFORE_OFFER_BYTES } from './manifest-builder';
import type { Disposer, IncomingControl, RecordStream } from './ports';
import { DEFAULT_SPACE_MARGIN_BYTES, ReceiveSide } from './receive-side';
import { localPath, SendSide } from './send-side';
import { serveStream } from './serve';
import { TransferBook, type Entry } from './transfer-book';

export const FILE_ENGINE_DEFAULTS = {
  lanes: 4,
  requestBytes: 1024 * 1024,
  windowBytes: 4 * 1024 * 1024,
  maxRequests: 32,
  reconnectInitialMs: 200,
  reconnectMaxMs: 5_000,
  diskRetryMs: 5_000,
} as const;

type Fail = Extract<OperationResult, { ok: false }>;
const fail = (code: Fail['code'], message: string): Fail => ({ ok: false, code, message });

export class FileEngine extends EventEmitter<FileEngineEvents> {
  private readonly book: TransferBook;
  private readonly sending: SendSide;
  private readonly receiving: ReceiveSide;
  private readonly disposers: Disposer[] = [];
  private readonly serving = new Set<RecordStream>();
  private state: 'new' | 'started' | 'closed' = 'new';

  constructor(private readonly options: FileEngineOptions) {
    super();
    const now = options.now ?? Date.now;
    const progressIntervalMs = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const { store, control } = options;
    this.book = new TransferBook({ store, control, events: this, now, progressIntervalMs });
    const randomId = options.randomId ?? (() => randomBytes(16).toString('hex'));
    const hashBeforeOfferBytes = options.hashBeforeOfferBytes ?? DEFAULT_HASH_BEFORE_OFFER_BYTES;
    this.sending = new SendSide({
      book: this.book,
      events: this,
      now,
      randomId,
      hashBeforeOfferBytes,
    });
    this.receiving = new ReceiveSide({
      book: this.book,
      events: this,
      control,
      data: options.data,
      pull: {
        lanes: options.lanes ?? FILE_ENGINE_DEFAULTS.lanes,
        requestBytes: options.requestBytes ?? FILE_ENGINE_DEFAULTS.requestBytes,
        windowBytes: options.windowBytes ?? FILE_ENGINE_DEFAULTS.windowBytes,
        maxRequests: options.maxRequests ?? FILE_ENGINE_DEFAULTS.maxRequests,
        fsync: options.fsync ?? true,
        reconnectInitialMs: options.reconnectInitialMs ?? FILE_ENGINE_DEFAULTS.reconnectInitialMs,
        reconnectMaxMs: options.reconnectMaxMs ?? FILE_ENGINE_DEFAULTS.reconnectMaxMs,
      },
      autoAccept: options.autoAccept,
      diskRetryMs: options.diskRetryMs ?? FILE_ENGINE_DEFAULTS.diskRetryMs,
      spaceMarginBytes: options.spaceMarginBytes ?? DEFAULT_SPACE_MARGIN_BYTES,
      now,
    });
  }

  /** Loads stored transfers, resumes the ones that were running, and starts listening. */
  start(): void {
    if (this.state !== 'new') return;
    this.state = 'started';
    this.book.load();
    const { control, data } = this.options;
    this.disposers.push(
      control.onMessage((message) => this.onControl(message)),
      control.onDelivered((_peer, messageId) => this.sending.delivered(messageId)),
      data.onIncoming((stream) => this.serve(stream)),
    );
    for (const entry of this.book.all()) {
      this.book.flushOutbox(entry);
      if (entry.t.direction !== 'receive') continue;
      if (entry.t.state === 'accepted' || entry.t.state === 'active')
        this.receiving.startPull(entry);
      if (entry.t.state === 'paused' && entry.t.localPause === 'disk-full')
        this.receiving.watchDisk(entry);
    }
  }

  /** Stops pulling and serving; parts stay on disk, state stays in the store. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const dispose of this.disposers.splice(0)) dispose();
    for (const stream of this.serving) stream.close();
    await this.receiving.close();
    this.book.close();
  }

  // ---- operations ----------------------------------------------------------------------------

  async sendFiles(peerId: string, paths: readonly string[]): Promise<OfferResult> {
    if (this.state !== 'started') return fail('closed', 'engine not running');
    return this.sending.offer(peerId, paths);
  }

  async accept(id: string, dir: string): Promise<OperationResult> {
    const entry = this.receiverEntry(id);
    return 'ok' in entry ? entry : this.receiving.accept(entry, dir);
  }

  decline(id: string): OperationResult {
    const entry = this.receiverEntry(id);
    return 'ok' in entry ? entry : this.receiving.decline(entry);
  }

  async cancel(id: string): Promise<OperationResult> {
    const entry = this.book.get(id);
    if (entry === undefined) return fail('unknown-transfer', id);
    if (entry.t.state === 'done' || entry.t.state === 'declined' || entry.t.state === 'cancelled')
      return fail('wrong-state', `transfer is ${entry.t.state}`);
    if (entry.t.direction === 'receive') await this.receiving.cancel(entry, true);
    else if (this.book.transition(entry, 'cancel')) {
      this.sending.forget(id);
      this.book.sendControl(entry, { type: 'file-cancel', transfer: id });
    }
    return { ok: true, transfer: this.book.info(entry) };
  }

  async pause(id: string): Promise<OperationResult> {
    const entry = this.book.get(id);
    if (entry === undefined) return fail('unknown-transfer', id);
    if (!['accepted', 'active', 'paused'].includes(entry.t.state))
      return fail('wrong-state', `transfer is ${entry.t.state}`);
    if (entry.t.direction === 'receive') await this.receiving.pause(entry, 'user');
    else {
      this.book.transition(entry, 'pause', { localPause: 'user' });
      this.book.sendControl(entry, { type: 'file-pause', transfer: id });
    }
    return { ok: true, transfer: this.book.info(entry) };
  }

  async resume(id: string): Promise<OperationResult> {
    const entry = this.book.get(id);
    if (entry === undefined) return fail('unknown-transfer', id);
    if (entry.t.direction === 'receive') return this.receiving.resume(entry);
    if (entry.t.state !== 'paused' || entry.t.localPause === undefined)
      return fail('wrong-state', `transfer is ${entry.t.state}`);
    this.book.update(entry, { localPause: undefined });
    this.book.sendControl(entry, { type: 'file-resume', transfer: id });
    if (entry.t.peerPaused === true) return fail('paused-by-peer', 'the receiver paused it');
    this.book.transition(entry, 'resume');
    return { ok: true, transfer: this.book.info(entry) };
  }

  /** Fetches only the failed files of a failed transfer again (receiver). */
  async retry(id: string): Promise<OperationResult> {
    const entry = this.receiverEntry(id);
    return 'ok' in entry ? entry : this.receiving.retry(entry);
  }

  /** The node saw the peer again (online, moved): reconnect and flush control messages now. */
  peerReachable(peerId: string): void {
    for (const entry of this.book.all())
      if (entry.t.peerId === peerId) this.book.flushOutbox(entry);
    this.receiving.wake(peerId);
  }

  /**
   * A relay broker connection is up again: transfers paused because their broker dropped
   * (reason `relay-unreachable`) resume from their parts.
   */
  relayReturned(): void {
    if (this.state !== 'started') return;
    for (const entry of this.book.all()) this.markPathDown(entry.t.peerId, false);
    this.receiving.wake(undefined);
  }

  /**
   * No relay broker connection is up: these peers were reached through one, so the sender's
   * running transfers to them say `relay-unreachable` (the receiver pauses on its own side).
   */
  relayLost(peerIds: Iterable<string>): void {
    for (const peerId of peerIds) this.markPathDown(peerId, true);
  }

  /** Removes a finished transfer from the list and the store. */
  forget(id: string): OperationResult {
    const entry = this.book.get(id);
    if (entry === undefined) return fail('unknown-transfer', id);
    if (!['done', 'declined', 'cancelled', 'failed'].includes(entry.t.state))
      return fail('wrong-state', `transfer is ${entry.t.state}`);
    const info = this.book.info(entry);
    this.book.remove(entry);
    return { ok: true, transfer: info };
  }

  list(): TransferInfo[] {
    return this.book.all().map((entry) => this.book.info(entry));
  }

  get(id: string): TransferInfo | undefined {
    const entry = this.book.get(id);
    return entry === undefined ? undefined : this.book.info(entry);
  }

  files(id: string): TransferFileInfo[] {
    const entry = this.book.get(id);
    return entry === undefined ? [] : this.book.fileInfos(entry);
  }

  /** Sender: the local files and folders it offered (absolute); [] for a transfer it receives. */
  sourceRoots(id: string): string[] {
    const entry = this.book.get(id);
    if (entry === undefined || entry.t.direction !== 'send') return [];
    return (entry.t.sources ?? []).map((s) => s.path);
  }

  /** Sender: the local file behind manifest file `index` (never outside its offered root). */
  sourceFile(id: string, index: number): string | undefined {
    const entry = this.book.get(id);
    if (entry === undefined || entry.t.direction !== 'send') return undefined;
    return localPath(entry.t, index);
  }

  // ---- incoming ------------------------------------------------------------------------------

  private receiverEntry(id: string): Entry | Fail {
    const entry = this.book.get(id);
    if (entry === undefined) return fail('unknown-transfer', id);
    if (entry.t.direction !== 'receive') return fail('wrong-direction', 'only the receiver can');
    return entry;
  }

  private serve(stream: RecordStream): void {
    if (this.state !== 'started') {
      stream.close();
      return;
    }
    this.serving.add(stream);
    this.markPathDown(stream.peerId, false);
    const warn = (peerId: string, message: string): void => {
      this.emit('warning', { code: 'bad-record', message, peerId });
    };
    void serveStream(stream, this.sending.serveContext(warn)).finally(() =>
      this.serving.delete(stream),
    );
    void stream.closed.then((info) => {
      if (info.error?.code === 'path-down') this.markPathDown(stream.peerId, true);
    });
  }

  /**
   * Sender: the receiver's lanes ended because the only path to it dropped (its relay broker):
   * its running transfers say `relay-unreachable` until it opens a lane again.
   */
  private markPathDown(peerId: string, down: boolean): void {
    if (this.state !== 'started') return;
    for (const entry of this.book.all()) {
      if (entry.t.peerId !== peerId || entry.t.direction !== 'send') continue;
      if (entry.pathDown === down) continue;
      entry.pathDown = down;
      if (entry.t.state === 'active' || entry.t.state === 'accepted') this.book.emit(entry, true);
    }
  }

  private async onControl(incoming: IncomingControl): Promise<void> {
    try {
      const parsed = parseControlMessage(incoming.body);
      if (!parsed.ok) {
        this.warn('bad-control', parsed.error, incoming.peerId);
        return;
      }
      await this.dispatch(incoming.peerId, parsed.value);
    } catch (error) {
      // A bug or a local I/O failure while handling a peer's message: report, never throw.
      this.warn('bad-control', `handling failed: ${String(error)}`, incoming.peerId);
    }
  }

  private async dispatch(peerId: string, message: FileControlMessage): Promise<void> {
    if (message.type === 'file-offer') return this.receiving.onOffer(peerId, message);
    const entry = this.book.get(message.transfer);
    if (entry === undefined) return; // forgotten, or never ours: nothing to do
    if (entry.t.peerId !== peerId) {
      this.warn('wrong-peer', message.type, peerId);
      return;
    }
    const receiving = entry.t.direction === 'receive';
    switch (message.type) {
      case 'file-cancel':
        if (receiving) return this.receiving.cancel(entry, false);
        this.book.transition(entry, 'cancel');
        this.sending.forget(entry.t.id);
        return;
      case 'file-pause':
      case 'file-resume':
        return this.peerPause(entry, message.type === 'file-pause');
      default:
        if (!receiving) this.sending.onMessage(entry, message);
    }
  }

  private async peerPause(entry: Entry, paused: boolean): Promise<void> {
    if (entry.t.direction === 'receive') return this.receiving.peerPause(entry, paused);
    this.book.update(entry, { peerPaused: paused });
    if (paused) this.book.transition(entry, 'pause');
    else if (entry.t.localPause === undefined) {
      // A retry by the receiver restarts a failed transfer; a resume ends a pause.
      if (!this.book.transition(entry, 'resume')) this.book.transition(entry, 'start');
    }
  }

  private warn(code: 'bad-control' | 'wrong-peer', message: string, peerId: string): void {
    this.emit('warning', { code, message, peerId });
  }
}

export function createFileEngine(options: FileEngineOptions): FileEngine {
  return new FileEngine(options);
}

// File transfers behind one interface, whatever carries them: each protocol is a route (the IPMsg
// bridge's, electron/app/ipmsg-transfers.ts; PacketChat's file engine's, engine-transfers.ts). The
// handlers and every transport (IPC, --json) see only this: transfer ids, TransferInfo and the
// `transfer` event. Routes pick the peers they serve and the transfers they own.
import type {
  TransferDoneFile,
  TransferEvent,
  TransferFileInfo,
  TransferInfo,
} from '../../shared/transfers';

export type TransferErrorCode =
  | 'unknown-transfer'
  | 'unknown-peer'
  | 'wrong-state'
  | 'wrong-direction'
  | 'not-found'
  | 'bad-path'
  | 'too-many-files'
  | 'unsupported'
  | 'not-a-folder'
  | 'no-space'
  | 'paused-by-peer'
  | 'nothing-to-send'
  | 'unknown-file'
  | 'not-kept'
  | 'closed';

export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(
    readonly code: TransferErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  /** IPMsg: send folders even to a client known to crash on them (iptux before 0.9.4). */
  readonly force?: boolean;
}

/** What a route reports: every state change, and progress at most every 500 ms. */
export type TransferSink = (transfer: TransferInfo, files?: readonly TransferDoneFile[]) => void;

/**
 * One protocol's transfers. Methods throw TransferError. PacketChat's file engine fits as: sendFiles
 * → send, accept/decline/cancel as they are, its `transfer` events (except `done`) and its `done`
 * event (transfer and files) into the sink.
 */
export interface TransferRoute {
  /** This route carries transfers with this peer. */
  servesPeer(peerId: string): boolean;
  /** This route owns this transfer. */
  has(id: string): boolean;
  send(peerId: string, paths: readonly string[], options: SendOptions): Promise<TransferInfo>;
  accept(id: string, dir: string): Promise<TransferInfo>;
  decline(id: string): Promise<TransferInfo>;
  cancel(id: string): Promise<TransferInfo>;
  /** Optional: a route without them answers `unsupported`. */
  pause?(id: string): Promise<TransferInfo>;
  resume?(id: string): Promise<TransferInfo>;
  /** Fetches only the failed files of a failed transfer again (receiver). */
  retry?(id: string): Promise<TransferInfo>;
  files?(id: string): TransferFileInfo[];
  /**
   * Optional: the local path of file `index` of a transfer (a received file once kept, a sent
   * file's source), or of the whole transfer without `index` (transfer-paths.ts); undefined while
   * there is none. Throws `unknown-file` for an index the transfer does not have.
   */
  locate?(id: string, index: number | undefined): string | undefined;
  list(): readonly TransferInfo[];
}

export interface TransfersOptions {
  readonly emit: (event: TransferEvent) => void;
  /**
   * The folder an incoming offer is accepted into at once, or undefined to let it wait: `--accept-
   * files DIR` for every offer, or the settings' download folder for verified contacts.
   */
  readonly autoAcceptInto?: (transfer: TransferInfo) => string | undefined;
  /** An auto-accept that failed (the offer then waits for the user). */
  readonly onAutoAcceptError: (id: string, error: unknown) => void;
}

export class Transfers {
  private readonly routes: TransferRoute[] = [];
  /** Offers auto-accepted already (bounded: ids of finished transfers are forgotten). */
  private readonly autoAccepted = new Set<string>();

  constructor(private readonly options: TransfersOptions) {}

  /** The sink a route reports into. */
  readonly report: TransferSink = (transfer, files) => {
    this.options.emit(files === undefined ? { transfer } : { transfer, files });
    this.autoAccept(transfer);
  };

  add(route: TransferRoute): void {
    this.routes.push(route);
  }

  async send(
    peerId: string,
    paths: readonly string[],
    options: SendOptions = {},
  ): Promise<TransferInfo> {
    const route = this.routes.find((r) => r.servesPeer(peerId));
    if (route === undefined)
      throw new TransferError('unknown-peer', `cannot send files to ${peerId} (no route for it)`);
    return route.send(peerId, paths, options);
  }

  async accept(id: string, dir: string): Promise<TransferInfo> {
    return this.owner(id).accept(id, dir);
  }

  async decline(id: string): Promise<TransferInfo> {
    return this.owner(id).decline(id);
  }

  async cancel(id: string): Promise<TransferInfo> {
    return this.owner(id).cancel(id);
  }

  async pause(id: string): Promise<TransferInfo> {
    const route = this.owner(id);
    if (route.pause === undefined) throw unsupported('pause', id);
    return route.pause(id);
  }

  async resume(id: string): Promise<TransferInfo> {
    const route = this.owner(id);
    if (route.resume === undefined) throw unsupported('resume', id);
    return route.resume(id);
  }

  async retry(id: string): Promise<TransferInfo> {
    const route = this.owner(id);
    if (route.retry === undefined) throw unsupported('retry', id);
    return route.retry(id);
  }

  files(id: string): TransferFileInfo[] {
    const route = this.owner(id);
    if (route.files === undefined) throw unsupported('list the files of', id);
    return route.files(id);
  }

  /** Where a transfer's file (or the whole transfer) is on this computer (TransferRoute.locate). */
  locate(id: string, index: number | undefined): string {
    const route = this.owner(id);
    if (route.locate === undefined) throw unsupported('open', id);
    const path = route.locate(id, index);
    if (path === undefined)
      throw new TransferError('not-kept', `${id} has nothing on this computer to open yet`);
    return path;
  }

  list(): TransferInfo[] {
    return this.routes.flatMap((r) => r.list()).sort((a, b) => a.createdAt - b.createdAt);
  }

  private owner(id: string): TransferRoute {
    const route = this.routes.find((r) => r.has(id));
    if (route === undefined) throw new TransferError('unknown-transfer', `no transfer ${id}`);
    return route;
  }

  private autoAccept(transfer: TransferInfo): void {
    const into = this.options.autoAcceptInto;
    if (into === undefined || transfer.direction !== 'receive') return;
    if (transfer.state !== 'offered') {
      this.autoAccepted.delete(transfer.id);
      return;
    }
    if (this.autoAccepted.has(transfer.id)) return;
    const dir = into(transfer);
    if (dir === undefined) return;
    this.autoAccepted.add(transfer.id);
    this.accept(transfer.id, dir).catch((error: unknown) => {
      this.options.onAutoAcceptError(transfer.id, error);
    });
  }
}

function unsupported(what: string, id: string): TransferError {
  return new TransferError('unsupported', `cannot ${what} ${id}: its protocol has no such step`);
}

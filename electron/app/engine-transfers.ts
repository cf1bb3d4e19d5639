// PacketChat's own file transfers (the file engine over protocol v2, docs/FILES.md) as a route of
// Transfers (electron/app/transfers.ts), beside the IPMsg bridge's. The engine's refusals become
// TransferErrors with the engine's code; its events go into the route's sink, a `done` transfer
// once, with its files' SHA-256.
import type { TransferFileInfo, TransferInfo } from '../../shared/transfers';
import { isIpmsgPeerId } from '../../shared/ipmsg-id';
import type { FileEngine, OperationResult, PacketChatNode } from '../net/index';
import { receivedLocation, sentLocation } from './transfer-paths';
import {
  TransferError,
  type TransferErrorCode,
  type TransferRoute,
  type TransferSink,
} from './transfers';

const CODES: Readonly<Record<string, TransferErrorCode>> = {
  'unknown-transfer': 'unknown-transfer',
  'wrong-state': 'wrong-state',
  'wrong-direction': 'wrong-direction',
  'not-a-folder': 'not-a-folder',
  'no-space': 'no-space',
  'paused-by-peer': 'paused-by-peer',
  'nothing-to-send': 'nothing-to-send',
  'too-many-files': 'too-many-files',
  'not-found': 'not-found',
  control: 'closed',
  closed: 'closed',
};

function refused(result: { code: string; message: string }): never {
  throw new TransferError(CODES[result.code] ?? 'closed', result.message);
}

function answer(result: OperationResult): TransferInfo {
  if (!result.ok) return refused(result);
  return result.transfer;
}

export class EngineTransferRoute implements TransferRoute {
  constructor(
    private readonly node: PacketChatNode,
    private readonly engine: FileEngine,
    report: TransferSink,
  ) {
    engine.on('transfer', (transfer) => {
      if (transfer.state !== 'done') report(transfer);
    });
    engine.on('done', ({ transfer, files }) => {
      report(
        transfer,
        files.map((f) => ({ path: f.savedAs ?? f.path, size: f.size, sha256: f.sha256 })),
      );
    });
  }

  servesPeer(peerId: string): boolean {
    return !isIpmsgPeerId(peerId) && this.node.findPeer(peerId) !== undefined;
  }

  has(id: string): boolean {
    return this.engine.get(id) !== undefined;
  }

  async send(peerId: string, paths: readonly string[]): Promise<TransferInfo> {
    const peer = this.node.findPeer(peerId);
    if (peer === undefined) throw new TransferError('unknown-peer', `no such peer: ${peerId}`);
    const offered = await this.engine.sendFiles(peer.id, paths);
    if (!offered.ok) return refused(offered);
    return offered.transfer;
  }

  async accept(id: string, dir: string): Promise<TransferInfo> {
    return answer(await this.engine.accept(id, dir));
  }

  decline(id: string): Promise<TransferInfo> {
    return Promise.resolve().then(() => answer(this.engine.decline(id)));
  }

  async cancel(id: string): Promise<TransferInfo> {
    return answer(await this.engine.cancel(id));
  }

  async pause(id: string): Promise<TransferInfo> {
    return answer(await this.engine.pause(id));
  }

  async resume(id: string): Promise<TransferInfo> {
    return answer(await this.engine.resume(id));
  }

  async retry(id: string): Promise<TransferInfo> {
    return answer(await this.engine.retry(id));
  }

  files(id: string): TransferFileInfo[] {
    return this.engine.files(id);
  }

  locate(id: string, index: number | undefined): string | undefined {
    const transfer = this.engine.get(id);
    if (transfer === undefined) throw new TransferError('unknown-transfer', `no transfer ${id}`);
    const files = this.engine.files(id);
    if (index !== undefined && files[index] === undefined)
      throw new TransferError('unknown-file', `${id} has no file ${String(index)}`);
    if (transfer.direction === 'receive') return receivedLocation(transfer, files, index);
    return index === undefined
      ? sentLocation(this.engine.sourceRoots(id))
      : this.engine.sourceFile(id, index);
  }

  list(): readonly TransferInfo[] {
    return this.engine.list();
  }
}

/** A TransferStore in memory: for tests, and for a node that runs without a profile. */
import type { LoadedTransfer, StoredFile, StoredTransfer, TransferStore } from './ports';

export class MemoryTransferStore implements TransferStore {
  private readonly transfers = new Map<string, StoredTransfer>();
  private readonly files = new Map<string, Map<number, StoredFile>>();

  load(): readonly LoadedTransfer[] {
    return [...this.transfers.values()].map((transfer) => ({
      transfer,
      files: [...(this.files.get(transfer.id)?.values() ?? [])].sort((a, b) => a.index - b.index),
    }));
  }

  saveTransfer(transfer: StoredTransfer): void {
    this.transfers.set(transfer.id, transfer);
  }

  saveFiles(transferId: string, files: readonly StoredFile[]): void {
    let map = this.files.get(transferId);
    if (map === undefined) {
      map = new Map();
      this.files.set(transferId, map);
    }
    for (const file of files) map.set(file.index, file);
  }

  deleteTransfer(transferId: string): void {
    this.transfers.delete(transferId);
    this.files.delete(transferId);
  }
}

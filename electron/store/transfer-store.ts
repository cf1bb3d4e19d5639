import type { LoadedTransfer, StoredFile, StoredTransfer, TransferStore } from '../net/index';
import type { SqlDatabase } from './sql-database';

/**
 * The file engine's durable state in the profile's database (migration 7; docs/FILES.md): one row
 * per transfer and one per file, each the engine's own JSON object. Every call is durable when it
 * returns (WAL, synchronous=FULL) or throws, and the engine then pauses the transfer (`storage`).
 */
export class SqlTransferStore implements TransferStore {
  constructor(private readonly sql: SqlDatabase) {}

  load(): readonly LoadedTransfer[] {
    const files = new Map<string, StoredFile[]>();
    for (const row of this.sql.all<{ transfer_id: string; data: string }>(
      'SELECT transfer_id, data FROM transfer_files ORDER BY transfer_id, idx',
    )) {
      const file = parse(row.data) as StoredFile | undefined;
      if (file === undefined) continue;
      const list = files.get(row.transfer_id) ?? [];
      list.push(file);
      files.set(row.transfer_id, list);
    }
    const loaded: LoadedTransfer[] = [];
    for (const row of this.sql.all<{ id: string; data: string }>(
      // IPMsg transfers share the table (ipmsg-store.ts) but are not the engine's.
      `SELECT id, data FROM transfers WHERE peer_id NOT LIKE 'ipmsg:%' ORDER BY rowid`,
    )) {
      const transfer = parse(row.data) as StoredTransfer | undefined;
      if (transfer?.id === row.id) loaded.push({ transfer, files: files.get(row.id) ?? [] });
    }
    return loaded;
  }

  saveTransfer(transfer: StoredTransfer): void {
    this.sql.run(
      `INSERT INTO transfers (id, peer_id, state, updated_at, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET peer_id = excluded.peer_id, state = excluded.state,
         updated_at = excluded.updated_at, data = excluded.data`,
      transfer.id,
      transfer.peerId,
      transfer.state,
      transfer.updatedAt,
      JSON.stringify(transfer),
    );
  }

  saveFiles(transferId: string, files: readonly StoredFile[]): void {
    this.sql.transaction(() => {
      for (const file of files)
        this.sql.run(
          `INSERT INTO transfer_files (transfer_id, idx, data) VALUES (?, ?, ?)
           ON CONFLICT (transfer_id, idx) DO UPDATE SET data = excluded.data`,
          transferId,
          file.index,
          JSON.stringify(file),
        );
    });
  }

  deleteTransfer(transferId: string): void {
    this.sql.transaction(() => {
      this.sql.run('DELETE FROM transfer_files WHERE transfer_id = ?', transferId);
      this.sql.run('DELETE FROM transfers WHERE id = ?', transferId);
    });
  }
}

/** A row this build wrote; one that does not parse is skipped (the engine never saw it). */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

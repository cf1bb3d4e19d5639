import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 7: file transfers over protocol v2 (issue 14, docs/FILES.md).
 *
 * - `messages.control`: the consumer of a control message in the reliable stream (`file`); its
 *   body is `text`. A control message without a card has no `position`: it is never shown, and an
 *   incoming one is kept only while it waits for an earlier message.
 * - `messages.file_card`: the card (JSON, shared/domain.ts FileCard) a file offer shows as.
 * - `transfers`, `transfer_files`: the file engine's durable state (electron/net/files/ports.ts
 *   TransferStore), each row one JSON object as the engine saves it.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN control TEXT;
    ALTER TABLE messages ADD COLUMN file_card TEXT;

    CREATE TABLE transfers (
      id TEXT PRIMARY KEY,
      peer_id TEXT NOT NULL,
      state TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      data TEXT NOT NULL
    ) STRICT;

    CREATE TABLE transfer_files (
      transfer_id TEXT NOT NULL,
      idx INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (transfer_id, idx)
    ) STRICT, WITHOUT ROWID;
  `);
}

import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 6: IP Messenger peers (docs/IPMSG.md). Each peer row says which protocol it speaks
 * (`pchat` for every peer stored before), and IPMsg peers keep what IPMsg tells about them
 * (client, version, login name, group, encoding, …) as JSON in `details`. Read notices (IPMsg's
 * READMSG) for messages we sent are kept per message. IPMsg messages themselves go into
 * `messages` with epoch `ipmsg`.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE peers ADD COLUMN protocol TEXT NOT NULL DEFAULT 'pchat';
    ALTER TABLE peers ADD COLUMN details TEXT;
    CREATE TABLE read_receipts (
      message_id TEXT PRIMARY KEY,
      peer_id TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;
  `);
}

import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 3: protocol v2 trust. Each peer's pinned public key (trust on first use), whether the
 * user verified it (safety number), a detected key change waiting for the user (the node id the
 * contact now uses), and contacts merged into another (an old id kept as an alias).
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE peers ADD COLUMN public_key TEXT;
    ALTER TABLE peers ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE peers ADD COLUMN key_changed_to TEXT;
    ALTER TABLE peers ADD COLUMN alias_of TEXT;
  `);
}

import type { SqlDatabase } from './sql-database';

/** A stored message is indexed once no message was stored for this long (a burst, a chat). */
export const FTS_IDLE_MS = 50;
/** …or at the latest this long after the first unindexed one, however busy the store is. */
export const FTS_MAX_DELAY_MS = 1_000;
/** One indexing transaction takes at most this many messages… */
const BATCH_ROWS = 256;
/** …and about this much text (at least one message), so one turn's work stays bounded. */
const BATCH_BYTES = 128 * 1024;

/**
 * Keeps the search index (`messages_fts`, migration 2) current after the commit instead of inside
 * it (migration 9, docs/STORAGE.md "Search"). A stored message's rowid is in
 * `messages_fts_pending` until indexed; `schedule()` asks for it to be indexed once the store is
 * idle, in transactions of its own, in rowid order. `indexAll()` indexes whatever is pending at
 * once: the search calls it first, so a message is found as soon as it is stored, and rows a crash
 * left pending are indexed before the first search after the restart.
 */
export class FtsIndexer {
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;
  private lastAt = 0;
  private closed = false;

  constructor(private readonly sql: SqlDatabase) {}

  /** A message was stored (or will be, when its transaction commits). */
  schedule(): void {
    if (this.closed) return;
    const now = performance.now();
    this.lastAt = now;
    if (this.timer !== undefined) return;
    this.firstAt = now;
    this.arm(FTS_IDLE_MS);
  }

  /** Indexes every pending message now. Returns how many were indexed. */
  indexAll(): number {
    if (!this.hasPending()) return 0;
    let total = 0;
    for (;;) {
      const indexed = this.indexBatch();
      if (indexed === 0) return total;
      total += indexed;
    }
  }

  /** Whether messages wait to be indexed. */
  hasPending(): boolean {
    return this.sql.get('SELECT 1 AS one FROM messages_fts_pending LIMIT 1') !== undefined;
  }

  /** Stops the timer; what is pending stays pending in the file for the next open. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One transaction: the oldest pending messages, up to BATCH_ROWS and about BATCH_BYTES of text,
   * go into the index and leave the pending set. 0 when none is pending.
   */
  indexBatch(): number {
    return this.sql.transaction(() => {
      const rows = this.sql.all<{ id: number; bytes: number | null }>(
        `SELECT p.message_rowid AS id, octet_length(m.text) AS bytes
         FROM messages_fts_pending p LEFT JOIN messages m ON m.rowid = p.message_rowid
         ORDER BY p.message_rowid LIMIT ?`,
        BATCH_ROWS,
      );
      let upTo: number | undefined;
      let bytes = 0;
      for (const row of rows) {
        if (upTo !== undefined && bytes + (row.bytes ?? 0) > BATCH_BYTES) break;
        bytes += row.bytes ?? 0;
        upTo = row.id;
      }
      if (upTo === undefined) return 0;
      this.sql.run(
        `INSERT INTO messages_fts (rowid, text)
         SELECT m.rowid, m.text FROM messages_fts_pending p JOIN messages m ON m.rowid = p.message_rowid
         WHERE p.message_rowid <= ? ORDER BY p.message_rowid`,
        upTo,
      );
      return this.sql.run('DELETE FROM messages_fts_pending WHERE message_rowid <= ?', upTo)
        .changes;
    });
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      this.fire();
    }, delay);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.closed || this.sql.isClosed) return;
    const now = performance.now();
    const quietFor = now - this.lastAt;
    const waited = now - this.firstAt;
    if (quietFor < FTS_IDLE_MS && waited < FTS_MAX_DELAY_MS) {
      this.arm(Math.min(FTS_IDLE_MS - quietFor, FTS_MAX_DELAY_MS - waited));
      return;
    }
    try {
      if (this.indexBatch() === 0) return;
    } catch {
      // A full or failing disk: the rows stay pending (nothing was lost) and the next stored
      // message or search tries again.
      return;
    }
    // More may be pending: the next batch after other work had its turn.
    this.firstAt = performance.now() - FTS_MAX_DELAY_MS;
    this.lastAt = this.firstAt;
    this.arm(0);
  }
}

/**
 * The storage baseline: node:sqlite with the pragmas the app's store uses (WAL,
 * synchronous=FULL) and the least schema that can answer the same questions: one table, one
 * index for paging, an FTS5 trigram index for search. What the machine does with no app around.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

export interface RawDatabase {
  insert(seq: number, text: string, peer?: string): void;
  /** Runs `fn` in one transaction. */
  batch(fn: () => void): void;
  /** The newest `limit` rows of a peer before `before` (rowid), newest first. */
  page(peer: string, limit: number, before?: number): unknown[];
  search(query: string, limit: number): unknown[];
  /** Substring search by scanning (what a query too short for trigrams costs). */
  like(query: string, limit: number): unknown[];
  close(): void;
}

export function openRawDatabase(dir: string, options: { fts?: boolean } = {}): RawDatabase {
  const db = new DatabaseSync(join(dir, 'raw.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS raw (
    id INTEGER PRIMARY KEY, peer TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL)`);
  db.exec('CREATE INDEX IF NOT EXISTS raw_peer ON raw (peer, id)');
  if (options.fts === true) {
    db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS raw_fts USING fts5(text, content='raw', content_rowid='id', tokenize='trigram')`,
    );
  }
  const insertRow = db.prepare('INSERT INTO raw (peer, seq, text) VALUES (?, ?, ?)');
  const insertFts =
    options.fts === true
      ? db.prepare('INSERT INTO raw_fts (rowid, text) VALUES (?, ?)')
      : undefined;
  const pageRows = db.prepare(
    'SELECT id, seq, text FROM raw WHERE peer = ? AND id < ? ORDER BY id DESC LIMIT ?',
  );
  const searchRows =
    options.fts === true
      ? db.prepare(
          `SELECT raw.id, raw.text FROM raw_fts JOIN raw ON raw.id = raw_fts.rowid
         WHERE raw_fts MATCH ? ORDER BY raw.id DESC LIMIT ?`,
        )
      : undefined;
  const likeRows = db.prepare(
    'SELECT id, text FROM raw WHERE text LIKE ? ORDER BY id DESC LIMIT ?',
  );
  return {
    insert: (seq, text, peer = 'peer') => {
      const { lastInsertRowid } = insertRow.run(peer, seq, text);
      insertFts?.run(lastInsertRowid, text);
    },
    batch: (fn) => {
      db.exec('BEGIN');
      try {
        fn();
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    page: (peer, limit, before = Number.MAX_SAFE_INTEGER) => pageRows.all(peer, before, limit),
    search: (query, limit) => {
      if (searchRows === undefined) throw new Error('opened without full-text search');
      return searchRows.all(`"${query.replace(/"/g, '""')}"`, limit);
    },
    like: (query, limit) => likeRows.all(`%${query}%`, limit),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

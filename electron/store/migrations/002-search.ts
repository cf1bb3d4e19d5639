import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 2: full-text search. An FTS5 index with the trigram tokenizer (substring matches in any
 * script, Chinese included) over delivered messages, kept current by triggers, and filled from the
 * messages already stored. See https://sqlite.org/fts5.html#the_trigram_tokenizer
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    CREATE VIRTUAL TABLE messages_fts USING fts5(
      text, content = 'messages', content_rowid = 'rowid', tokenize = 'trigram'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
      INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
      INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
    END;
    INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
  `);
}

import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 9: the search index is written after a message's commit, not inside it (issue 18,
 * docs/STORAGE.md "Search"). Indexing a 64 KiB text with the trigram tokenizer took 8-12 ms of
 * the commit that stands before the send and before the ack; the index is derived data.
 *
 * - `messages_fts_pending`: the rowids of messages not indexed yet. A new message's rowid goes in
 *   (a cheap trigger in the message's own transaction); the store's indexer (fts-indexer.ts)
 *   indexes them in rowid order in a transaction of its own after the commit, and the search
 *   indexes what is left first. A crash leaves them here for the next run.
 * - FTS5 external content: a 'delete' must carry exactly what was indexed, and one for a row that
 *   was never indexed corrupts the index (https://sqlite.org/fts5.html#external_content_tables).
 *   So a pending row that is deleted only leaves the pending set, and an edited one stays
 *   pending; an indexed row is removed from the index, and an edited one becomes pending again.
 *
 * Every message already stored was indexed by version 2's trigger, so none starts pending.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;

    CREATE TABLE messages_fts_pending (message_rowid INTEGER PRIMARY KEY) STRICT;

    CREATE TRIGGER messages_fts_pending_insert AFTER INSERT ON messages BEGIN
      INSERT OR IGNORE INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, text)
        SELECT 'delete', old.rowid, old.text
        WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
      DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid;
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, text)
        SELECT 'delete', old.rowid, old.text
        WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
      INSERT OR IGNORE INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
    END;
  `);
}

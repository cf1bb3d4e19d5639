import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 8: @mentions and muted conversations (issue 15, docs/STORAGE.md).
 *
 * - `group_posts.mentions`: the member ids a group message @mentions, as its writer signed them
 *   (JSON array; NULL when none). Kept as signed so the message can be relayed in repair.
 * - `conversation_mutes`: conversations (a group `group:ID` or a contact's id) whose messages do
 *   not notify and whose unread count is not emphasised, except messages that @mention this node.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE group_posts ADD COLUMN mentions TEXT;

    CREATE TABLE conversation_mutes (
      conversation_id TEXT PRIMARY KEY,
      muted_at INTEGER NOT NULL
    ) STRICT;
  `);
}

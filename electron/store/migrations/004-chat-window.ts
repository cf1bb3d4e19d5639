import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 3: what the chat window needs (issue 13).
 *
 * - `messages.reply_id`, `reply_excerpt`: the message a reply answers (protocol: `reply` on text).
 * - `peers.status_text`, `avatar_hue`: a peer's custom status and avatar colour from its announces.
 * - `drafts`: what was typed in each conversation's composer and not sent, kept across restarts.
 * - The outbox index leaves out `cancelled` messages: a cancelled message is never sent again.
 * - Profiles that existed before answered no first-run questions, but have a nickname already:
 *   they are marked `onboarded` so the first-run dialog asks only new profiles.
 *
 * Read state needs no change: `read_state.last_read` is a conversation position, and
 * `messages:markReadUpTo` moves it to the position of the newest message seen.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN reply_id TEXT;
    ALTER TABLE messages ADD COLUMN reply_excerpt TEXT;
    ALTER TABLE peers ADD COLUMN status_text TEXT;
    ALTER TABLE peers ADD COLUMN avatar_hue INTEGER;

    CREATE TABLE drafts (
      peer_id TEXT PRIMARY KEY,
      text TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    DROP INDEX messages_outbox;
    CREATE INDEX messages_outbox ON messages (peer_id, epoch, seq)
      WHERE direction = 'out' AND state NOT IN ('delivered', 'cancelled');

    INSERT INTO settings (key, value)
      SELECT 'onboarded', 'true' WHERE EXISTS (SELECT 1 FROM identity)
      ON CONFLICT (key) DO NOTHING;
  `);
}

import type { SqlDatabase } from './sql-database';

/**
 * Muted conversations (migration 8): a group `group:ID` or a contact. A muted conversation does
 * not notify and its unread count is not emphasised, except for messages that @mention this node.
 */
export class MuteStore {
  constructor(private readonly sql: SqlDatabase) {}

  list(): string[] {
    return this.sql
      .all<{
        conversation_id: string;
      }>('SELECT conversation_id FROM conversation_mutes ORDER BY muted_at, conversation_id')
      .map((r) => r.conversation_id);
  }

  isMuted(conversationId: string): boolean {
    return (
      this.sql.get(
        'SELECT 1 AS muted FROM conversation_mutes WHERE conversation_id = ?',
        conversationId,
      ) !== undefined
    );
  }

  /** Mutes or unmutes; true when that changed anything. */
  set(conversationId: string, muted: boolean, now: number): boolean {
    const result = muted
      ? this.sql.run(
          `INSERT INTO conversation_mutes (conversation_id, muted_at) VALUES (?, ?)
           ON CONFLICT (conversation_id) DO NOTHING`,
          conversationId,
          now,
        )
      : this.sql.run('DELETE FROM conversation_mutes WHERE conversation_id = ?', conversationId);
    return result.changes > 0;
  }
}

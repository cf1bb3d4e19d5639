import type {
  ChatMessage,
  ConversationSummary,
  HistoryPage,
  RecipientTally,
  SearchHit,
} from '../../shared/domain';
import {
  JOIN_GROUP,
  likePattern,
  MESSAGE_WITH_GROUP,
  snippetAround,
  toChatMessage,
  type MessageRow,
} from './rows';
import { GROUP_CONVERSATION_PREFIX } from '../../shared/protocol/group-ids';
import type { FtsIndexer } from './fts-indexer';
import { SqlDatabase } from './sql-database';

/** FTS5's trigram tokenizer needs three characters; shorter queries use LIKE. */
const TRIGRAM = 3;

/**
 * Whether the message `alias` is a group message whose signed mentions name this profile (its id
 * as the identity table keeps it).
 */
function mentionsMe(alias: string): string {
  return `EXISTS (SELECT 1 FROM group_posts mp, json_each(mp.mentions) j
    WHERE mp.message_id = ${alias}.id AND j.value = (SELECT node_id FROM identity WHERE key = 1))`;
}

/**
 * `last`: each conversation's newest shown position and its read marker. It walks the (peer_id,
 * position) index: the distinct peers by skipping from one to the next, then each one's newest
 * position. Grouping the whole table instead read every message (about 100 ms for 100,000).
 */
const LAST_OF_EACH_CONVERSATION = `WITH RECURSIVE peer(id) AS (
    SELECT MIN(peer_id) FROM messages
    UNION ALL
    SELECT (SELECT MIN(peer_id) FROM messages WHERE peer_id > peer.id) FROM peer
    WHERE peer.id IS NOT NULL
  ), last AS (
    SELECT peer.id AS peer_id,
      (SELECT MAX(position) FROM messages l WHERE l.peer_id = peer.id) AS position,
      COALESCE((SELECT last_read FROM read_state r WHERE r.peer_id = peer.id), 0) AS last_read
    FROM peer WHERE peer.id IS NOT NULL
  )`;

/** What the UI reads: messages, history pages, conversations, unread counts and search. */
export class MessageReads {
  constructor(
    private readonly sql: SqlDatabase,
    private readonly fts: FtsIndexer,
  ) {}

  getMessage(id: string): ChatMessage | undefined {
    const row = this.sql.get<MessageRow>(
      `SELECT ${MESSAGE_WITH_GROUP} FROM messages m ${JOIN_GROUP} WHERE m.id = ?`,
      id,
    );
    return row === undefined || row.position === null ? undefined : toChatMessage(row);
  }

  /**
   * One page of a conversation, newest page first, oldest message first within the page. The
   * cursor is the position of the oldest message returned; held messages are not shown yet.
   */
  history(peerId: string, options: { before?: string; limit: number }): HistoryPage {
    const before = options.before === undefined ? Number.MAX_SAFE_INTEGER : Number(options.before);
    const limit = Math.max(1, Math.min(options.limit, 500));
    const rows = this.sql.all<MessageRow>(
      `SELECT ${MESSAGE_WITH_GROUP} FROM messages m ${JOIN_GROUP}
       WHERE m.peer_id = ? AND m.position IS NOT NULL AND m.position < ?
       ORDER BY m.position DESC LIMIT ?`,
      peerId,
      Number.isFinite(before) ? before : Number.MAX_SAFE_INTEGER,
      limit + 1,
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const oldest = page[0]?.position;
    return {
      messages: page.map(toChatMessage),
      nextCursor: more && oldest != null ? String(oldest) : null,
    };
  }

  /**
   * Every conversation with its unread count, its oldest unread message, its unread messages that
   * @mention me (derived from group_posts.mentions and the read marker, so it survives a restart)
   * and its last message, most recent first.
   */
  conversations(): ConversationSummary[] {
    type Row = MessageRow & { unread: number; first_unread: string | null; mentions: number };
    const rows = this.sql.all<Row>(
      // Each one's unread range walks the (peer_id, position) index too. Only a group's messages can
      // @mention me: a contact's unread messages are not each looked up in group_posts (with
      // 100,000 unread over 20 contacts that lookup was 85 of 205 ms).
      `${LAST_OF_EACH_CONVERSATION}
       SELECT ${MESSAGE_WITH_GROUP},
         (SELECT COUNT(*) FROM messages u WHERE u.peer_id = last.peer_id AND u.direction = 'in'
            AND u.position > last.last_read) AS unread,
         (SELECT f.id FROM messages f WHERE f.peer_id = last.peer_id AND f.direction = 'in'
            AND f.position > last.last_read ORDER BY f.position LIMIT 1) AS first_unread,
         CASE WHEN last.peer_id LIKE '${GROUP_CONVERSATION_PREFIX}%' THEN
           (SELECT COUNT(*) FROM messages u WHERE u.peer_id = last.peer_id AND u.direction = 'in'
              AND u.position > last.last_read AND ${mentionsMe('u')})
         ELSE 0 END AS mentions
       FROM last JOIN messages m ON m.position = last.position ${JOIN_GROUP}
       ORDER BY m.position DESC`,
    );
    return rows.map((row) => ({
      peerId: row.peer_id,
      unread: row.unread,
      firstUnreadId: row.first_unread,
      lastMessage: toChatMessage(row),
      mentions: row.mentions,
    }));
  }

  /**
   * When each conversation's newest shown message arrived, newest first: what `conversations()`
   * gives as `lastMessage.receivedAt`, without counting unread messages (the contact list sorts
   * by it and shows no counts; with many unread, counting is most of that query's time).
   */
  lastActivity(): { readonly peerId: string; readonly at: number }[] {
    return this.sql
      .all<{ peer_id: string; at: number }>(
        `${LAST_OF_EACH_CONVERSATION}
         SELECT last.peer_id, m.received_at AS at
         FROM last JOIN messages m ON m.position = last.position
         ORDER BY m.position DESC`,
      )
      .map((row) => ({ peerId: row.peer_id, at: row.at }));
  }

  hasConversation(peerId: string): boolean {
    return (
      this.sql.get('SELECT 1 AS found FROM messages WHERE peer_id = ? LIMIT 1', peerId) !==
      undefined
    );
  }

  /** The multi-send a sent message belongs to, if any. */
  batchOf(messageId: string): string | undefined {
    return (
      this.sql.get<{ batch_id: string | null }>(
        'SELECT batch_id FROM messages WHERE id = ?',
        messageId,
      )?.batch_id ?? undefined
    );
  }

  /** How far the messages of one multi-send got ("delivered to 5 of 6"), by conversation. */
  batchTally(batch: string): RecipientTally {
    const rows = this.sql.all<{ peer_id: string; state: string }>(
      'SELECT peer_id, state FROM messages WHERE batch_id = ? ORDER BY position',
      batch,
    );
    // A cancelled message will never arrive: it counts as failed.
    const ended = (state: string) => state === 'failed' || state === 'cancelled';
    const failed = rows.filter((r) => ended(r.state)).map((r) => r.peer_id);
    const waiting = rows
      .filter((r) => r.state !== 'delivered' && !ended(r.state))
      .map((r) => r.peer_id);
    return {
      delivered: rows.length - failed.length - waiting.length,
      total: rows.length,
      waiting,
      failed,
    };
  }

  /** Unread messages in one conversation. */
  unreadIn(peerId: string): number {
    const row = this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM messages WHERE peer_id = ? AND direction = 'in' AND position >
         COALESCE((SELECT last_read FROM read_state WHERE peer_id = ?), 0)`,
      peerId,
      peerId,
    );
    return row?.n ?? 0;
  }

  /** Unread messages in one conversation that @mention me. */
  mentionsIn(peerId: string): number {
    const row = this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM messages m WHERE m.peer_id = ? AND m.direction = 'in'
         AND m.position > COALESCE((SELECT last_read FROM read_state WHERE peer_id = ?), 0)
         AND ${mentionsMe('m')}`,
      peerId,
      peerId,
    );
    return row?.n ?? 0;
  }

  /**
   * What the tray, the taskbar badge and the title count: unread messages, except those of muted
   * conversations that do not @mention me (as QQ and Telegram count).
   */
  unreadTotal(): number {
    const row = this.sql.get<{ total: number }>(
      `SELECT COUNT(*) AS total FROM messages m WHERE m.direction = 'in' AND m.position >
         COALESCE((SELECT last_read FROM read_state r WHERE r.peer_id = m.peer_id), 0)
         AND (m.peer_id NOT IN (SELECT conversation_id FROM conversation_mutes) OR ${mentionsMe('m')})`,
    );
    return row?.total ?? 0;
  }

  /**
   * Newest matches first; each hit names its conversation and message. File cards are left out:
   * their stored text is the offer's control message (JSON), not words anyone typed.
   */
  search(query: string, limit: number): SearchHit[] {
    const text = query.trim();
    if (text === '') return [];
    // Messages stored since the last indexing are indexed first: a search finds what is stored.
    try {
      this.fts.indexAll();
    } catch {
      // A full or failing disk: they stay pending, and the search answers from what is indexed
      // (the short-query LIKE scan below still sees every message).
    }
    type Hit = { id: string; peer_id: string; received_at: number; text: string };
    // FTS5 finds the rows; the snippet is cut here, since trigram highlights split words.
    const rows =
      Array.from(text).length >= TRIGRAM
        ? this.sql.all<Hit>(
            `SELECT m.id, m.peer_id, m.received_at, m.text
             FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
             WHERE messages_fts MATCH ? AND m.position IS NOT NULL AND m.control IS NULL
             ORDER BY m.position DESC LIMIT ?`,
            `"${text.replace(/"/g, '""')}"`,
            limit,
          )
        : this.sql.all<Hit>(
            `SELECT id, peer_id, received_at, text FROM messages
             WHERE text LIKE ? ESCAPE '\\' AND position IS NOT NULL AND control IS NULL
             ORDER BY position DESC LIMIT ?`,
            likePattern(text),
            limit,
          );
    return rows.map((row) => ({
      messageId: row.id,
      peerId: row.peer_id,
      snippet: snippetAround(row.text, text),
      at: row.received_at,
    }));
  }
}

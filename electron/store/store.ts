import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ZodType } from 'zod';
import type { DeliveryStatus, PeerInfo, PeerStatus, Transport } from '../../shared/domain';
import {
  settingsSchema,
  type ChatMessage,
  type ConversationSummary,
  type HistoryPage,
  type SearchHit,
  type Settings,
} from '../../shared/ipc';
import type { IncomingRecord, OutgoingRecord } from '../net/persistence';
import {
  likePattern,
  snippetAround,
  toChatMessage,
  toIncoming,
  toOutgoing,
  toPeer,
  type MessageRow,
  type PeerRow,
} from './rows';

export interface Identity {
  readonly nodeId: string;
  readonly nick: string;
  readonly status: PeerStatus;
}

/** Settings kept in the settings table; nickname and status live with the identity. */
export const storedSettingsSchema = settingsSchema.omit({ nick: true, status: true });
export type StoredSettings = Omit<Settings, 'nick' | 'status'>;

/** FTS5's trigram tokenizer needs three characters; shorter queries use LIKE. */
const TRIGRAM = 3;

/**
 * The one module that reads and writes the profile's database. Every method is synchronous and
 * durable on return (WAL, synchronous=FULL). See docs/STORAGE.md for the schema.
 */
export class Store {
  private readonly statements = new Map<string, StatementSync>();
  /** Next conversation position; the profile lock makes this process the only writer. */
  private nextPosition: number;
  private closed = false;

  constructor(private readonly db: DatabaseSync) {
    const row = this.get<{ last: number | null }>('SELECT MAX(position) AS last FROM messages');
    this.nextPosition = (row?.last ?? 0) + 1;
  }

  // --- identity and settings ------------------------------------------------------------------

  getIdentity(): Identity | undefined {
    const row = this.get<{ node_id: string; nick: string; status: PeerStatus }>(
      'SELECT node_id, nick, status FROM identity WHERE key = 1',
    );
    return row === undefined
      ? undefined
      : { nodeId: row.node_id, nick: row.nick, status: row.status };
  }

  saveIdentity(identity: Identity): void {
    this.run(
      `INSERT INTO identity (key, node_id, nick, status) VALUES (1, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET node_id = excluded.node_id, nick = excluded.nick,
         status = excluded.status`,
      identity.nodeId,
      identity.nick,
      identity.status,
    );
  }

  /** Stored settings that are still valid; `invalid` names the ones that were ignored. */
  getSettings(): { values: Partial<StoredSettings>; invalid: string[] } {
    const rows = this.all<{ key: string; value: string }>('SELECT key, value FROM settings');
    const values: Record<string, unknown> = {};
    const invalid: string[] = [];
    const shape: Partial<Record<string, ZodType>> = storedSettingsSchema.shape;
    for (const { key, value } of rows) {
      const schema = shape[key];
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      const checked = schema?.safeParse(parsed);
      if (checked?.success === true) values[key] = checked.data;
      else invalid.push(key);
    }
    return { values, invalid };
  }

  saveSettings(values: { [K in keyof StoredSettings]?: StoredSettings[K] | undefined }): void {
    this.transaction(() => {
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) continue;
        this.run(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
          key,
          JSON.stringify(value),
        );
      }
    });
  }

  // --- peers ------------------------------------------------------------------------------------

  upsertPeer(peer: PeerInfo): void {
    this.run(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET nick = excluded.nick, host = excluded.host,
         address = excluded.address, port = excluded.port, tcp_port = excluded.tcp_port,
         status = excluded.status, last_seen = MAX(last_seen, excluded.last_seen)`,
      peer.id,
      peer.nick,
      peer.host,
      peer.address,
      peer.port,
      peer.tcpPort,
      peer.status,
      peer.firstSeen,
      peer.lastSeen,
    );
  }

  listPeers(): PeerInfo[] {
    return this.all<PeerRow>('SELECT * FROM peers ORDER BY last_seen DESC').map(toPeer);
  }

  // --- receiving ----------------------------------------------------------------------------------

  /** Stores a received message; `duplicate` when its id is already stored (no second row). */
  insertIncoming(record: IncomingRecord): 'inserted' | 'duplicate' {
    const position = record.held ? null : this.nextPosition;
    const result = this.run(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, attempts, position)
       VALUES (?, ?, 'in', ?, ?, ?, ?, 'received', ?, ?, ?, 1, ?) ON CONFLICT (id) DO NOTHING`,
      record.id,
      record.peerId,
      record.epoch,
      record.seq,
      record.text,
      record.transport,
      record.sentAt,
      record.receivedAt,
      record.remote,
      position,
    );
    if (result.changes === 0) return 'duplicate';
    if (position !== null) this.nextPosition += 1;
    return 'inserted';
  }

  /** Held messages became deliverable: they take their place in the conversation, in order. */
  releaseHeld(peerId: string, ids: readonly string[], at: number): void {
    this.transaction(() => {
      for (const id of ids) {
        const result = this.run(
          `UPDATE messages SET position = ?, received_at = ?
           WHERE id = ? AND peer_id = ? AND position IS NULL AND direction = 'in'`,
          this.nextPosition,
          at,
          id,
          peerId,
        );
        if (result.changes > 0) this.nextPosition += 1;
      }
    });
  }

  listHeld(): IncomingRecord[] {
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE position IS NULL AND direction = 'in'
       ORDER BY peer_id, epoch, seq`,
    ).map(toIncoming);
  }

  getInboundStreams(): { peerId: string; epoch: string; expected: number }[] {
    return this.all<{ peer_id: string; epoch: string; expected: number }>(
      'SELECT peer_id, epoch, expected FROM inbound_streams',
    ).map((r) => ({ peerId: r.peer_id, epoch: r.epoch, expected: r.expected }));
  }

  saveInboundStream(peerId: string, epoch: string, expected: number): void {
    this.run(
      `INSERT INTO inbound_streams (peer_id, epoch, expected) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET epoch = excluded.epoch, expected = excluded.expected`,
      peerId,
      epoch,
      expected,
    );
  }

  // --- sending ------------------------------------------------------------------------------------

  getOutboundStream(peerId: string): { epoch: string; nextSeq: number } | undefined {
    const row = this.get<{ epoch: string; next_seq: number }>(
      'SELECT epoch, next_seq FROM outbound_streams WHERE peer_id = ?',
      peerId,
    );
    return row === undefined ? undefined : { epoch: row.epoch, nextSeq: row.next_seq };
  }

  saveOutboundStream(peerId: string, epoch: string, nextSeq: number): void {
    this.run(
      `INSERT INTO outbound_streams (peer_id, epoch, next_seq) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET epoch = excluded.epoch, next_seq = excluded.next_seq`,
      peerId,
      epoch,
      nextSeq,
    );
  }

  insertOutgoing(record: OutgoingRecord): void {
    this.run(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, attempts, rtt_ms, position)
       VALUES (?, ?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      record.id,
      record.peerId,
      record.epoch,
      record.seq,
      record.text,
      record.transport,
      record.state,
      record.sentAt,
      record.sentAt,
      record.remote,
      record.attempts,
      record.rttMs ?? null,
      this.nextPosition,
    );
    this.nextPosition += 1;
  }

  updateOutgoing(
    id: string,
    change: { state: DeliveryStatus; transport: Transport; attempts: number; rttMs?: number },
  ): void {
    this.run(
      `UPDATE messages SET state = ?, transport = ?, attempts = ?, rtt_ms = COALESCE(?, rtt_ms)
       WHERE id = ? AND direction = 'out'`,
      change.state,
      change.transport,
      change.attempts,
      change.rttMs ?? null,
      id,
    );
  }

  /** Sent messages not yet delivered (sending, pending or failed), per peer in sequence order. */
  listOutbox(): OutgoingRecord[] {
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE direction = 'out' AND state <> 'delivered'
       ORDER BY peer_id, epoch, seq`,
    ).map(toOutgoing);
  }

  // --- reading --------------------------------------------------------------------------------------

  getMessage(id: string): ChatMessage | undefined {
    const row = this.get<MessageRow>('SELECT * FROM messages WHERE id = ?', id);
    return row === undefined || row.position === null ? undefined : toChatMessage(row);
  }

  /**
   * One page of a conversation, newest page first, oldest message first within the page. The
   * cursor is the position of the oldest message returned; held messages are not shown yet.
   */
  history(peerId: string, options: { before?: string; limit: number }): HistoryPage {
    const before = options.before === undefined ? Number.MAX_SAFE_INTEGER : Number(options.before);
    const limit = Math.max(1, Math.min(options.limit, 500));
    const rows = this.all<MessageRow>(
      `SELECT * FROM messages WHERE peer_id = ? AND position IS NOT NULL AND position < ?
       ORDER BY position DESC LIMIT ?`,
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

  /** Every conversation with its unread count and last message, most recent first. */
  conversations(): ConversationSummary[] {
    const rows = this.all<MessageRow & { unread: number }>(
      `WITH last AS (
         SELECT peer_id, MAX(position) AS position FROM messages
         WHERE position IS NOT NULL GROUP BY peer_id
       )
       SELECT m.*, (
         SELECT COUNT(*) FROM messages u WHERE u.peer_id = m.peer_id AND u.direction = 'in'
           AND u.position > COALESCE((SELECT last_read FROM read_state r WHERE r.peer_id = m.peer_id), 0)
       ) AS unread
       FROM last JOIN messages m ON m.position = last.position
       ORDER BY m.position DESC`,
    );
    return rows.map((row) => ({
      peerId: row.peer_id,
      unread: row.unread,
      lastMessage: toChatMessage(row),
    }));
  }

  markRead(peerId: string): void {
    this.run(
      `INSERT INTO read_state (peer_id, last_read)
       VALUES (?, COALESCE((SELECT MAX(position) FROM messages WHERE peer_id = ?), 0))
       ON CONFLICT (peer_id) DO UPDATE SET last_read = MAX(last_read, excluded.last_read)`,
      peerId,
      peerId,
    );
  }

  unreadTotal(): number {
    const row = this.get<{ total: number }>(
      `SELECT COUNT(*) AS total FROM messages m WHERE m.direction = 'in' AND m.position >
         COALESCE((SELECT last_read FROM read_state r WHERE r.peer_id = m.peer_id), 0)`,
    );
    return row?.total ?? 0;
  }

  /** Newest matches first; each hit names its conversation and message. */
  search(query: string, limit: number): SearchHit[] {
    const text = query.trim();
    if (text === '') return [];
    type Hit = { id: string; peer_id: string; received_at: number; text: string };
    // FTS5 finds the rows; the snippet is cut here, since trigram highlights split words.
    const rows =
      Array.from(text).length >= TRIGRAM
        ? this.all<Hit>(
            `SELECT m.id, m.peer_id, m.received_at, m.text
             FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
             WHERE messages_fts MATCH ? AND m.position IS NOT NULL
             ORDER BY m.position DESC LIMIT ?`,
            `"${text.replace(/"/g, '""')}"`,
            limit,
          )
        : this.all<Hit>(
            `SELECT id, peer_id, received_at, text FROM messages
             WHERE text LIKE ? ESCAPE '\\' AND position IS NOT NULL
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

  // --- housekeeping -------------------------------------------------------------------------------

  integrityCheck(): string {
    return this.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check ?? '';
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    const position = this.nextPosition;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.nextPosition = position;
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, ...params: (string | number | null)[]): { changes: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes) };
  }

  // The row type is what the SQL selects; node:sqlite returns untyped records.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  private get<T>(sql: string, ...params: (string | number | null)[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private all<T>(sql: string, ...params: (string | number | null)[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }
}

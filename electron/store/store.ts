import type { ZodType } from 'zod';
import type { Draft, MessageStateChange, PeerInfo, PeerStatus } from '../../shared/domain';
import { settingsSchema, type Settings } from '../../shared/ipc/schemas';
import {
  GROUP_EPOCH,
  HELD_EPOCH,
  IPMSG_EPOCH,
  PLAIN_EPOCH,
  type ControlTag,
  type IncomingRecord,
  type OutgoingRecord,
} from '../net/index';
import { FtsIndexer } from './fts-indexer';
import { GroupOutboxStore } from './group-outbox-store';
import { GroupStore } from './group-store';
import { IpmsgStore } from './ipmsg-store';
import { MessageReads } from './message-reads';
import { MuteStore } from './mute-store';
import {
  relayDetails,
  toIncoming,
  toOutgoing,
  toPeer,
  type MessageRow,
  type PeerRow,
} from './rows';
import type { SqlDatabase } from './sql-database';
import { SqlTransferStore } from './transfer-store';
import { toTrust, TrustStore, type PeerTrust, type TrustRow } from './trust-store';

/** What `peersAndTrust` reads of each peer, in this order (`peerAndTrustRow`). */
const PEER_AND_TRUST_COLUMNS = `id, nick, host, address, port, tcp_port, status, first_seen,
  last_seen, public_key, signing_key, status_text, avatar_hue, details, verified, key_changed_to,
  alias_of, protocol`;
type PeerAndTrustColumns = readonly [
  id: string,
  nick: string,
  host: string,
  address: string,
  port: number,
  tcpPort: number | null,
  status: PeerStatus,
  firstSeen: number,
  lastSeen: number,
  publicKey: string | null,
  signingKey: string | null,
  statusText: string | null,
  avatarHue: number | null,
  details: string | null,
  verified: number,
  keyChangedTo: string | null,
  aliasOf: string | null,
  protocol: string,
];

/** One row of `peersAndTrust` as `toPeer` and `toTrust` read it (`protocol` is read apart). */
function peerAndTrustRow(c: PeerAndTrustColumns): PeerRow & TrustRow {
  return {
    id: c[0],
    nick: c[1],
    host: c[2],
    address: c[3],
    port: c[4],
    tcp_port: c[5],
    status: c[6],
    first_seen: c[7],
    last_seen: c[8],
    public_key: c[9],
    signing_key: c[10],
    status_text: c[11],
    avatar_hue: c[12],
    details: c[13],
    verified: c[14],
    key_changed_to: c[15],
    alias_of: c[16],
  };
}

/** The database's copy of who this profile is (the key itself lives only in identity.json). */
export interface StoredIdentity {
  readonly nodeId: string;
  readonly nick: string;
  readonly status: PeerStatus;
}

/** Settings kept in the settings table; nickname and status live with the identity. */
export const storedSettingsSchema = settingsSchema.omit({ nick: true, status: true });
export type StoredSettings = Omit<Settings, 'nick' | 'status'>;

/**
 * The one module that writes the profile's database; `reads` answers what the UI asks. Every
 * method is synchronous and durable on return (WAL, synchronous=FULL). See docs/STORAGE.md.
 */
export class Store {
  readonly reads: MessageReads;
  readonly trust: TrustStore;
  readonly groups: GroupStore;
  readonly groupOutbox: GroupOutboxStore;
  /** The file engine's transfers (migration 7). */
  readonly transfers: SqlTransferStore;
  readonly ipmsg: IpmsgStore;
  /** Muted conversations (migration 8). */
  readonly mutes: MuteStore;
  /** The search index, written after the commit that stored a message (migration 9). */
  readonly fts: FtsIndexer;
  /** Next conversation position; the profile lock makes this process the only writer. */
  private nextPosition: number;

  constructor(readonly sql: SqlDatabase) {
    this.fts = new FtsIndexer(sql);
    this.reads = new MessageReads(sql, this.fts);
    this.trust = new TrustStore(sql);
    this.groups = new GroupStore(
      sql,
      () => this.nextPosition++,
      () => {
        this.fts.schedule();
      },
    );
    this.groupOutbox = new GroupOutboxStore(sql);
    this.transfers = new SqlTransferStore(sql);
    this.ipmsg = new IpmsgStore(sql);
    this.mutes = new MuteStore(sql);
    this.nextPosition = this.lastPosition() + 1;
    sql.onRollback(() => {
      this.nextPosition = this.lastPosition() + 1;
    });
    // What a crash left unindexed is indexed once the store is idle (or by the first search).
    this.fts.schedule();
  }

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  close(): void {
    this.fts.close();
    this.sql.close();
  }

  private lastPosition(): number {
    return (
      this.sql.get<{ last: number | null }>('SELECT MAX(position) AS last FROM messages')?.last ?? 0
    );
  }

  // --- identity and settings ------------------------------------------------------------------

  /** The identity as the database remembers it: a backup of identity.json, read when that is lost. */
  getIdentity(): StoredIdentity | undefined {
    const row = this.sql.get<{ node_id: string; nick: string; status: PeerStatus }>(
      'SELECT node_id, nick, status FROM identity WHERE key = 1',
    );
    return row === undefined
      ? undefined
      : { nodeId: row.node_id, nick: row.nick, status: row.status };
  }

  saveIdentity(identity: StoredIdentity): void {
    this.sql.run(
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
    const rows = this.sql.all<{ key: string; value: string }>('SELECT key, value FROM settings');
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
        this.sql.run(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
          key,
          JSON.stringify(value),
        );
      }
    });
  }

  // --- peers ------------------------------------------------------------------------------------

  upsertPeer(peer: PeerInfo): void {
    this.sql.run(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen,
         public_key, signing_key, status_text, avatar_hue, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET nick = excluded.nick, host = excluded.host,
         address = excluded.address, port = excluded.port, tcp_port = excluded.tcp_port,
         status = excluded.status, last_seen = MAX(last_seen, excluded.last_seen),
         public_key = COALESCE(public_key, excluded.public_key),
         signing_key = COALESCE(signing_key, excluded.signing_key),
         status_text = excluded.status_text, avatar_hue = excluded.avatar_hue,
         details = COALESCE(excluded.details, details)`,
      peer.id,
      peer.nick,
      peer.host,
      peer.address,
      peer.port,
      peer.tcpPort,
      peer.status,
      peer.firstSeen,
      peer.lastSeen,
      peer.publicKey ?? null,
      peer.signingKey ?? null,
      peer.statusText ?? null,
      peer.avatarHue ?? null,
      relayDetails(peer),
    );
  }

  /**
   * PacketChat peers as `listPeers()` lists them, and every peer's trust record by id as
   * `trust.get()` reads it, from one read of the table (the contact list needs both).
   */
  peersAndTrust(): { peers: PeerInfo[]; trust: Map<string, PeerTrust> } {
    // Rows as arrays, each made into one object literal: a list of thousands is read at every
    // start, before the contact list can show (docs/BENCHMARKS.md, "Ninth pass on issue 18:
    // the contact list's answer").
    const rows = this.sql.allArrays<PeerAndTrustColumns>(
      `SELECT ${PEER_AND_TRUST_COLUMNS} FROM peers ORDER BY last_seen DESC`,
    );
    const peers: PeerInfo[] = [];
    const trust = new Map<string, PeerTrust>();
    for (const columns of rows) {
      const row = peerAndTrustRow(columns);
      trust.set(row.id, toTrust(row));
      if (row.alias_of === null && columns[17] === 'pchat') peers.push(toPeer(row));
    }
    return { peers, trust };
  }

  /** PacketChat peers (IPMsg peers are `ipmsg.listPeers()`). */
  listPeers(): PeerInfo[] {
    return this.sql
      .all<PeerRow>(
        `SELECT * FROM peers WHERE alias_of IS NULL AND protocol = 'pchat'
         ORDER BY last_seen DESC`,
      )
      .map(toPeer);
  }

  // --- receiving ----------------------------------------------------------------------------------

  /** Stores a received message; `duplicate` when its id is already stored (no second row). */
  insertIncoming(record: IncomingRecord): 'inserted' | 'duplicate' {
    const position = record.held ? null : this.nextPosition;
    const result = this.sql.run(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, attempts, position, reply_id, reply_excerpt, control, file_card)
       VALUES (?, ?, 'in', ?, ?, ?, ?, 'received', ?, ?, ?, 1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
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
      record.reply?.id ?? null,
      record.reply?.excerpt ?? null,
      ...controlColumns(record.control),
    );
    if (result.changes === 0) return 'duplicate';
    if (position !== null) this.nextPosition += 1;
    this.fts.schedule();
    return 'inserted';
  }

  /**
   * Held messages became deliverable: they take their place in the conversation, in order. A
   * control message without a card was kept only while it waited: it leaves the table.
   */
  releaseHeld(peerId: string, ids: readonly string[], at: number): void {
    this.transaction(() => {
      for (const id of ids) {
        const hidden = this.sql.run(
          `DELETE FROM messages WHERE id = ? AND peer_id = ? AND position IS NULL
             AND direction = 'in' AND control IS NOT NULL AND file_card IS NULL`,
          id,
          peerId,
        );
        if (hidden.changes > 0) continue;
        const result = this.sql.run(
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
    return this.sql
      .all<MessageRow>(
        `SELECT * FROM messages WHERE position IS NULL AND direction = 'in' AND epoch <> ?
       ORDER BY peer_id, epoch, seq`,
        GROUP_EPOCH,
      )
      .map(toIncoming);
  }

  getInboundStreams(): { peerId: string; epoch: string; expected: number }[] {
    return this.sql
      .all<{ peer_id: string; epoch: string; expected: number }>(
        'SELECT peer_id, epoch, expected FROM inbound_streams',
      )
      .map((r) => ({ peerId: r.peer_id, epoch: r.epoch, expected: r.expected }));
  }

  saveInboundStream(peerId: string, epoch: string, expected: number): void {
    this.sql.run(
      `INSERT INTO inbound_streams (peer_id, epoch, expected) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET epoch = excluded.epoch, expected = excluded.expected`,
      peerId,
      epoch,
      expected,
    );
  }

  // --- sending ------------------------------------------------------------------------------------

  getOutboundStream(peerId: string): { epoch: string; nextSeq: number } | undefined {
    const row = this.sql.get<{ epoch: string; next_seq: number }>(
      'SELECT epoch, next_seq FROM outbound_streams WHERE peer_id = ?',
      peerId,
    );
    return row === undefined ? undefined : { epoch: row.epoch, nextSeq: row.next_seq };
  }

  saveOutboundStream(peerId: string, epoch: string, nextSeq: number): void {
    this.sql.run(
      `INSERT INTO outbound_streams (peer_id, epoch, next_seq) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET epoch = excluded.epoch, next_seq = excluded.next_seq`,
      peerId,
      epoch,
      nextSeq,
    );
  }

  /** A control message without a card gets no position: it is sent, never shown. */
  insertOutgoing(record: OutgoingRecord): void {
    const shown = record.control === undefined || record.control.card !== undefined;
    this.sql.run(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, attempts, rtt_ms, position, reply_id, reply_excerpt, control,
         file_card)
       VALUES (?, ?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      shown ? this.nextPosition : null,
      record.reply?.id ?? null,
      record.reply?.excerpt ?? null,
      ...controlColumns(record.control),
    );
    if (shown) this.nextPosition += 1;
    this.fts.schedule();
  }

  updateOutgoing(change: MessageStateChange): void {
    this.sql.run(
      `UPDATE messages SET state = ?, transport = ?, attempts = ?, rtt_ms = COALESCE(?, rtt_ms)
       WHERE id = ? AND direction = 'out'`,
      change.state,
      change.transport,
      change.attempts,
      change.rttMs ?? null,
      change.id,
    );
  }

  /**
   * Sent messages not yet delivered (sending, pending or failed), per peer in sequence order.
   * Plain text to strangers is never resent: nothing could tell whether it arrived. Cancelled
   * messages are never sent again. IPMsg messages are the bridge's (`ipmsg.listOutbox()`).
   */
  listOutbox(): OutgoingRecord[] {
    return this.sql
      .all<MessageRow>(
        `SELECT * FROM messages
         WHERE direction = 'out' AND state NOT IN ('delivered', 'cancelled')
           AND epoch NOT IN (?, ?, ?, ?)
         ORDER BY peer_id, epoch, seq`,
        PLAIN_EPOCH,
        HELD_EPOCH,
        GROUP_EPOCH,
        IPMSG_EPOCH,
      )
      .map(toOutgoing);
  }

  /** Undelivered messages to one peer, held ones included, oldest first (control messages too). */
  listUndelivered(peerId: string): OutgoingRecord[] {
    return this.sql
      .all<MessageRow>(
        `SELECT * FROM messages WHERE direction = 'out' AND peer_id = ?
           AND state NOT IN ('delivered', 'cancelled') AND epoch NOT IN (?, ?)
         ORDER BY rowid`,
        peerId,
        PLAIN_EPOCH,
        GROUP_EPOCH,
      )
      .map(toOutgoing);
  }

  readdressOutgoing(
    id: string,
    to: { peerId: string; epoch: string; seq: number; remote: string },
    nextSeq: number,
  ): void {
    this.transaction(() => {
      this.sql.run(
        `UPDATE messages SET peer_id = ?, epoch = ?, seq = ?, remote = ?, state = 'sending',
           attempts = 0 WHERE id = ? AND direction = 'out'`,
        to.peerId,
        to.epoch,
        to.seq,
        to.remote,
        id,
      );
      this.saveOutboundStream(to.peerId, to.epoch, nextSeq);
    });
  }

  /** Marks messages as sent together by one multi-send (docs/STORAGE.md, "Multi-send"). */
  setBatch(ids: readonly string[], batch: string): void {
    this.transaction(() => {
      for (const id of ids)
        this.sql.run(
          "UPDATE messages SET batch_id = ? WHERE id = ? AND direction = 'out'",
          batch,
          id,
        );
    });
  }

  /**
   * Read up to and including `messageId` (never backwards). False when the message is not in
   * that conversation (deleted meanwhile, or another conversation's).
   */
  markReadUpTo(peerId: string, messageId: string): boolean {
    const row = this.sql.get<{ position: number | null }>(
      'SELECT position FROM messages WHERE id = ? AND peer_id = ?',
      messageId,
      peerId,
    );
    if (row?.position == null) return false;
    this.sql.run(
      `INSERT INTO read_state (peer_id, last_read) VALUES (?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET last_read = MAX(last_read, excluded.last_read)`,
      peerId,
      row.position,
    );
    return true;
  }

  /**
   * Deletes messages from this computer (never held ones: they are not shown yet). Returns what
   * was deleted, per conversation. Search forgets them through the FTS delete trigger.
   */
  deleteMessages(ids: readonly string[]): { peerId: string; ids: string[] }[] {
    return this.transaction(() => {
      const byPeer = new Map<string, string[]>();
      for (const id of ids) {
        const row = this.sql.get<{ peer_id: string }>(
          // A group message stays: other members may ask this node for it (repair), and its
          // deliveries to members are still under way (docs/STORAGE.md, "Groups").
          `DELETE FROM messages WHERE id = ? AND position IS NOT NULL
             AND id NOT IN (SELECT message_id FROM group_posts) RETURNING peer_id`,
          id,
        );
        if (row === undefined) continue;
        byPeer.set(row.peer_id, [...(byPeer.get(row.peer_id) ?? []), id]);
      }
      return [...byPeer].map(([peerId, deleted]) => ({ peerId, ids: deleted }));
    });
  }

  listDrafts(): Draft[] {
    return this.sql
      .all<{ peer_id: string; text: string; updated_at: number }>(
        'SELECT peer_id, text, updated_at FROM drafts ORDER BY updated_at DESC',
      )
      .map((r) => ({ peerId: r.peer_id, text: r.text, updatedAt: r.updated_at }));
  }

  /** Keeps what is typed in a conversation's composer; an empty text removes the draft. */
  setDraft(peerId: string, text: string, at: number): void {
    if (text === '') {
      this.sql.run('DELETE FROM drafts WHERE peer_id = ?', peerId);
      return;
    }
    this.sql.run(
      `INSERT INTO drafts (peer_id, text, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
      peerId,
      text,
      at,
    );
  }

  markRead(peerId: string): void {
    this.sql.run(
      `INSERT INTO read_state (peer_id, last_read)
       VALUES (?, COALESCE((SELECT MAX(position) FROM messages WHERE peer_id = ?), 0))
       ON CONFLICT (peer_id) DO UPDATE SET last_read = MAX(last_read, excluded.last_read)`,
      peerId,
      peerId,
    );
  }
}

/** The `control` and `file_card` columns of a message (migration 7). */
function controlColumns(control: ControlTag | undefined): [string | null, string | null] {
  if (control === undefined) return [null, null];
  return [control.name, control.card === undefined ? null : JSON.stringify(control.card)];
}

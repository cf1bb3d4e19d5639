import type {
  DeliveryStatus,
  MemberDelivery,
  MessageState,
  MessageStateChange,
  Transport,
} from '../../shared/domain';
import { groupConversationId, type GroupDependency } from '../../shared/protocol/groups';
import {
  GROUP_EPOCH,
  type GroupArchive,
  type GroupRow,
  type IncomingRecord,
  type OutgoingRecord,
  type OwnDelivery,
  type StoredPost,
  type StoredState,
} from '../net/index';
import type { SqlDatabase } from './sql-database';

interface GroupDbRow {
  id: string;
  name: string;
  creator: string;
  version: number;
  state_hash: string;
  status: GroupRow['status'];
  leaving: number;
  next_seq: number;
  last_version: number;
  joined_version: number;
  created_at: number;
  updated_at: number;
}

interface PostDbRow {
  id: string;
  group_id: string;
  origin: string;
  seq: number;
  version: number;
  prev_version: number;
  deps: string;
  signature: string;
  sent_at: number;
  text: string;
  direction: 'in' | 'out';
  received_at: number;
  remote: string;
  transport: Transport;
}

interface DeliveryDbRow {
  id: string;
  group_id: string;
  kind: 'post' | 'state';
  item: string;
  relay: number;
  peer_id: string;
  epoch: string;
  seq: number;
  state: DeliveryStatus;
  transport: Transport;
  attempts: number;
  rtt_ms: number | null;
  sent_at: number;
  remote: string;
}

const POST_COLUMNS = `m.id, gp.group_id, gp.origin, gp.seq, gp.version, gp.prev_version, gp.deps,
  gp.signature, m.sent_at, m.text, m.direction, m.received_at, m.remote, m.transport`;
const POST_FROM = 'group_posts gp JOIN messages m ON m.id = gp.message_id';

function toPost(row: PostDbRow): StoredPost {
  return {
    mid: row.id,
    groupId: row.group_id,
    origin: row.origin,
    seq: row.seq,
    v: row.version,
    pv: row.prev_version,
    deps: parseDeps(row.deps),
    sig: row.signature,
    ts: row.sent_at,
    text: row.text,
    direction: row.direction,
    receivedAt: row.received_at,
    remote: row.remote,
    transport: row.transport,
  };
}

/** Our own JSON; a damaged value reads as no context rather than as a crash. */
function parseDeps(text: string): GroupDependency[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as GroupDependency[]) : [];
  } catch {
    return [];
  }
}

/**
 * Groups in SQLite (docs/STORAGE.md, "Groups"): the node's GroupArchive, plus the outbox of
 * group items to members and the stream placeholders, which the persistence adapter reaches.
 * A group message is a `messages` row of the conversation `group:ID` (so history, unread counts
 * and search work as for any conversation) with its signed fields in `group_posts`.
 */
export class GroupStore implements GroupArchive {
  constructor(
    private readonly sql: SqlDatabase,
    /** The next conversation position (the store's one counter). */
    private readonly takePosition: () => number,
  ) {}

  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  loadGroups(): readonly GroupRow[] {
    const members = new Map<string, [string, string][]>();
    const admins = new Map<string, string[]>();
    for (const m of this.sql.all<{
      group_id: string;
      node_id: string;
      signing_key: string;
      admin: number;
    }>('SELECT group_id, node_id, signing_key, admin FROM group_members ORDER BY node_id')) {
      const list = members.get(m.group_id) ?? [];
      list.push([m.node_id, m.signing_key]);
      members.set(m.group_id, list);
      if (m.admin === 1) admins.set(m.group_id, [...(admins.get(m.group_id) ?? []), m.node_id]);
    }
    return this.sql.all<GroupDbRow>('SELECT * FROM groups').map((r) => ({
      id: r.id,
      name: r.name,
      creator: r.creator,
      version: r.version,
      stateHash: r.state_hash,
      admins: admins.get(r.id) ?? [],
      members: members.get(r.id) ?? [],
      status: r.status,
      leaving: r.leaving === 1,
      nextSeq: r.next_seq,
      lastVersion: r.last_version,
      joinedVersion: r.joined_version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  saveGroup(g: GroupRow): void {
    this.sql.transaction(() => {
      this.sql.run(
        `INSERT INTO groups (id, name, creator, version, state_hash, status, leaving, next_seq,
           last_version, joined_version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version,
           state_hash = excluded.state_hash, status = excluded.status, leaving = excluded.leaving,
           next_seq = excluded.next_seq, last_version = excluded.last_version,
           joined_version = excluded.joined_version, updated_at = excluded.updated_at`,
        g.id,
        g.name,
        g.creator,
        g.version,
        g.stateHash,
        g.status,
        g.leaving ? 1 : 0,
        g.nextSeq,
        g.lastVersion,
        g.joinedVersion,
        g.createdAt,
        g.updatedAt,
      );
      this.sql.run('DELETE FROM group_members WHERE group_id = ?', g.id);
      for (const [id, key] of g.members)
        this.sql.run(
          'INSERT INTO group_members (group_id, node_id, signing_key, admin) VALUES (?, ?, ?, ?)',
          g.id,
          id,
          key,
          g.admins.includes(id) ? 1 : 0,
        );
    });
  }

  loadStates(): readonly StoredState[] {
    return this.sql
      .all<{
        group_id: string;
        hash: string;
        version: number;
        by: string;
        body: string;
        signature: string;
        received_at: number;
      }>('SELECT * FROM group_states ORDER BY group_id, version')
      .map((r) => ({
        groupId: r.group_id,
        hash: r.hash,
        version: r.version,
        by: r.by,
        text: r.body,
        sig: r.signature,
        receivedAt: r.received_at,
      }));
  }

  saveState(s: StoredState): void {
    this.sql.run(
      `INSERT INTO group_states (hash, group_id, version, by, body, signature, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
      s.hash,
      s.groupId,
      s.version,
      s.by,
      s.text,
      s.sig,
      s.receivedAt,
    );
  }

  insertPost(
    post: StoredPost,
    shown: { at: number; gap: boolean } | undefined,
    state: MessageState,
  ): 'inserted' | 'duplicate' {
    return this.sql.transaction(() => {
      const signed = this.sql.run(
        `INSERT INTO group_posts (message_id, group_id, origin, seq, version, prev_version, deps,
           signature, gap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        post.mid,
        post.groupId,
        post.origin,
        post.seq,
        post.v,
        post.pv,
        JSON.stringify(post.deps),
        post.sig,
        shown?.gap === true ? 1 : 0,
      );
      if (signed.changes === 0) return 'duplicate';
      const message = this.sql.run(
        `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
           received_at, remote, attempts, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`,
        post.mid,
        groupConversationId(post.groupId),
        post.direction,
        GROUP_EPOCH,
        post.seq,
        post.text,
        post.transport,
        state,
        post.ts,
        shown?.at ?? post.receivedAt,
        post.remote,
        shown === undefined ? null : this.takePosition(),
      );
      if (message.changes === 0) {
        // The id is taken by another conversation's message: this one is refused, not merged.
        this.sql.run('DELETE FROM group_posts WHERE message_id = ?', post.mid);
        return 'duplicate';
      }
      return 'inserted';
    });
  }

  hasPost(mid: string): boolean {
    return (
      this.sql.get('SELECT 1 AS found FROM group_posts WHERE message_id = ?', mid) !== undefined
    );
  }

  showPost(mid: string, at: number, gap: boolean): void {
    this.sql.transaction(() => {
      const shown = this.sql.run(
        'UPDATE messages SET position = ?, received_at = ? WHERE id = ? AND position IS NULL',
        this.takePosition(),
        at,
        mid,
      );
      if (shown.changes === 0) throw new Error(`group message ${mid} is not waiting`);
      this.sql.run('UPDATE group_posts SET gap = ? WHERE message_id = ?', gap ? 1 : 0, mid);
    });
  }

  loadWaiting(): readonly StoredPost[] {
    return this.sql
      .all<PostDbRow>(
        `SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE m.position IS NULL ORDER BY m.received_at`,
      )
      .map(toPost);
  }

  loadShownHeads(): readonly { groupId: string; origin: string; seq: number; v: number }[] {
    return this.sql
      .all<{ group_id: string; origin: string; seq: number; version: number }>(
        // SQLite takes the bare column `version` from the row with the MAX(seq).
        `SELECT gp.group_id, gp.origin, MAX(gp.seq) AS seq, gp.version FROM ${POST_FROM}
         WHERE m.position IS NOT NULL GROUP BY gp.group_id, gp.origin`,
      )
      .map((r) => ({ groupId: r.group_id, origin: r.origin, seq: r.seq, v: r.version }));
  }

  heads(groupId: string, minVersion: number): readonly [string, number][] {
    return this.sql
      .all<{ origin: string; seq: number }>(
        `SELECT origin, MAX(seq) AS seq FROM group_posts WHERE group_id = ? AND version >= ?
         GROUP BY origin`,
        groupId,
        minVersion,
      )
      .map((r) => [r.origin, r.seq]);
  }

  postsInRange(
    groupId: string,
    origin: string,
    from: number,
    to: number,
    minVersion: number,
    limit: number,
  ): readonly StoredPost[] {
    return this.sql
      .all<PostDbRow>(
        `SELECT ${POST_COLUMNS} FROM ${POST_FROM}
         WHERE gp.group_id = ? AND gp.origin = ? AND gp.seq BETWEEN ? AND ? AND gp.version >= ?
         ORDER BY gp.seq LIMIT ?`,
        groupId,
        origin,
        from,
        to,
        minVersion,
        limit,
      )
      .map(toPost);
  }

  setPostState(mid: string, state: DeliveryStatus): void {
    this.sql.run("UPDATE messages SET state = ? WHERE id = ? AND direction = 'out'", state, mid);
  }

  loadOpenDeliveries(): readonly OwnDelivery[] {
    return this.sql
      .all<DeliveryDbRow>(
        `SELECT d.* FROM group_deliveries d JOIN messages m ON m.id = d.item
         WHERE d.kind = 'post' AND d.relay = 0 AND m.direction = 'out'
           AND m.state NOT IN ('delivered', 'failed')`,
      )
      .map((d) => ({
        deliveryId: d.id,
        mid: d.item,
        groupId: d.group_id,
        peerId: d.peer_id,
        state: d.state,
        transport: d.transport,
        attempts: d.attempts,
      }));
  }

  deliveriesOf(mid: string): readonly MemberDelivery[] {
    return this.sql
      .all<DeliveryDbRow>(
        `SELECT * FROM group_deliveries WHERE item = ? AND kind = 'post' AND relay = 0
         ORDER BY peer_id`,
        mid,
      )
      .map((d) => ({
        peerId: d.peer_id,
        state: d.state,
        transport: d.transport,
        attempts: d.attempts,
      }));
  }

  // --- the outbox of group items, and stream placeholders (NodePersistence's part) --------------

  insertDelivery(record: OutgoingRecord): void {
    const carried = record.carried;
    if (carried === undefined) throw new Error('not a group delivery');
    this.sql.run(
      `INSERT INTO group_deliveries (id, group_id, kind, item, relay, peer_id, epoch, seq, state,
         transport, attempts, rtt_ms, sent_at, remote)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      record.id,
      carried.groupId,
      carried.kind,
      carried.item,
      carried.relay ? 1 : 0,
      record.peerId,
      record.epoch,
      record.seq,
      record.state,
      record.transport,
      record.attempts,
      record.rttMs ?? null,
      record.sentAt,
      record.remote,
    );
  }

  /** True when `change` was about a group delivery. */
  updateDelivery(change: MessageStateChange): boolean {
    return (
      this.sql.run(
        `UPDATE group_deliveries SET state = ?, transport = ?, attempts = ?,
           rtt_ms = COALESCE(?, rtt_ms) WHERE id = ?`,
        change.state,
        change.transport,
        change.attempts,
        change.rttMs ?? null,
        change.id,
      ).changes > 0
    );
  }

  /** Deliveries not yet acknowledged, with the item they carry (from the posts and snapshots). */
  listDeliveryOutbox(): OutgoingRecord[] {
    // Delivery columns keep their names; the message's come with a `p_` prefix.
    const posts = this.sql.all<
      DeliveryDbRow & { [K in keyof PostDbRow as `p_${K}`]: PostDbRow[K] }
    >(
      `SELECT d.*, m.id AS p_id, gp.group_id AS p_group_id, gp.origin AS p_origin,
         gp.seq AS p_seq, gp.version AS p_version, gp.prev_version AS p_prev_version,
         gp.deps AS p_deps, gp.signature AS p_signature, m.sent_at AS p_sent_at, m.text AS p_text,
         m.direction AS p_direction, m.received_at AS p_received_at, m.remote AS p_remote,
         m.transport AS p_transport
       FROM group_deliveries d JOIN group_posts gp ON gp.message_id = d.item
         JOIN messages m ON m.id = d.item
       WHERE d.kind = 'post' AND d.state <> 'delivered'`,
    );
    const states = this.sql.all<DeliveryDbRow & { body: string; signature: string }>(
      `SELECT d.*, s.body, s.signature FROM group_deliveries d JOIN group_states s ON s.hash = d.item
       WHERE d.kind = 'state' AND d.state <> 'delivered'`,
    );
    const record = (d: DeliveryDbRow, text: string): Omit<OutgoingRecord, 'carried'> => ({
      id: d.id,
      peerId: d.peer_id,
      epoch: d.epoch,
      seq: d.seq,
      text,
      sentAt: d.sent_at,
      remote: d.remote,
      state: d.state,
      transport: d.transport,
      attempts: d.attempts,
    });
    const out: OutgoingRecord[] = [
      ...posts.map((row) => {
        const post = toPost({
          id: row.p_id,
          group_id: row.p_group_id,
          origin: row.p_origin,
          seq: row.p_seq,
          version: row.p_version,
          prev_version: row.p_prev_version,
          deps: row.p_deps,
          signature: row.p_signature,
          sent_at: row.p_sent_at,
          text: row.p_text,
          direction: row.p_direction,
          received_at: row.p_received_at,
          remote: row.p_remote,
          transport: row.p_transport,
        });
        return {
          ...record(row, post.text),
          carried: {
            groupId: post.groupId,
            kind: 'post' as const,
            item: post.mid,
            relay: row.relay === 1,
            ref: {
              type: 'post' as const,
              id: post.groupId,
              mid: post.mid,
              by: post.origin,
              seq: post.seq,
              v: post.v,
              pv: post.pv,
              deps: [...post.deps],
              sig: post.sig,
            },
          },
        };
      }),
      ...states.map((row) => ({
        ...record(row, row.body),
        carried: {
          groupId: row.group_id,
          kind: 'state' as const,
          item: row.item,
          relay: row.relay === 1,
          ref: { type: 'state' as const, id: row.group_id, sig: row.signature },
        },
      })),
    ];
    return out;
  }

  insertHeld(record: IncomingRecord): void {
    this.sql.run(
      'INSERT INTO group_held (id, peer_id, epoch, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      record.id,
      record.peerId,
      record.epoch,
      record.seq,
    );
  }

  releaseHeld(ids: readonly string[]): void {
    for (const id of ids) this.sql.run('DELETE FROM group_held WHERE id = ?', id);
  }

  listHeld(): IncomingRecord[] {
    return this.sql
      .all<{ id: string; peer_id: string; epoch: string; seq: number }>(
        'SELECT * FROM group_held ORDER BY peer_id, epoch, seq',
      )
      .map((r) => ({
        id: r.id,
        peerId: r.peer_id,
        epoch: r.epoch,
        seq: r.seq,
        text: '',
        transport: 'udp',
        sentAt: 0,
        receivedAt: 0,
        remote: '',
        held: true,
        carried: true,
      }));
  }
}

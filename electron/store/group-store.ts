import type { DeliveryStatus, MemberDelivery, MessageState, Transport } from '../../shared/domain';
import { groupConversationId, type GroupDependency } from '../../shared/protocol/groups';
import {
  GROUP_EPOCH,
  type GroupArchive,
  type GroupRow,
  type OwnDelivery,
  type StoredPost,
  type StoredState,
} from '../net/index';
import { parseMentions } from './rows';
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

export interface PostDbRow {
  id: string;
  group_id: string;
  origin: string;
  seq: number;
  version: number;
  prev_version: number;
  deps: string;
  /** Migration 8: the signed mentions (JSON), NULL when none. */
  mentions: string | null;
  signature: string;
  sent_at: number;
  text: string;
  direction: 'in' | 'out';
  received_at: number;
  remote: string;
  transport: Transport;
}

export interface DeliveryDbRow {
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
  gp.mentions, gp.signature, m.sent_at, m.text, m.direction, m.received_at, m.remote, m.transport`;
const POST_FROM = 'group_posts gp JOIN messages m ON m.id = gp.message_id';

export function toPost(row: PostDbRow): StoredPost {
  const mentions = parseMentions(row.mentions);
  return {
    mid: row.id,
    groupId: row.group_id,
    origin: row.origin,
    seq: row.seq,
    v: row.version,
    pv: row.prev_version,
    deps: parseDeps(row.deps),
    ...(mentions === undefined ? {} : { mentions }),
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
 * Groups in SQLite (docs/STORAGE.md, "Groups"): the node's GroupArchive. The outbox of group
 * items and the stream placeholders are in group-outbox-store.ts.
 * A group message is a `messages` row of the conversation `group:ID` (so history, unread counts
 * and search work as for any conversation) with its signed fields in `group_posts`.
 */
export class GroupStore implements GroupArchive {
  constructor(
    private readonly sql: SqlDatabase,
    /** The next conversation position (the store's one counter). */
    private readonly takePosition: () => number,
    /** A message row was inserted (its search indexing is scheduled). */
    private readonly onMessageStored: () => void = () => undefined,
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
           mentions, signature, gap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        post.mid,
        post.groupId,
        post.origin,
        post.seq,
        post.v,
        post.pv,
        JSON.stringify(post.deps),
        post.mentions === undefined || post.mentions.length === 0
          ? null
          : JSON.stringify(post.mentions),
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
      if (message.changes > 0) this.onMessageStored();
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
}

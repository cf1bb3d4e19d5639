import type { MessageStateChange } from '../../shared/domain';
import { postRef, type IncomingRecord, type OutgoingRecord } from '../net/index';
import { toPost, type DeliveryDbRow, type PostDbRow } from './group-store';
import type { SqlDatabase } from './sql-database';

/**
 * The outbox of group items (one row per item and member, in that member's one-to-one stream)
 * and the placeholders of received group items in their carriers' streams (docs/STORAGE.md,
 * "Groups"): what the node's persistence seam stores for the reliable streams that carry groups.
 */
export class GroupOutboxStore {
  constructor(private readonly sql: SqlDatabase) {}

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
         gp.deps AS p_deps, gp.mentions AS p_mentions, gp.signature AS p_signature, m.sent_at AS p_sent_at, m.text AS p_text,
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
          mentions: row.p_mentions,
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
            ref: postRef(post),
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

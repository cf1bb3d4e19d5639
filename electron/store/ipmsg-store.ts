import type { ChatMessage, FileCard, PeerInfo } from '../../shared/domain';
import { IPMSG_EPOCH } from '../net/index';
import { toChatMessage, toPeer, type MessageRow, type PeerRow } from './rows';
import type { SqlDatabase } from './sql-database';

/** The `control` of a message that is an IPMsg offer's card (migration 7's columns). */
export const IPMSG_CARD_CONTROL = 'ipmsg-file';

/** A stored IPMsg transfer: its id and the JSON the bridge's route keeps (validated by it). */
export interface StoredIpmsgTransfer {
  readonly id: string;
  readonly data: string;
}

/** A stored IPMsg peer: its PeerInfo columns and the JSON of the rest (validated by the caller). */
export interface StoredIpmsgPeer {
  readonly peer: PeerInfo;
  readonly details: string | null;
}

/**
 * What the IPMsg bridge keeps (docs/IPMSG.md, "Wiring"): its peers (`protocol = 'ipmsg'` rows of
 * `peers`), the outbox of its messages (epoch `ipmsg` in `messages`) and read notices. Messages
 * themselves are written through the Store like every other message.
 */
export class IpmsgStore {
  constructor(private readonly sql: SqlDatabase) {}

  savePeer(peer: PeerInfo, details: string): void {
    this.sql.run(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen,
         protocol, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ipmsg', ?)
       ON CONFLICT (id) DO UPDATE SET nick = excluded.nick, host = excluded.host,
         address = excluded.address, port = excluded.port, tcp_port = excluded.tcp_port,
         status = excluded.status, last_seen = MAX(last_seen, excluded.last_seen),
         protocol = 'ipmsg', details = excluded.details`,
      peer.id,
      peer.nick,
      peer.host,
      peer.address,
      peer.port,
      peer.tcpPort,
      peer.status,
      peer.firstSeen,
      peer.lastSeen,
      details,
    );
  }

  /** Every stored IPMsg peer, offline (presence is learned again), most recently seen first. */
  listPeers(): StoredIpmsgPeer[] {
    return this.sql
      .all<PeerRow & { details: string | null }>(
        `SELECT * FROM peers WHERE protocol = 'ipmsg' ORDER BY last_seen DESC`,
      )
      .map((row) => ({ peer: toPeer(row), details: row.details }));
  }

  /** Sent IPMsg messages still to deliver (`sending` or `pending`), in the order they were sent. */
  listOutbox(): ChatMessage[] {
    return this.sql
      .all<MessageRow>(
        `SELECT * FROM messages WHERE direction = 'out' AND epoch = ?
           AND state IN ('sending', 'pending')
         ORDER BY position`,
        IPMSG_EPOCH,
      )
      .map(toChatMessage);
  }

  /** The peer opened a sealed message we sent (READMSG). The first notice counts. */
  recordRead(messageId: string, peerId: string, at: number): void {
    this.sql.run(
      `INSERT INTO read_receipts (message_id, peer_id, at) VALUES (?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
      messageId,
      peerId,
      at,
    );
  }

  /**
   * An IPMsg transfer in `transfers` (migration 7), beside the file engine's rows: its id and
   * peer start with `ipmsg:`, which the engine's store leaves out (transfer-store.ts).
   */
  saveTransfer(id: string, peerId: string, state: string, updatedAt: number, data: string): void {
    this.sql.run(
      `INSERT INTO transfers (id, peer_id, state, updated_at, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET peer_id = excluded.peer_id, state = excluded.state,
         updated_at = excluded.updated_at, data = excluded.data`,
      id,
      peerId,
      state,
      updatedAt,
      data,
    );
  }

  /** IPMsg transfers, oldest first. */
  listTransfers(): StoredIpmsgTransfer[] {
    return this.sql.all<StoredIpmsgTransfer>(
      `SELECT id, data FROM transfers WHERE peer_id LIKE 'ipmsg:%' ORDER BY rowid`,
    );
  }

  /** One of our messages carried a file offer: it shows as the offer's card from now on. */
  setCard(messageId: string, card: FileCard): void {
    this.sql.run(
      `UPDATE messages SET control = ?, file_card = ? WHERE id = ? AND direction = 'out'`,
      IPMSG_CARD_CONTROL,
      JSON.stringify(card),
      messageId,
    );
  }

  /** When the peer read this message, if it said so. */
  readAt(messageId: string): number | undefined {
    return this.sql.get<{ at: number }>(
      'SELECT at FROM read_receipts WHERE message_id = ?',
      messageId,
    )?.at;
  }

  /** When the peer read each of these messages, for those it said so of. */
  readTimes(messageIds: readonly string[]): Map<string, number> {
    const times = new Map<string, number>();
    if (messageIds.length === 0) return times;
    const rows = this.sql.all<{ message_id: string; at: number }>(
      `SELECT message_id, at FROM read_receipts
       WHERE message_id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(messageIds),
    );
    for (const row of rows) times.set(row.message_id, row.at);
    return times;
  }
}

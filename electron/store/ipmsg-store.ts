import type { ChatMessage, PeerInfo } from '../../shared/domain';
import { IPMSG_EPOCH } from '../net/index';
import { toChatMessage, toPeer, type MessageRow, type PeerRow } from './rows';
import type { SqlDatabase } from './sql-database';

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

  /** When the peer read this message, if it said so. */
  readAt(messageId: string): number | undefined {
    return this.sql.get<{ at: number }>(
      'SELECT at FROM read_receipts WHERE message_id = ?',
      messageId,
    )?.at;
  }
}

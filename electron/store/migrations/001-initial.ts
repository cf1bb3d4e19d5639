import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 1: identity, settings, peers, messages (with their delivery order and the outbox),
 * the per-peer sequence streams, and read state.
 *
 * `position` is the order a conversation shows: assigned when a message is sent or delivered,
 * NULL while a received message is held for an earlier one of its sender.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE identity (
      key INTEGER PRIMARY KEY CHECK (key = 1),
      node_id TEXT NOT NULL,
      nick TEXT NOT NULL,
      status TEXT NOT NULL
    ) STRICT;

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE peers (
      id TEXT PRIMARY KEY,
      nick TEXT NOT NULL,
      host TEXT NOT NULL,
      address TEXT NOT NULL,
      port INTEGER NOT NULL,
      tcp_port INTEGER,
      status TEXT NOT NULL,
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE messages (
      rowid INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      peer_id TEXT NOT NULL,
      direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      epoch TEXT NOT NULL,
      seq INTEGER NOT NULL,
      text TEXT NOT NULL,
      transport TEXT NOT NULL,
      state TEXT NOT NULL,
      sent_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      remote TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      rtt_ms INTEGER,
      position INTEGER UNIQUE
    ) STRICT;
    CREATE INDEX messages_conversation ON messages (peer_id, position);
    CREATE INDEX messages_held ON messages (peer_id, epoch, seq) WHERE position IS NULL;
    CREATE INDEX messages_outbox ON messages (peer_id, epoch, seq)
      WHERE direction = 'out' AND state <> 'delivered';

    CREATE TABLE inbound_streams (
      peer_id TEXT PRIMARY KEY,
      epoch TEXT NOT NULL,
      expected INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE outbound_streams (
      peer_id TEXT PRIMARY KEY,
      epoch TEXT NOT NULL,
      next_seq INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE read_state (
      peer_id TEXT PRIMARY KEY,
      last_read INTEGER NOT NULL
    ) STRICT;
  `);
}

import type { DatabaseSync } from 'node:sqlite';

/**
 * Version 5: groups (docs/STORAGE.md, "Groups"). Each peer's pinned Ed25519 signing key; the
 * groups this profile is in, with their members and every membership snapshot received (the
 * winner is the group's current state); the signed fields of each group message (its text and
 * place in the conversation `group:ID` are a `messages` row like any other); the outbox of group
 * items to each member (deliveries ride the one-to-one streams); received group items that wait
 * for an earlier packet of the stream that brought them; and the batch of a multi-send message.
 */
export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE peers ADD COLUMN signing_key TEXT;

    CREATE TABLE groups (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      creator TEXT NOT NULL,
      version INTEGER NOT NULL,
      state_hash TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('member', 'removed', 'left')),
      leaving INTEGER NOT NULL DEFAULT 0,
      next_seq INTEGER NOT NULL DEFAULT 1,
      last_version INTEGER NOT NULL DEFAULT 0,
      joined_version INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE group_members (
      group_id TEXT NOT NULL,
      node_id TEXT NOT NULL,
      signing_key TEXT NOT NULL,
      admin INTEGER NOT NULL,
      PRIMARY KEY (group_id, node_id)
    ) STRICT;

    CREATE TABLE group_states (
      hash TEXT PRIMARY KEY,
      group_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      by TEXT NOT NULL,
      body TEXT NOT NULL,
      signature TEXT NOT NULL,
      received_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX group_states_group ON group_states (group_id, version);

    CREATE TABLE group_posts (
      message_id TEXT PRIMARY KEY,
      group_id TEXT NOT NULL,
      origin TEXT NOT NULL,
      seq INTEGER NOT NULL,
      version INTEGER NOT NULL,
      prev_version INTEGER NOT NULL,
      deps TEXT NOT NULL,
      signature TEXT NOT NULL,
      gap INTEGER NOT NULL DEFAULT 0,
      UNIQUE (group_id, origin, seq)
    ) STRICT;

    CREATE TABLE group_deliveries (
      id TEXT PRIMARY KEY,
      group_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('post', 'state')),
      item TEXT NOT NULL,
      relay INTEGER NOT NULL,
      peer_id TEXT NOT NULL,
      epoch TEXT NOT NULL,
      seq INTEGER NOT NULL,
      state TEXT NOT NULL,
      transport TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      rtt_ms INTEGER,
      sent_at INTEGER NOT NULL,
      remote TEXT NOT NULL
    ) STRICT;
    CREATE INDEX group_deliveries_item ON group_deliveries (item);
    CREATE INDEX group_deliveries_outbox ON group_deliveries (peer_id, epoch, seq)
      WHERE state <> 'delivered';

    CREATE TABLE group_held (
      id TEXT PRIMARY KEY,
      peer_id TEXT NOT NULL,
      epoch TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT;

    ALTER TABLE messages ADD COLUMN batch_id TEXT;
    CREATE INDEX messages_batch ON messages (batch_id) WHERE batch_id IS NOT NULL;
  `);
}

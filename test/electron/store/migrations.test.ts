import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  appliedVersions,
  migrate,
  MIGRATIONS,
  SCHEMA_VERSION,
  schemaVersion,
} from '../../../electron/store/migrations';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

function tables(db: DatabaseSync): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

/** A database as the runner left it before it recorded applied versions: only user_version. */
function legacy(db: DatabaseSync, versions: readonly number[]): void {
  for (const version of versions) MIGRATIONS.find((m) => m.version === version)?.up(db);
  db.exec(`PRAGMA user_version = ${String(Math.max(...versions))}`);
}

describe('migrations', () => {
  it('are numbered upward from 1, and the schema version is the last one', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions[0]).toBe(1);
    for (const [i, version] of versions.entries())
      if (i > 0) expect(version).toBeGreaterThan(versions[i - 1] ?? Infinity);
    expect(SCHEMA_VERSION).toBe(versions.at(-1));
  });

  it('1 creates identity, settings, peers, messages, streams and read state', () => {
    const db = new DatabaseSync(join(tempDir(), 'v1.db'));
    expect(migrate(db, 1)).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'identity',
        'inbound_streams',
        'messages',
        'outbound_streams',
        'peers',
        'read_state',
        'settings',
      ]),
    );
    // A message id is stored once; a second row with the same id is refused.
    const insert = db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position) VALUES (?, 'p', 'in', 'e', 1, 't', 'udp', 'received', 1, 1, 'x', ?)`,
    );
    insert.run('a', 1);
    expect(() => insert.run('a', 2)).toThrow(/UNIQUE/);
    db.close();
  });

  it('2 adds full-text search and indexes the messages a version-1 database already has', () => {
    const db = new DatabaseSync(join(tempDir(), 'v2.db'));
    migrate(db, 1);
    db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position)
       VALUES ('old', 'p', 'in', 'e', 1, 'written before search existed', 'udp', 'received', 1, 1, 'x', 1)`,
    ).run();
    expect(migrate(db, 2)).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    const hits = db
      .prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH \'"before search"\'')
      .all();
    expect(hits).toHaveLength(1);
    db.close();
  });

  it('3 adds trust to peers (pinned key, verified, key change, alias), keeping the peers it had', () => {
    const db = new DatabaseSync(join(tempDir(), 'v3.db'));
    migrate(db, 2);
    db.prepare(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES ('p', 'alice', 'h', '10.0.0.2', 4000, NULL, 'online', 1, 2)`,
    ).run();
    expect(migrate(db, 3)).toEqual([3]);
    expect(
      db.prepare('SELECT id, public_key, verified, key_changed_to, alias_of FROM peers').all(),
    ).toEqual([{ id: 'p', public_key: null, verified: 0, key_changed_to: null, alias_of: null }]);
    db.close();
  });

  it('4 adds replies, drafts, peers’ status text and colour, and keeps cancelled messages out of the outbox', () => {
    const db = new DatabaseSync(join(tempDir(), 'v4.db'));
    migrate(db, 3);
    db.exec(`INSERT INTO identity (key, node_id, nick, status) VALUES (1, 'n', 'lin', 'online')`);
    expect(migrate(db, 4)).toEqual([4]);
    expect(tables(db)).toContain('drafts');
    // A profile from before the first-run dialog is not asked again.
    expect(db.prepare("SELECT value FROM settings WHERE key = 'onboarded'").get()).toEqual({
      value: 'true',
    });
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('messages')).toEqual(expect.arrayContaining(['reply_id', 'reply_excerpt']));
    expect(columns('peers')).toEqual(expect.arrayContaining(['status_text', 'avatar_hue']));
    const index = db
      .prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_outbox'")
      .get() as { sql: string };
    expect(index.sql).toContain("NOT IN ('delivered', 'cancelled')");
    db.close();
  });

  it('7 adds control messages, file cards and the file engine’s transfers, keeping messages', () => {
    const db = new DatabaseSync(join(tempDir(), 'v7.db'));
    migrate(db, 6);
    db.exec(`INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state,
      sent_at, received_at, remote, position) VALUES ('m1', 'p', 'in', 'e', 0, 'hi', 'udp',
      'received', 1, 1, '127.0.0.1:1', 1)`);
    expect(migrate(db, 7)).toEqual([7]);
    expect(tables(db)).toEqual(expect.arrayContaining(['transfers', 'transfer_files']));
    expect(
      db.prepare("SELECT text, control, file_card FROM messages WHERE id = 'm1'").get(),
    ).toEqual({ text: 'hi', control: null, file_card: null });
    db.close();
  });

  it('4 on a new database leaves the first-run questions to be asked', () => {
    const db = new DatabaseSync(join(tempDir(), 'fresh.db'));
    migrate(db);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'onboarded'").get()).toBeUndefined();
    db.close();
  });

  it('5 adds groups, signing keys and batches, keeping peers and messages', () => {
    const db = new DatabaseSync(join(tempDir(), 'v5.db'));
    migrate(db, 4);
    db.prepare(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES ('p', 'alice', 'h', '10.0.0.2', 4000, NULL, 'online', 1, 2)`,
    ).run();
    db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position) VALUES ('m', 'p', 'in', 'e', 1, 't', 'udp', 'received', 1, 1, 'x', 1)`,
    ).run();
    expect(migrate(db, 5)).toEqual([5]);
    expect(schemaVersion(db)).toBe(5);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'group_deliveries',
        'group_held',
        'group_members',
        'group_posts',
        'group_states',
        'groups',
      ]),
    );
    expect(db.prepare('SELECT id, signing_key FROM peers').all()).toEqual([
      { id: 'p', signing_key: null },
    ]);
    expect(db.prepare('SELECT id, batch_id FROM messages').all()).toEqual([
      { id: 'm', batch_id: null },
    ]);
    // One message per writer and sequence number in a group: a second one is refused.
    const post = db.prepare(
      `INSERT INTO group_posts (message_id, group_id, origin, seq, version, prev_version, deps,
         signature) VALUES (?, 'g', 'o', 1, 1, 0, '[]', 's')`,
    );
    post.run('a');
    expect(() => post.run('b')).toThrow(/UNIQUE/);
    db.close();
  });

  it('6 adds IPMsg peers (protocol, details) and read receipts; earlier peers are PacketChat ones', () => {
    const db = new DatabaseSync(join(tempDir(), 'v6.db'));
    migrate(db, 4);
    db.prepare(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES ('p', 'alice', 'h', '10.0.0.2', 4000, NULL, 'online', 1, 2)`,
    ).run();
    migrate(db, 5);
    expect(migrate(db, 6)).toEqual([6]);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT id, protocol, details FROM peers').all()).toEqual([
      { id: 'p', protocol: 'pchat', details: null },
    ]);
    expect(tables(db)).toContain('read_receipts');
    db.close();
  });

  it('a database migrated before applied versions were recorded, at 5 with 5 applied, gets only the later ones', () => {
    const db = new DatabaseSync(join(tempDir(), 'gap5.db'));
    legacy(db, [1, 2, 3, 4, 5]);
    expect(migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 5).map((m) => m.version));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect([...appliedVersions(db)].sort((a, b) => a - b)).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  it('a database at {1..4, 6, 7} (5 merged into the gap later) gets 5, and keeps its version', () => {
    const db = new DatabaseSync(join(tempDir(), 'gap-main.db'));
    legacy(db, [1, 2, 3, 4, 6, 7]);
    db.prepare(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES ('p', 'alice', 'h', '10.0.0.2', 4000, NULL, 'online', 1, 2)`,
    ).run();
    expect(migrate(db, 7)).toEqual([5]);
    expect(schemaVersion(db)).toBe(7);
    expect(tables(db)).toEqual(expect.arrayContaining(['groups', 'group_posts', 'transfers']));
    expect(db.prepare('SELECT id, protocol, signing_key FROM peers').all()).toEqual([
      { id: 'p', protocol: 'pchat', signing_key: null },
    ]);
    expect([...appliedVersions(db)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(migrate(db, 7)).toEqual([]);
    db.close();
  });

  it('a recorded database missing a version below its highest gets that one', () => {
    const db = new DatabaseSync(join(tempDir(), 'gap-recorded.db'));
    migrate(db, 4);
    // As a build without 5 would leave it: 6 and 7 recorded, 5 never run.
    for (const version of [6, 7]) {
      const migration = MIGRATIONS.find((m) => m.version === version);
      migration?.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 1)').run(
        version,
        migration?.name ?? '',
      );
    }
    db.exec('PRAGMA user_version = 7');
    expect(migrate(db, 7)).toEqual([5]);
    expect(schemaVersion(db)).toBe(7);
    db.close();
  });

  it('8 adds the signed mentions of group messages and muted conversations', () => {
    const db = new DatabaseSync(join(tempDir(), 'v8.db'));
    migrate(db, 7);
    db.prepare(
      `INSERT INTO group_posts (message_id, group_id, origin, seq, version, prev_version, deps,
         signature) VALUES ('a', 'g', 'o', 1, 1, 0, '[]', 's')`,
    ).run();
    expect(migrate(db, 8)).toEqual([8]);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT message_id, mentions FROM group_posts').all()).toEqual([
      { message_id: 'a', mentions: null },
    ]);
    expect(tables(db)).toContain('conversation_mutes');
    const mute = db.prepare(
      'INSERT INTO conversation_mutes (conversation_id, muted_at) VALUES (?, 1)',
    );
    mute.run('group:g');
    expect(() => mute.run('group:g')).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('9 moves search indexing after the commit: new messages wait in messages_fts_pending', () => {
    const db = new DatabaseSync(join(tempDir(), 'v9.db'));
    migrate(db, 8);
    const insert = db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position) VALUES (?, 'p', 'in', 'e', ?, ?, 'udp', 'received', 1, 1, 'x', ?)`,
    );
    insert.run('old', 1, 'indexed by version two', 1);
    expect(migrate(db, 9)).toEqual([9]);
    expect(schemaVersion(db)).toBe(9);
    const pendingRows = db.prepare('SELECT message_rowid FROM messages_fts_pending');
    expect(pendingRows.all()).toEqual([]);
    insert.run('new', 2, 'stored after version nine', 2);
    expect(pendingRows.all()).toHaveLength(1);
    const match = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?');
    expect(match.all('"version"')).toHaveLength(1);
    db.close();
  });

  it('a failing migration leaves the database at its previous version', () => {
    const db = new DatabaseSync(join(tempDir(), 'fail.db'));
    migrate(db, 1);
    db.exec('CREATE TABLE messages_fts (x)'); // makes migration 2 fail
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.isTransaction).toBe(false);
    db.close();
  });

  it('running them again does nothing', () => {
    const db = new DatabaseSync(join(tempDir(), 'again.db'));
    migrate(db);
    expect(migrate(db)).toEqual([]);
    db.close();
  });
});

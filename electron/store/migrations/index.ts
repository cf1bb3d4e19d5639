import type { DatabaseSync } from 'node:sqlite';
import { up as initial } from './001-initial';
import { up as search } from './002-search';
import { up as trust } from './003-trust';
import { up as chatWindow } from './004-chat-window';
import { up as groups } from './005-groups';
import { up as ipmsg } from './006-ipmsg';
import { up as files } from './007-files';
import { up as mentionsMutes } from './008-mentions-mutes';
import { up as searchAfterCommit } from './009-search-after-commit';

export interface Migration {
  /** The schema version this migration produces (PRAGMA user_version). */
  readonly version: number;
  readonly name: string;
  readonly up: (db: DatabaseSync) => void;
  /**
   * Whether the migration's schema is already there. Asked once, for a database migrated before
   * applied versions were recorded (`schema_migrations`), where PRAGMA user_version cannot tell
   * whether a version below it that came from another branch ran. Without it: applied when the
   * database's version is at least this one.
   */
  readonly present?: (db: DatabaseSync) => boolean;
}

function hasTable(db: DatabaseSync, name: string): boolean {
  return (
    db.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}

function hasColumn(db: DatabaseSync, table: string, column: string): boolean {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return columns.some((c) => c.name === column);
}

/**
 * One migration per schema version, in increasing order. Never edit a released one: add the next.
 * Versions may have gaps while branches that each add one are merged (5 groups, 6 IPMsg and
 * 7 file transfers came from three branches); before a release they are numbered without gaps
 * again. The runner applies every migration whose version is not recorded as applied, so one
 * merged into a gap still runs on a database that is already past it.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'search', up: search },
  { version: 3, name: 'trust', up: trust },
  { version: 4, name: 'chat-window', up: chatWindow },
  { version: 5, name: 'groups', up: groups, present: (db) => hasTable(db, 'groups') },
  { version: 6, name: 'ipmsg', up: ipmsg, present: (db) => hasColumn(db, 'peers', 'protocol') },
  { version: 7, name: 'files', up: files, present: (db) => hasTable(db, 'transfers') },
  {
    version: 8,
    name: 'mentions-mutes',
    up: mentionsMutes,
    present: (db) => hasTable(db, 'conversation_mutes'),
  },
  {
    version: 9,
    name: 'search-after-commit',
    up: searchAfterCommit,
    present: (db) => hasTable(db, 'messages_fts_pending'),
  },
];

/** The newest schema this build reads and writes: the last migration's version. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** The versions recorded as applied (`schema_migrations`). */
export function appliedVersions(db: DatabaseSync): Set<number> {
  if (!hasTable(db, 'schema_migrations')) return new Set();
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  return new Set(rows.map((r) => r.version));
}

/**
 * Creates `schema_migrations` when the database has none. A database migrated before it existed
 * is recorded as having every migration up to its version whose schema is there (`present`).
 */
function recordApplied(db: DatabaseSync): void {
  if (hasTable(db, 'schema_migrations')) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const version = schemaVersion(db);
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)',
    );
    for (const migration of MIGRATIONS)
      if (migration.version <= version && (migration.present?.(db) ?? true))
        insert.run(migration.version, migration.name);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Runs every migration up to `target` that is not recorded as applied, in version order, each in
 * its own transaction with its record. PRAGMA user_version is the highest version applied, so a
 * migration run into a gap leaves it where it was.
 */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): number[] {
  recordApplied(db);
  const done = appliedVersions(db);
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version) || migration.version > target) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
      const version = Math.max(schemaVersion(db), migration.version);
      db.exec(`PRAGMA user_version = ${String(version)}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    applied.push(migration.version);
  }
  return applied;
}

import type { DatabaseSync } from 'node:sqlite';
import { up as initial } from './001-initial';
import { up as search } from './002-search';
import { up as trust } from './003-trust';
import { up as chatWindow } from './004-chat-window';
import { up as ipmsg } from './006-ipmsg';
import { up as files } from './007-files';

export interface Migration {
  /** The schema version this migration produces (PRAGMA user_version). */
  readonly version: number;
  readonly name: string;
  readonly up: (db: DatabaseSync) => void;
}

/**
 * One migration per schema version, in increasing order. Never edit a released one: add the next.
 * Versions may have gaps while branches that each add one are merged (5 is taken by another
 * branch; 7 is the file transfers'); before a release they are numbered without gaps again, because a database migrated
 * past a gap never runs a migration added into that gap later.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'search', up: search },
  { version: 3, name: 'trust', up: trust },
  { version: 4, name: 'chat-window', up: chatWindow },
  { version: 6, name: 'ipmsg', up: ipmsg },
  { version: 7, name: 'files', up: files },
];

/** The newest schema this build reads and writes: the last migration's version. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** Runs every migration after the database's version, each in its own transaction. */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): number[] {
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= schemaVersion(db) || migration.version > target) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      migration.up(db);
      db.exec(`PRAGMA user_version = ${String(migration.version)}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    applied.push(migration.version);
  }
  return applied;
}

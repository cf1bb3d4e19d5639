import { chmodSync, closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensureProfileDir, StoreError } from './errors';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations';
import { SqlDatabase } from './sql-database';
import { Store } from './store';

export const DATABASE_FILE = 'packetchat.db';

export interface StoreNotice {
  readonly code: 'database-moved-aside';
  readonly message: string;
  /** Where the unreadable file now is. */
  readonly movedTo: string;
}

/**
 * Opens the profile's database, creating or migrating it. A file SQLite cannot read, or one that
 * is unexpectedly empty (0 bytes, or no schema: its WAL was lost), is moved aside (with its -wal
 * and -shm), never deleted, and a fresh database is started; the notice says where it went. A
 * database written by a newer PacketChat is refused and left as it is. The database is readable
 * by its owner only.
 */
export function openStore(dir: string): { store: Store; notices: StoreNotice[] } {
  ensureProfileDir(dir);
  const file = join(dir, DATABASE_FILE);
  const notices: StoreNotice[] = [];
  if (existsSync(file)) {
    const problem = inspect(file);
    if (problem !== undefined) {
      const movedTo = moveAside(file);
      notices.push({
        code: 'database-moved-aside',
        movedTo,
        message: `The message database could not be read (${problem}). It was moved to ${movedTo} and a new, empty one was started.`,
      });
    }
  }
  const db = new DatabaseSync(file);
  try {
    chmodSync(file, 0o600);
    db.exec('PRAGMA journal_mode = WAL');
    // FULL: a message is on disk when its transaction commits, before the ack goes out.
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw new StoreError('unwritable', `Cannot prepare the database ${file}: ${describe(error)}`, {
      cause: error,
    });
  }
  return { store: new Store(new SqlDatabase(db)), notices };
}

/** Why the file cannot be used, or undefined when it can. Throws for a newer schema. */
function inspect(file: string): string | undefined {
  // Checked before SQLite opens it, which could discard a -wal that belongs to a damaged file.
  let header: Buffer;
  try {
    header = readHeader(file);
  } catch (error) {
    return `cannot read it: ${describe(error)}`;
  }
  // The database is created at first start and migrated at once, so an existing file is never
  // legitimately empty: a 0-byte file or a schema of version 0 means its content was lost.
  if (header.length === 0) return 'the file is empty';
  if (!header.equals(SQLITE_HEADER)) return 'not an SQLite database';
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        'newer-schema',
        `The database ${file} was written by a newer PacketChat (schema ${String(version)}; this version reads up to ${String(SCHEMA_VERSION)}). It was left untouched: update PacketChat, or start with another profile.`,
      );
    if (version === 0) return 'it has no tables (its write-ahead log may have been lost)';
    const check = db.prepare('PRAGMA quick_check(1)').get() as { quick_check?: string } | undefined;
    if (check?.quick_check !== 'ok') return `integrity check: ${check?.quick_check ?? 'no answer'}`;
    return undefined;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    return describe(error);
  } finally {
    db?.close();
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  try {
    renameSync(file, target);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  } catch (error) {
    throw new StoreError(
      'corrupt',
      `The database ${file} cannot be read and could not be moved aside: ${describe(error)}`,
      { cause: error },
    );
  }
  return target;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

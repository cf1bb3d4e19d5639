import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../electron/store/errors';
import { DATABASE_FILE, openStore } from '../../../electron/store/open-store';
import { SCHEMA_VERSION } from '../../../electron/store/migrations';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

describe('openStore', () => {
  it('creates a WAL database with synchronous=FULL at the current schema', () => {
    const dir = tempDir();
    const { store, notices } = openStore(dir);
    store.saveIdentity({ nodeId: 'a'.repeat(32), nick: 'ann', status: 'online' });
    store.close();
    expect(notices).toEqual([]);
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    db.close();
    const again = openStore(dir).store;
    expect(again.getIdentity()?.nick).toBe('ann');
    again.close();
  });

  it('moves a file that is not a database aside with its -wal and -shm, and starts fresh', () => {
    const dir = tempDir();
    const junk = Buffer.from('garbage '.repeat(1000));
    writeFileSync(join(dir, DATABASE_FILE), junk);
    writeFileSync(join(dir, `${DATABASE_FILE}-wal`), 'wal junk');
    const { store, notices } = openStore(dir);
    expect(notices).toHaveLength(1);
    const notice = notices[0];
    expect(notice?.code).toBe('database-moved-aside');
    expect(notice?.message).toContain(notice?.movedTo ?? 'missing');
    expect(readFileSync(notice?.movedTo ?? '')).toEqual(junk);
    expect(readFileSync(`${notice?.movedTo ?? ''}-wal`, 'utf8')).toBe('wal junk');
    expect(store.getIdentity()).toBeUndefined();
    expect(store.sql.integrityCheck()).toBe('ok');
    store.close();
  });

  it('moves a truncated database aside and keeps the damaged bytes', () => {
    const dir = tempDir();
    const { store } = openStore(dir);
    for (let i = 0; i < 200; i += 1)
      store.insertIncoming({
        id: `m${String(i)}`,
        peerId: 'p',
        epoch: 'e',
        seq: i + 1,
        text: `message ${String(i)} `.repeat(20),
        transport: 'udp',
        sentAt: i,
        receivedAt: i,
        remote: '127.0.0.1:4000',
        held: false,
      });
    store.close();
    const file = join(dir, DATABASE_FILE);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 3)));
    const reopened = openStore(dir);
    expect(reopened.notices.map((n) => n.code)).toEqual(['database-moved-aside']);
    expect(readdirSync(dir).some((f) => f.startsWith(`${DATABASE_FILE}.corrupt-`))).toBe(true);
    reopened.store.close();
  });

  it('refuses a database from a newer version and leaves every byte as it was', () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE later (x); PRAGMA user_version = ${String(SCHEMA_VERSION + 1)}`);
    db.close();
    const before = readFileSync(file);
    let caught: unknown;
    try {
      openStore(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('newer-schema');
    expect((caught as StoreError).message).toMatch(/newer PacketChat .* left untouched/);
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});

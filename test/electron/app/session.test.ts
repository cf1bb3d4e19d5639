import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/app/session';
import { IDENTITY_FILE } from '../../../electron/store/identity-file';
import { DATABASE_FILE } from '../../../electron/store/open-store';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const open: Session[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function session(dataDir: string, nick?: string): Session {
  const s = Session.open({ profile: { dataDir }, ...(nick === undefined ? {} : { nick }) });
  open.push(s);
  return s;
}

async function closed(s: Session): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

describe('Session identity', () => {
  it('keeps its node id in identity.json (owner-only) and across restarts', async () => {
    const dir = tempDir();
    const first = session(dir, 'carol');
    const { nodeId } = first.self;
    await closed(first);
    expect(statSync(join(dir, IDENTITY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8'))).toMatchObject({
      nodeId,
      nick: 'carol',
    });
    expect(session(dir).self).toMatchObject({ nodeId, nick: 'carol' });
  });

  it('treats a 0-byte database as lost: moved aside, reported, node id unchanged', async () => {
    const dir = tempDir();
    const first = session(dir, 'dave');
    const { nodeId } = first.self;
    await closed(first);
    truncateSync(join(dir, DATABASE_FILE), 0);
    const second = session(dir);
    expect(second.self.nodeId).toBe(nodeId);
    expect(second.notices).toEqual([
      expect.objectContaining({
        code: 'database-moved-aside',
        message: expect.stringContaining('the file is empty') as string,
      }),
    ]);
  });

  it('treats a database whose write-ahead log was lost as lost, node id unchanged', () => {
    const dir = tempDir();
    const running = session(dir, 'erin');
    running.store.saveSettings({ theme: 'dark' });
    // The main file alone, as after a crash that lost the -wal next to it.
    const copy = tempDir();
    copyFileSync(join(dir, DATABASE_FILE), join(copy, DATABASE_FILE));
    copyFileSync(join(dir, IDENTITY_FILE), join(copy, IDENTITY_FILE));
    const restored = session(copy);
    expect(restored.self.nodeId).toBe(running.self.nodeId);
    expect(restored.notices.map((n) => n.code)).toEqual(['database-moved-aside']);
    expect(restored.notices[0]?.message).toContain('no tables');
  });

  it('gives a profile from protocol v1 a key, and keeps its old random id as an alias', async () => {
    const dir = tempDir();
    const first = session(dir, 'hana');
    await closed(first);
    const oldId = 'c0ffee00'.repeat(4);
    writeFileSync(
      join(dir, IDENTITY_FILE),
      JSON.stringify({ version: 1, nodeId: oldId, nick: 'hana', status: 'away' }),
    );
    const second = session(dir);
    expect(second.self).toMatchObject({ nick: 'hana', status: 'away', aliases: [oldId] });
    expect(second.self.nodeId).not.toBe(oldId);
    expect(second.notices).toEqual([]);
    const file = JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(file).toMatchObject({ version: 2, nodeId: second.self.nodeId, aliases: [oldId] });
    expect(statSync(join(dir, IDENTITY_FILE)).mode & 0o777).toBe(0o600);
    // The key stays: the next start is the same node.
    const { nodeId } = second.self;
    await closed(second);
    expect(session(dir).self.nodeId).toBe(nodeId);
  });

  it('gives a profile its Ed25519 signing key, and one to a file from before groups, same node id', async () => {
    const dir = tempDir();
    const first = session(dir, 'kim');
    const { nodeId, signing } = first.self;
    expect(signing.publicKey).toHaveLength(32);
    await closed(first);
    const path = join(dir, IDENTITY_FILE);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(file['signing']).toMatchObject({
      type: 'ed25519',
      publicKey: Buffer.from(signing.publicKey).toString('hex'),
    });
    // The same key at the next start.
    const again = session(dir);
    expect(Buffer.from(again.self.signing.privateKey)).toEqual(Buffer.from(signing.privateKey));
    await closed(again);
    // A file written before groups: no signing key. It gains one; the node stays the same.
    const { signing: _dropped, ...older } = file;
    writeFileSync(path, JSON.stringify(older), { mode: 0o600 });
    const upgraded = session(dir);
    expect(upgraded.self.nodeId).toBe(nodeId);
    expect(upgraded.notices).toEqual([]);
    expect(Buffer.from(upgraded.self.signing.publicKey)).not.toEqual(
      Buffer.from(signing.publicKey),
    );
    await closed(upgraded);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      nodeId,
      signing: { type: 'ed25519' },
    });
    // A damaged signing key is an unreadable file (moved aside, new identity), never a wrong key.
    const damaged = JSON.parse(readFileSync(path, 'utf8')) as { signing: { publicKey: string } };
    damaged.signing.publicKey = 'ab'.repeat(32);
    writeFileSync(path, JSON.stringify(damaged));
    expect(session(dir).notices.map((n) => n.code)).toEqual(['identity-reset']);
  });

  it('never keeps the key in the message database', async () => {
    const dir = tempDir();
    const s = session(dir, 'ivan');
    const file = JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8')) as {
      key: { privateKey: string };
    };
    await closed(s);
    const database = readFileSync(join(dir, DATABASE_FILE));
    expect(database.includes(Buffer.from(file.key.privateKey))).toBe(false);
  });

  it('makes a new key when identity.json is unreadable, says so, and names the old id as an alias', async () => {
    const dir = tempDir();
    const first = session(dir, 'frank');
    const { nodeId } = first.self;
    await closed(first);
    writeFileSync(join(dir, IDENTITY_FILE), '{"version":2,"nodeId":"broken"'); // the database still knows
    const second = session(dir);
    expect(second.self).toMatchObject({ nick: 'frank', aliases: [nodeId] });
    expect(second.self.nodeId).not.toBe(nodeId);
    expect(second.notices.map((n) => n.code)).toEqual(['identity-reset']);
    await closed(second);
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    expect(db.prepare('SELECT node_id FROM identity').get()).toEqual({
      node_id: second.self.nodeId,
    });
    db.close();
  });

  it('saves a new nickname to the identity file and the database', async () => {
    const dir = tempDir();
    const s = session(dir, 'gina');
    s.setProfile({ nick: 'Gina Li', status: 'busy' });
    await closed(s);
    expect(session(dir).self).toMatchObject({ nick: 'Gina Li', status: 'busy' });
  });
});

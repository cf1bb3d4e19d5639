import { copyFileSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
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

  it('takes the identity of a profile from before identity.json out of its database', async () => {
    const dir = tempDir();
    const first = session(dir, 'hana');
    const { nodeId } = first.self;
    await closed(first);
    rmSync(join(dir, IDENTITY_FILE));
    const second = session(dir);
    expect(second.self).toMatchObject({ nodeId, nick: 'hana' });
    expect(second.notices).toEqual([]);
    expect(statSync(join(dir, IDENTITY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('recovers the identity from the database when identity.json is unreadable', async () => {
    const dir = tempDir();
    const first = session(dir, 'frank');
    const { nodeId } = first.self;
    await closed(first);
    writeFileSync(join(dir, IDENTITY_FILE), ''); // unreadable now; the database still knows
    const second = session(dir);
    expect(second.self).toMatchObject({ nodeId, nick: 'frank' });
    expect(second.notices.map((n) => n.code)).toEqual(['identity-recovered']);
    await closed(second);
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    expect(db.prepare('SELECT node_id FROM identity').get()).toEqual({ node_id: nodeId });
    db.close();
    expect(JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8'))).toMatchObject({ nodeId });
  });

  it('saves a new nickname to the identity file and the database', async () => {
    const dir = tempDir();
    const s = session(dir, 'gina');
    s.setProfile({ nick: 'Gina Li', status: 'busy' });
    await closed(s);
    expect(session(dir).self).toMatchObject({ nick: 'Gina Li', status: 'busy' });
  });
});

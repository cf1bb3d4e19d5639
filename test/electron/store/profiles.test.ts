import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireProfile,
  defaultProfilesRoot,
  LOCK_FILE,
  readLock,
} from '../../../electron/store/profiles';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid;
}

describe('profiles', () => {
  it('gives a second copy without a profile name the next free profile', () => {
    const root = tempDir();
    const first = acquireProfile({ root });
    const second = acquireProfile({ root });
    expect([first.name, second.name]).toEqual(['default', 'default-2']);
    expect(readLock(join(first.dir, LOCK_FILE))).toMatchObject({ pid: process.pid });
    first.release();
    const third = acquireProfile({ root });
    expect(third.name).toBe('default');
    second.release();
    third.release();
  });

  it('refuses a named profile in use, and says who holds it', () => {
    const root = tempDir();
    const held = acquireProfile({ root, name: 'work' });
    expect(() => acquireProfile({ root, name: 'work' })).toThrow(
      new RegExp(`in use by process ${String(process.pid)} on ${hostname()}`),
    );
    held.release();
    held.release(); // idempotent
    expect(existsSync(join(held.dir, LOCK_FILE))).toBe(false);
    acquireProfile({ root, name: 'work' }).release();
  });

  it('takes over a stale lock left by a crashed process', () => {
    const dir = tempDir();
    const stale = { pid: deadPid(), host: hostname(), startedAt: 1, token: 'dead' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    const lock = acquireProfile({ dataDir: dir });
    expect(readLock(join(dir, LOCK_FILE))?.pid).toBe(process.pid);
    lock.release();
  });

  it("respects another host's lock and does not remove a lock it no longer owns", () => {
    const dir = tempDir();
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 1, token: 't' }));
    expect(() => acquireProfile({ dataDir: dir })).toThrow(/in use by process 1 on elsewhere/);
    writeFileSync(file, ''); // a torn write just now: not stale yet
    expect(() => acquireProfile({ dataDir: dir })).toThrow(/profile-locked|in use/);
  });

  it('rejects profile names that are not plain directory names', () => {
    const root = tempDir();
    for (const name of ['', '..', '../x', 'a/b', 'x'.repeat(65)])
      expect(() => acquireProfile({ root, name })).toThrow(/Profile names/);
  });

  it('puts profiles under XDG_CONFIG_HOME on Linux', () => {
    if (process.platform !== 'linux') return;
    expect(defaultProfilesRoot({ XDG_CONFIG_HOME: '/x' })).toBe('/x/PacketChat/profiles');
  });

  it('puts a profile requested without a root under the default root', () => {
    if (process.platform !== 'linux') return;
    const saved = process.env.XDG_CONFIG_HOME;
    const home = tempDir();
    process.env.XDG_CONFIG_HOME = home;
    try {
      const lock = acquireProfile({ name: 'work' });
      expect(lock.dir).toBe(join(home, 'PacketChat', 'profiles', 'work'));
      lock.release();
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  });

  it('keeps the lock file readable JSON', () => {
    const lock = acquireProfile({ dataDir: tempDir() });
    const parsed: unknown = JSON.parse(readFileSync(join(lock.dir, LOCK_FILE), 'utf8'));
    expect(parsed).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
  });
});

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { ensureProfileDir, StoreError } from './errors';
import { isProfileName, PROFILE_NAME_RULE } from './profile-name';

/**
 * Profiles: each running copy of PacketChat owns one directory (database, identity, settings,
 * window state), held by a lock file for as long as it runs. See docs/STORAGE.md.
 */
export const LOCK_FILE = 'packetchat.lock';
export const DEFAULT_PROFILE = 'default';
/** How many automatic profiles (`default`, `default-2`, …) a machine may run at once. */
export const MAX_AUTO_PROFILES = 32;
/** A lock file that is not valid JSON this long after it was written was left half-written. */
const TORN_LOCK_MS = 5_000;

export interface ProfileLock {
  readonly name: string;
  readonly dir: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

export type ProfileRequest =
  | { readonly dataDir: string }
  /** `root` defaults to defaultProfilesRoot(). */
  | { readonly root?: string; readonly name?: string };

const lockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.number(),
  token: z.string(),
});
export type LockInfo = z.infer<typeof lockSchema>;

/** `$XDG_CONFIG_HOME/PacketChat/profiles` (or the platform's equivalent). */
export function defaultProfilesRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    process.platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'PacketChat', 'profiles');
}

/**
 * Locks a profile. With a name (or a directory) that one, or a `profile-locked` error. Without,
 * the first free of `default`, `default-2`, `default-3`, …, so a second copy on one machine gets
 * its own database and identity instead of sharing the first one's.
 */
export function acquireProfile(request: ProfileRequest): ProfileLock {
  if ('dataDir' in request) {
    const dir = resolve(request.dataDir);
    return lockOrThrow(basename(dir) || dir, dir);
  }
  const root = request.root ?? defaultProfilesRoot();
  if (request.name !== undefined) {
    if (!isProfileName(request.name))
      throw new StoreError(
        'bad-profile-name',
        `Profile names are ${PROFILE_NAME_RULE}: "${request.name}"`,
      );
    return lockOrThrow(request.name, join(root, request.name));
  }
  for (let i = 1; i <= MAX_AUTO_PROFILES; i += 1) {
    const name = i === 1 ? DEFAULT_PROFILE : `${DEFAULT_PROFILE}-${String(i)}`;
    const lock = tryLock(name, join(root, name));
    if (lock !== undefined) return lock;
  }
  throw new StoreError(
    'no-free-profile',
    `All ${String(MAX_AUTO_PROFILES)} automatic profiles in ${root} are in use; choose one with --profile NAME`,
  );
}

function lockOrThrow(name: string, dir: string): ProfileLock {
  const lock = tryLock(name, dir);
  if (lock !== undefined) return lock;
  const holder = readLock(join(dir, LOCK_FILE));
  const who =
    holder === undefined ? 'another process' : `process ${String(holder.pid)} on ${holder.host}`;
  throw new StoreError(
    'profile-locked',
    `Profile "${name}" (${dir}) is in use by ${who}; start with --profile NAME to use another profile`,
  );
}

/** Creates the lock file exclusively; takes over a stale one once. */
function tryLock(name: string, dir: string): ProfileLock | undefined {
  ensureProfileDir(dir);
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      startedAt: Date.now(),
      token: randomBytes(8).toString('hex'),
    };
    if (createExclusive(file, `${JSON.stringify(info)}\n`))
      return lockHandle(name, dir, file, info);
    if (!isStale(file)) return undefined;
    try {
      unlinkSync(file);
    } catch {
      // Another starting copy removed it first; the next exclusive create decides who wins.
    }
  }
  return undefined;
}

/** Creates `file` only if it does not exist, readable by its owner only like the rest of the profile. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError('unwritable', `Cannot create the lock file ${file}`, { cause: error });
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A lock is stale when its process is gone (same host), or it is an old torn write. */
function isStale(file: string): boolean {
  const info = readLock(file);
  if (info === undefined) {
    try {
      return Date.now() - statSync(file).mtimeMs > TORN_LOCK_MS;
    } catch {
      return true; // vanished between the create and now
    }
  }
  // On another host (a shared home directory) we cannot tell: respect it.
  if (info.host !== hostname()) return false;
  return !processAlive(info.pid);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHandle(name: string, dir: string, file: string, info: LockInfo): ProfileLock {
  let released = false;
  return {
    name,
    dir,
    release() {
      if (released) return;
      released = true;
      if (readLock(file)?.token !== info.token) return; // taken over: not ours to remove
      try {
        unlinkSync(file);
      } catch {
        // Already gone; nothing to release.
      }
    },
  };
}

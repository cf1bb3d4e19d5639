/**
 * Turning a verified part into the final file without ever overwriting anything: link(2) fails
 * when the name exists (rename(2) would replace it silently), so a clash becomes " (1)", " (2)", …
 * File systems without hard links (FAT, some network shares) fall back to check-then-rename.
 */
import { link, lstat, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { clashName } from '../../../shared/files/names';

const MAX_CLASH_ATTEMPTS = 10_000;

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([lstat(a), lstat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Tries one name; true when the part now lives there (and no longer under its part name). */
async function tryName(part: string, candidate: string): Promise<boolean> {
  try {
    await link(part, candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!(await sameFile(part, candidate))) return false;
      // Our own link from before a crash: finish the move below.
    } else if (code === 'ENOENT') {
      throw error;
    } else {
      // No hard links here: check, then rename (a tiny race, the best such a file system allows).
      if (await exists(candidate)) return false;
      await rename(part, candidate);
      return true;
    }
  }
  await unlink(part);
  return true;
}

/**
 * Moves `part` to `finalPath`, or to the first free " (n)" variant of its name. Returns the path
 * used. Throws fs errors (ENOSPC, EACCES…).
 */
export async function commitPart(part: string, finalPath: string): Promise<string> {
  const dir = dirname(finalPath);
  const name = basename(finalPath);
  for (let n = 0; n < MAX_CLASH_ATTEMPTS; n += 1) {
    const candidate = join(dir, clashName(name, n));
    if (await tryName(part, candidate)) return candidate;
  }
  throw new Error(`no free name for ${finalPath}`);
}

/**
 * After a restart, a file recorded as done whose part still exists was cut short between the
 * store and the move: finish the move. Returns the final path, or undefined when the part is gone
 * (the normal case: nothing to do).
 */
export async function finishCommit(part: string, finalPath: string): Promise<string | undefined> {
  if (!(await exists(part))) return undefined;
  return commitPart(part, finalPath);
}

// SHA-256 of what a finished transfer kept, for the `transfer` event's `files` (issue 14: `done`
// carries a SHA-256 per file). Streamed from disk; symbolic links are never followed; bounded.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TransferDoneFile } from '../../shared/transfers';

/** At most this many files are hashed and listed per transfer. */
export const MAX_HASHED_FILES = 10_000;

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * Every regular file at or below `item` (a file or a folder), each named by `name(fullPath)`.
 * Unreadable entries are left out: the list says what is verifiably there.
 */
export async function hashItem(
  item: string,
  name: (full: string) => string,
  budget: { left: number } = { left: MAX_HASHED_FILES },
): Promise<TransferDoneFile[]> {
  const out: TransferDoneFile[] = [];
  const pending = [item];
  while (pending.length > 0 && budget.left > 0) {
    const current = pending.pop() ?? item;
    const info = await lstat(current).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const names = await readdir(current).catch(() => [] as string[]);
      for (const child of names.sort().reverse()) pending.push(path.join(current, child));
    } else if (info?.isFile() === true) {
      const sha256 = await sha256File(current).catch(() => undefined);
      if (sha256 === undefined) continue;
      budget.left -= 1;
      out.push({ path: name(current), size: info.size, sha256 });
    }
  }
  return out;
}

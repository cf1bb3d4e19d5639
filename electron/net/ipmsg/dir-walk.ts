// The order of a folder stream we send: the offered folder itself, then its files and (each in
// turn) its subfolders, each folder closed by a RETPARENT, the offered folder's last. Symbolic
// links and special files are left out; depth and entry count are bounded.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MAX_DIR_DEPTH, MAX_DIR_ENTRIES } from './constants';

export type WalkItem =
  | { readonly type: 'enter'; readonly name: string; readonly mtime: number }
  | {
      readonly type: 'file';
      readonly name: string;
      readonly size: number;
      readonly mtime: number;
      readonly path: string;
    }
  | { readonly type: 'leave'; readonly mtime: number };

export async function* walkFolder(root: string): AsyncGenerator<WalkItem> {
  const counter = { entries: 0 };
  yield* walk(root, path.basename(root), 0, counter);
}

async function* walk(
  dir: string,
  name: string,
  depth: number,
  counter: { entries: number },
): AsyncGenerator<WalkItem> {
  const info = await lstat(dir);
  const mtime = Math.floor(info.mtimeMs / 1000);
  yield { type: 'enter', name, mtime };
  const entries = depth >= MAX_DIR_DEPTH ? [] : await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    counter.entries += 1;
    if (counter.entries > MAX_DIR_ENTRIES) break;
    const full = path.join(dir, entry.name);
    if (entry.isFile()) {
      const stats = await lstat(full);
      yield {
        type: 'file',
        name: entry.name,
        size: stats.size,
        mtime: Math.floor(stats.mtimeMs / 1000),
        path: full,
      };
    } else if (entry.isDirectory()) {
      yield* walk(full, entry.name, depth + 1, counter);
    }
  }
  yield { type: 'leave', mtime };
}

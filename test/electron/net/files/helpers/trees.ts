/** Real files in temp folders, and comparing trees after a transfer. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFile(path: string, content: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function randomFile(path: string, size: number): string {
  return writeFile(path, randomBytes(size));
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file (with its SHA-256) and every empty folder under `root`, by relative path. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.length === 0 && rel !== '') out.set(`${rel}/`, 'dir');
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path, childRel);
      else out.set(childRel, sha256Of(path));
    }
  };
  walk(root, '');
  return out;
}

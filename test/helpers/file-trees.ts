/**
 * Folders to send in the heavy file tests: seeded trees with CJK and emoji names, nesting, empty
 * folders and optionally one big file; hashes read in a stream (a 256 MiB file is never one
 * buffer); and a digest of a whole tree to compare the two sides.
 */
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { seeded } from '../bench/stats';

const MIB = 1024 * 1024;

/** Words for names: CJK, Hangul, emoji (one with zero-width joiners), Greek, a diaeresis. */
const WORDS = [
  '文件',
  '照片',
  '日本語',
  '한국어',
  '😀',
  '🎉',
  '家族👨‍👩‍👧',
  'Ωmega',
  'naïve',
  'データ',
];

export interface TreeSpec {
  /** Small files (0 to `smallMaxBytes` bytes each, random content). */
  readonly files: number;
  /** Levels of nested folders below the root. */
  readonly depth: number;
  readonly emptyFolders: number;
  /** Size of one more file, `大文件 📦.bin` in the deepest folder; none when 0 or absent. */
  readonly bigFileBytes?: number;
  readonly smallMaxBytes?: number;
  readonly seed?: number;
}

/** Makes the tree under `root` (created). The same spec always gives the same names. */
export function makeTree(root: string, spec: TreeSpec): void {
  const random = seeded(spec.seed ?? 14);
  const word = (): string => WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
  const smallMax = spec.smallMaxBytes ?? 4096;
  const folders = [root];
  mkdirSync(root, { recursive: true });
  for (let level = 1; level <= spec.depth; level += 1) {
    const parent = folders[folders.length - 1] ?? root;
    for (let i = 0; i < 3; i += 1) folders.push(join(parent, `${word()} ${level}-${i}`));
  }
  for (let i = 0; i < spec.files; i += 1) {
    const folder = folders[Math.floor(random() * folders.length)] ?? root;
    const bytes = Buffer.allocUnsafe(Math.floor(random() * smallMax));
    randomFillSync(bytes);
    const path = join(folder, `${word()} ${i}.bin`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  for (let i = 0; i < spec.emptyFolders; i += 1) {
    const folder = folders[i % folders.length] ?? root;
    mkdirSync(join(folder, `空 ${word()} ${i}`, ...(i % 4 === 0 ? ['更深'] : [])), {
      recursive: true,
    });
  }
  const big = spec.bigFileBytes ?? 0;
  if (big > 0) bigFile(join(folders[folders.length - 1] ?? root, '大文件 📦.bin'), big);
}

/** A file of `size` random bytes, written 4 MiB at a time. */
export function bigFile(path: string, size: number): string {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const chunk = Buffer.allocUnsafe(Math.min(4 * MIB, Math.max(size, 1)));
  try {
    for (let at = 0; at < size; at += chunk.byteLength) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, Math.min(chunk.byteLength, size - at));
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Every file (with its SHA-256) and every empty folder (as `path/` → `dir`) under `root`, by
 * relative path: two trees are equal when their digests are.
 */
export async function treeDigest(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.length === 0 && rel !== '') out.set(`${rel}/`, 'dir');
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path, childRel);
      else out.set(childRel, await sha256File(path));
    }
  };
  await walk(root, '');
  return out;
}

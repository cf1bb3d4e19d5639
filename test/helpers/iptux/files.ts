/** Files and folders for the tests against the real iptux: trees to send and their hashes. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Every entry under `root`: `dir/` for folders, the SHA-256 for files, by relative path. */
export function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const key = path.relative(root, full);
      if (statSync(full).isDirectory()) {
        out[`${key}/`] = 'dir';
        walk(full);
      } else out[key] = sha256(full);
    }
  };
  walk(root);
  return out;
}

/** A nested folder with CJK names, a text file and two random ones. */
export function makeFolder(parent: string, name: string): string {
  const folder = path.join(parent, name);
  mkdirSync(path.join(folder, '子目录', 'deeper'), { recursive: true });
  writeFileSync(path.join(folder, 'readme.txt'), 'hello\n');
  writeFileSync(path.join(folder, '说明.md'), '# 你好\n');
  writeFileSync(path.join(folder, '子目录', 'data.bin'), randomBytes(300_000));
  writeFileSync(path.join(folder, '子目录', 'deeper', 'more.bin'), randomBytes(70_000));
  return folder;
}

/** The folders (only) of `from`, made under `to`. */
export function mirrorFolders(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const full = path.join(from, name);
    if (statSync(full).isDirectory()) mirrorFolders(full, path.join(to, name));
  }
}

export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/** Polls an asynchronous condition (a question to iptux's window) until it holds. */
export async function waitUntilAsync(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

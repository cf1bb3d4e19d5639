// File names from peers become single path components inside the folder the user chose, and
// nothing else: no separators, no `.`/`..`, no absolute paths, no control characters, no names
// Windows reserves, at most 255 bytes. Every write path is checked to stay inside the root.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { PathIssueReason } from '../../../shared/files/types';
import { MAX_NAME_BYTES } from './constants';

// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f/\\<>:"|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** `name` as one safe path component, or undefined when nothing safe is left (`..`, ``). */
export function safeComponent(name: string): string | undefined {
  return safeComponentWhy(name)?.name;
}

/**
 * safeComponent() with the reasons it differs from `name` (the PathIssue reasons the file engine
 * reports, shared/files/types.ts); none when only the Unicode form (NFC) changed.
 */
export function safeComponentWhy(
  name: string,
): { readonly name: string; readonly reasons: readonly PathIssueReason[] } | undefined {
  const reasons = new Set<PathIssueReason>();
  const normal = name.normalize('NFC');
  let cleaned = normal.replace(UNSAFE_CHARS, '_');
  if (cleaned !== normal) reasons.add('bad-character');
  // Leading white space has no PathIssueReason of its own: it counts as a bad character.
  const trimmed = cleaned.replace(/^\s+/, '');
  if (trimmed !== cleaned) reasons.add('bad-character');
  cleaned = trimmed.replace(/[. ]+$/, '');
  if (cleaned !== trimmed) reasons.add('trailing-dot-or-space');
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return undefined;
  if (RESERVED.test(cleaned)) {
    cleaned = `_${cleaned}`;
    reasons.add('reserved-name');
  }
  const short = truncateBytes(cleaned, MAX_NAME_BYTES);
  if (short !== cleaned) reasons.add('too-long');
  return { name: short, reasons: [...reasons] };
}

/** Joins components under `root`; throws when the result would leave it (never expected). */
export function resolveInside(root: string, components: readonly string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...components);
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`refusing a path outside ${base}: ${components.join('/')}`);
  }
  return target;
}

/** `name`, or `name (1).ext`, `name (2).ext`, … whichever does not exist in `dir` yet. */
export async function uniqueName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length);
  for (let n = 0; n < 10_000; n += 1) {
    const candidate = n === 0 ? name : truncateBytes(`${stem} (${n})`, MAX_NAME_BYTES - 8) + ext;
    if (!(await exists(path.join(dir, candidate)))) return candidate;
  }
  throw new Error(`no free name for ${name} in ${dir}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false; // ENOENT (or unreadable): treat as free, the exclusive create decides
  }
}

/** Cuts at a code point boundary so that the UTF-8 form fits `max` bytes. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > max) break;
    out += char;
  }
  return out;
}

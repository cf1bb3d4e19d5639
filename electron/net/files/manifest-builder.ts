/**
 * The sender's side of an offer: walks the offered files and folders without following symlinks,
 * and builds the manifest (NFC paths, sizes, mtimes, empty folders, SHA-256 of small files).
 * Symlinks, devices, sockets and unreadable entries are skipped and reported; names the receiver
 * will change are reported with the name they will get (the same rules, shared/files/names.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { MAX_MANIFEST_FILES, MAX_PATH_DEPTH } from '../../../shared/files/limits';
import type { Manifest, ManifestFile } from '../../../shared/files/manifest';
import { clashName, nameKey, safeRelativePath } from '../../../shared/files/names';
import type { PathIssue, PathIssueReason } from '../../../shared/files/types';
import type { SourceRoot } from './ports';

/** Files up to this size are hashed before offering; larger ones get their hash at the end. */
export const DEFAULT_HASH_BEFORE_OFFER_BYTES = 1024 * 1024;

export interface BuildOptions {
  readonly hashUpToBytes?: number;
}

export interface BuiltManifest {
  readonly manifest: Manifest;
  readonly sources: readonly SourceRoot[];
  /** Manifest index → local path relative to its root, where NFC changed the name. */
  readonly localNames: readonly (readonly [number, string])[];
  readonly renamed: readonly PathIssue[];
  readonly skipped: readonly PathIssue[];
}

export type BuildResult =
  | { readonly ok: true; readonly built: BuiltManifest }
  | {
      readonly ok: false;
      readonly code: 'nothing-to-send' | 'too-many-files' | 'not-found';
      readonly message: string;
    };

type Refused = Map<string, readonly PathIssueReason[]>;

interface Walk {
  readonly files: ManifestFile[];
  readonly folders: string[];
  readonly local: [number, string][];
  readonly skipped: PathIssue[];
  readonly hashUpTo: number;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function addFile(walk: Walk, absolute: string, wirePath: string, localRel: string) {
  const stat = await lstat(absolute);
  const entry: ManifestFile = { path: wirePath, size: stat.size, mtime: Math.floor(stat.mtimeMs) };
  const sha256 = stat.size <= walk.hashUpTo ? await sha256File(absolute) : undefined;
  if (wirePath.split('/').slice(1).join('/') !== localRel)
    walk.local.push([walk.files.length, localRel]);
  walk.files.push(sha256 === undefined ? entry : { ...entry, sha256 });
}

/** Walks one folder; returns how many entries it added (0: an empty folder). */
async function walkFolder(
  walk: Walk,
  absolute: string,
  wirePath: string,
  localRel: string,
  depth: number,
): Promise<number> {
  if (depth > MAX_PATH_DEPTH) {
    walk.skipped.push({ path: wirePath, reasons: ['too-deep'] });
    return 1;
  }
  const entries = await readdir(absolute, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let added = 0;
  for (const entry of entries) {
    if (walk.files.length > MAX_MANIFEST_FILES) return added;
    const childWire = `${wirePath}/${entry.name.normalize('NFC')}`;
    const childLocal = localRel === '' ? entry.name : `${localRel}/${entry.name}`;
    added += await walkEntry(walk, entry, join(absolute, entry.name), childWire, childLocal, depth);
  }
  return added;
}

/** One entry of a folder; 1 when it went into the manifest (as a file or a folder), else 0. */
async function walkEntry(
  walk: Walk,
  entry: Dirent,
  absolute: string,
  wirePath: string,
  localRel: string,
  depth: number,
): Promise<number> {
  if (entry.isSymbolicLink()) {
    walk.skipped.push({ path: wirePath, reasons: ['symlink'] });
    return 0;
  }
  if (entry.isFile()) {
    await addFile(walk, absolute, wirePath, localRel);
    return 1;
  }
  if (!entry.isDirectory()) {
    walk.skipped.push({ path: wirePath, reasons: ['not-regular'] });
    return 0;
  }
  if ((await walkFolder(walk, absolute, wirePath, localRel, depth + 1)) === 0)
    walk.folders.push(wirePath);
  return 1;
}

async function walkRoot(walk: Walk, absolute: string, name: string): Promise<boolean> {
  const stat = await lstat(absolute);
  if (stat.isSymbolicLink()) walk.skipped.push({ path: absolute, reasons: ['symlink'] });
  else if (stat.isDirectory()) {
    if ((await walkFolder(walk, absolute, name, '', 1)) === 0) walk.folders.push(name);
    return true;
  } else if (stat.isFile()) {
    await addFile(walk, absolute, name, '');
    return true;
  } else walk.skipped.push({ path: absolute, reasons: ['not-regular'] });
  return false;
}

/** Distinct top-level names: /a/x and /b/x become "x" and "x (1)". */
function rootName(path: string, taken: Set<string>): string {
  const base = (basename(path) || '_').normalize('NFC');
  for (let n = 0; ; n += 1) {
    const name = clashName(base, n);
    if (!taken.has(nameKey(name))) {
      taken.add(nameKey(name));
      return name;
    }
  }
}

/** How the receiver will name each path: the sender tells its user before sending. */
function receiverView(manifest: Manifest): { renamed: PathIssue[]; refused: Refused } {
  const renamed: PathIssue[] = [];
  const refused: Refused = new Map();
  for (const path of [...manifest.files.map((f) => f.path), ...manifest.folders]) {
    const safe = safeRelativePath(path);
    if (!safe.ok) refused.set(path, safe.reasons);
    else if (safe.reasons.length > 0)
      renamed.push({ path, reasons: safe.reasons, renamedTo: safe.path });
  }
  return { renamed, refused };
}

export async function buildManifest(
  paths: readonly string[],
  options: BuildOptions = {},
): Promise<BuildResult> {
  const walk: Walk = {
    files: [],
    folders: [],
    local: [],
    skipped: [],
    hashUpTo: options.hashUpToBytes ?? DEFAULT_HASH_BEFORE_OFFER_BYTES,
  };
  const sources: SourceRoot[] = [];
  const taken = new Set<string>();
  for (const input of paths) {
    const absolute = resolve(input);
    try {
      const name = rootName(absolute, taken);
      if (await walkRoot(walk, absolute, name)) sources.push({ name, path: absolute });
    } catch (error) {
      walk.skipped.push({ path: absolute, reasons: ['unreadable'] });
      if (paths.length === 1) return { ok: false, code: 'not-found', message: String(error) };
    }
  }
  if (walk.files.length > MAX_MANIFEST_FILES)
    return { ok: false, code: 'too-many-files', message: `more than ${MAX_MANIFEST_FILES} files` };
  const draft: Manifest = { version: 1, files: walk.files, folders: walk.folders };
  const { renamed, refused } = receiverView(draft);
  if (refused.size > 0) return finish(dropRefused(walk, refused), sources, renamed);
  return finish(walk, sources, renamed);
}

/** Entries no receiver would accept (too long or deep once safe) are not offered at all. */
function dropRefused(walk: Walk, refused: Refused): Walk {
  const files: ManifestFile[] = [];
  const renumber = new Map<number, number>();
  walk.files.forEach((f, i) => {
    const reasons = refused.get(f.path);
    if (reasons !== undefined) walk.skipped.push({ path: f.path, reasons });
    else {
      renumber.set(i, files.length);
      files.push(f);
    }
  });
  const local: [number, string][] = [];
  for (const [i, name] of walk.local) {
    const at = renumber.get(i);
    if (at !== undefined) local.push([at, name]);
  }
  return { ...walk, files, local, folders: walk.folders.filter((p) => !refused.has(p)) };
}

function finish(walk: Walk, sources: SourceRoot[], renamed: PathIssue[]): BuildResult {
  if (walk.files.length === 0 && walk.folders.length === 0)
    return { ok: false, code: 'nothing-to-send', message: 'nothing that can be sent' };
  const manifest: Manifest = { version: 1, files: walk.files, folders: walk.folders };
  return {
    ok: true,
    built: { manifest, sources, localNames: walk.local, renamed, skipped: walk.skipped },
  };
}

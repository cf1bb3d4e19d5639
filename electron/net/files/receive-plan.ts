/**
 * Where each file of a manifest goes inside the target folder: safe names (shared/files/names.ts),
 * siblings that would clash on a case-insensitive or normalising file system told apart with
 * " (1)", top-level names that exist in the target folder avoided, and every path checked to stay
 * inside the target. Files that cannot be made safe are skipped. The report lists both.
 */
import { mkdir, open, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PART_SUFFIX } from '../../../shared/files/limits';
import type { Manifest } from '../../../shared/files/manifest';
import { clashName, nameKey, safeRelativePath } from '../../../shared/files/names';
import type { PathIssue, PathIssueReason } from '../../../shared/files/types';

export interface ReceivePlan {
  /** Per manifest file: its safe path relative to the target, or undefined when skipped. */
  readonly files: readonly (string | undefined)[];
  /** Safe relative paths of the empty folders. */
  readonly folders: readonly string[];
  readonly renamed: readonly PathIssue[];
  readonly skipped: readonly PathIssue[];
}

/** Assigns sibling names without clashes; `takenAtTop` says what the target folder already has. */
export class NameAllocator {
  private readonly used = new Map<string, Set<string>>();
  private readonly folders = new Map<string, string>();

  constructor(private readonly takenAtTop: (name: string) => boolean = () => false) {}

  /** A folder: the same (parent, name) always gives the same folder. */
  folder(parent: string, name: string): string {
    const key = `${parent}\u0000${nameKey(name)}`;
    const known = this.folders.get(key);
    if (known !== undefined) return known;
    const path = this.allocate(parent, name, true);
    this.folders.set(key, path);
    return path;
  }

  /** A file: always a name of its own. */
  file(parent: string, name: string): string {
    return this.allocate(parent, name, false);
  }

  private allocate(parent: string, name: string, isFolder: boolean): string {
    let siblings = this.used.get(parent);
    if (siblings === undefined) {
      siblings = new Set();
      this.used.set(parent, siblings);
    }
    for (let n = 0; ; n += 1) {
      const candidate = clashName(name, n, isFolder);
      if (siblings.has(nameKey(candidate))) continue;
      if (parent === '' && this.takenAtTop(candidate)) continue;
      siblings.add(nameKey(candidate));
      return parent === '' ? candidate : `${parent}/${candidate}`;
    }
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, resolve(root, candidate));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function place(alloc: NameAllocator, components: readonly string[], asFolder: boolean): string {
  let parent = '';
  for (const [i, part] of components.entries()) {
    const last = i === components.length - 1;
    parent = last && !asFolder ? alloc.file(parent, part) : alloc.folder(parent, part);
  }
  return parent;
}

interface Placed {
  readonly path: string;
  readonly savedAs: string | undefined;
  readonly reasons: readonly PathIssueReason[];
}

function placeOne(alloc: NameAllocator, target: string, path: string, asFolder: boolean): Placed {
  const safe = safeRelativePath(path);
  if (!safe.ok) return { path, savedAs: undefined, reasons: safe.reasons };
  const savedAs = place(alloc, safe.components, asFolder);
  if (!isInside(target, savedAs)) return { path, savedAs: undefined, reasons: ['traversal'] };
  const reasons = savedAs === safe.path ? safe.reasons : [...safe.reasons, 'clash' as const];
  return { path, savedAs, reasons };
}

function report(placed: Placed, renamed: PathIssue[], skipped: PathIssue[]): void {
  if (placed.savedAs === undefined) skipped.push({ path: placed.path, reasons: placed.reasons });
  else if (placed.reasons.length > 0)
    renamed.push({ path: placed.path, reasons: placed.reasons, renamedTo: placed.savedAs });
}

/** The plan, pure given what the target folder holds at its top level. */
export function planNames(
  manifest: Manifest,
  target: string,
  existing: ReadonlySet<string>,
): ReceivePlan {
  const alloc = new NameAllocator(
    (name) => existing.has(nameKey(name)) || existing.has(nameKey(name + PART_SUFFIX)),
  );
  const renamed: PathIssue[] = [];
  const skipped: PathIssue[] = [];
  const files = manifest.files.map((file) => {
    const placed = placeOne(alloc, target, file.path, false);
    report(placed, renamed, skipped);
    return placed.savedAs;
  });
  const folders: string[] = [];
  for (const path of manifest.folders) {
    const placed = placeOne(alloc, target, path, true);
    report(placed, renamed, skipped);
    if (placed.savedAs !== undefined) folders.push(placed.savedAs);
  }
  return { files, folders, renamed, skipped };
}

/** A top-level name split off a planned path: "top/rest" → ["top", "/rest"]. */
function splitTop(path: string): [string, string] {
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash)];
}

/**
 * Claims a top-level name on disk, atomically: a folder by creating it, a file by creating its
 * empty part. False when something took the name since the folder was read.
 */
async function claim(target: string, name: string, isFolder: boolean): Promise<boolean> {
  try {
    if (isFolder) await mkdir(join(target, name));
    else await (await open(join(target, name + PART_SUFFIX), 'wx')).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function claimName(
  target: string,
  top: string,
  isFolder: boolean,
  taken: Set<string>,
): Promise<string> {
  if (await claim(target, top, isFolder)) return top;
  for (let n = 1; ; n += 1) {
    const name = clashName(top, n, isFolder);
    if (taken.has(nameKey(name))) continue;
    taken.add(nameKey(name));
    if (await claim(target, name, isFolder)) return name;
  }
}

/**
 * Claims every top-level name of the plan, so that another transfer planned at the same time
 * (into the same folder) cannot get it too; a name taken meanwhile moves on to " (n)".
 */
async function reserve(plan: ReceivePlan, target: string): Promise<ReceivePlan> {
  const tops = new Map<string, boolean>(); // top-level name -> is a folder
  for (const path of plan.files)
    if (path !== undefined) tops.set(splitTop(path)[0], path.includes('/'));
  for (const path of plan.folders) tops.set(splitTop(path)[0], true);
  const taken = new Set([...tops.keys()].map(nameKey));
  const moved = new Map<string, string>();
  for (const [top, isFolder] of tops) {
    const name = await claimName(target, top, isFolder, taken);
    if (name !== top) moved.set(top, name);
  }
  if (moved.size === 0) return plan;
  const rename = (path: string): string => {
    const [top, rest] = splitTop(path);
    return (moved.get(top) ?? top) + rest;
  };
  const renamed = plan.renamed.map((r) =>
    r.renamedTo === undefined ? r : { ...r, renamedTo: rename(r.renamedTo) },
  );
  return {
    ...plan,
    files: plan.files.map((p) => (p === undefined ? p : rename(p))),
    folders: plan.folders.map(rename),
    renamed,
  };
}

/** Plans against the target folder as it is now, then claims the top-level names on disk. */
export async function planReceive(manifest: Manifest, target: string): Promise<ReceivePlan> {
  const existing = new Set((await readdir(target)).map(nameKey));
  return reserve(planNames(manifest, target, existing), target);
}

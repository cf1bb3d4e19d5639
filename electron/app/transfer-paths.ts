// Where a transfer's files are on this computer, for "Open" and "Show in folder" (docs/FILES.md).
// Every path comes from the transfer's own record (the folder it was accepted into and the names it
// was saved under, or the paths the user offered), never from the caller.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { TransferFileInfo, TransferInfo } from '../../shared/transfers';
import { receivedPath } from './images';

/** `root` joined with a relative `/`-separated name, or undefined when that would leave `root`. */
export function insideOf(root: string, name: string): string | undefined {
  const dir = resolve(root);
  const path = resolve(dir, ...name.split('/'));
  const rel = relative(dir, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return path;
}

/**
 * What a whole transfer opens as: its one top-level file or folder, else the folder that holds
 * them (`holder`); undefined when there is nothing.
 */
export function wholeOf(tops: readonly string[], holder: string | undefined): string | undefined {
  const distinct = [...new Set(tops)];
  if (distinct.length === 1) return distinct[0];
  return distinct.length === 0 ? undefined : holder;
}

/** The first segment of a `/`-separated relative name. */
const topOf = (name: string): string => name.split('/')[0] ?? name;

/**
 * A received transfer's path: file `index` once it is kept, or (without `index`) its one top-level
 * file or folder among the kept files, else the folder it was accepted into.
 */
export function receivedLocation(
  transfer: TransferInfo,
  files: readonly TransferFileInfo[],
  index: number | undefined,
): string | undefined {
  if (index !== undefined) {
    const file = files[index];
    return file === undefined ? undefined : receivedPath(transfer, file);
  }
  const dir = transfer.dir;
  if (dir === undefined) return undefined;
  const tops = files
    .filter((f) => f.state === 'done')
    .map((f) => insideOf(dir, topOf(f.savedAs ?? f.path)))
    .filter((p) => p !== undefined);
  return wholeOf(tops, resolve(dir));
}

/** A sent transfer's path without `index`: its one offered root, else the first one's folder. */
export function sentLocation(roots: readonly string[]): string | undefined {
  const [first] = roots;
  return wholeOf(roots, first === undefined ? undefined : dirname(first));
}

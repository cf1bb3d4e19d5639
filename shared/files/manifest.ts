/**
 * The manifest of an offer: every file with its relative path, size, modification time and
 * SHA-256 when the sender has it, and the empty folders. Files are numbered by their position;
 * data requests name a file by that number. parseManifest never throws: a peer wrote this.
 */
import {
  MAX_MANIFEST_FILES,
  MAX_MANIFEST_FOLDERS,
  MAX_OFFER_NAMES,
  MAX_WIRE_PATH_CHARS,
} from './limits';

export interface ManifestFile {
  /** '/'-separated, relative, NFC as the sender wrote it: the receiver still checks it. */
  readonly path: string;
  readonly size: number;
  /** Modification time, milliseconds since the Unix epoch. */
  readonly mtime: number;
  /** Lower-case hex, when the sender hashed the file before offering. */
  readonly sha256?: string;
}

export interface Manifest {
  readonly version: 1;
  readonly files: readonly ManifestFile[];
  /** Folders with nothing in them (others follow from the files' paths). */
  readonly folders: readonly string[];
}

export interface OfferSummary {
  readonly files: number;
  readonly folders: number;
  readonly bytes: number;
  /** Top-level names, at most MAX_OFFER_NAMES. */
  readonly names: readonly string[];
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isWirePath(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_WIRE_PATH_CHARS;
}

function parseFile(value: unknown): ManifestFile | undefined {
  if (!isRecord(value)) return undefined;
  const { path, size, mtime, sha256 } = value;
  if (!isWirePath(path) || !isCount(size) || !isCount(mtime)) return undefined;
  if (sha256 === undefined) return { path, size, mtime };
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return undefined;
  return { path, size, mtime, sha256 };
}

function parseFiles(value: unknown): ManifestFile[] | string {
  if (!Array.isArray(value)) return 'files is not a list';
  if (value.length > MAX_MANIFEST_FILES) return `more than ${MAX_MANIFEST_FILES} files`;
  const files: ManifestFile[] = [];
  let total = 0;
  for (const [index, entry] of value.entries()) {
    const file = parseFile(entry);
    if (file === undefined) return `file ${index} is malformed`;
    total += file.size;
    if (!Number.isSafeInteger(total)) return 'total size too large';
    files.push(file);
  }
  return files;
}

export function parseManifest(value: unknown): ParseResult<Manifest> {
  if (!isRecord(value)) return { ok: false, error: 'not an object' };
  if (value['version'] !== 1) return { ok: false, error: 'unsupported manifest version' };
  const files = parseFiles(value['files']);
  if (typeof files === 'string') return { ok: false, error: files };
  const folders = value['folders'];
  if (!Array.isArray(folders) || folders.length > MAX_MANIFEST_FOLDERS)
    return { ok: false, error: 'folders is not a list or too long' };
  if (!folders.every(isWirePath)) return { ok: false, error: 'a folder path is malformed' };
  return { ok: true, value: { version: 1, files, folders } };
}

/** The manifest as JSON, keys in a fixed order, so its SHA-256 names it. */
export function encodeManifest(manifest: Manifest): string {
  return JSON.stringify({
    version: manifest.version,
    files: manifest.files.map((f) =>
      f.sha256 === undefined
        ? { path: f.path, size: f.size, mtime: f.mtime }
        : { path: f.path, size: f.size, mtime: f.mtime, sha256: f.sha256 },
    ),
    folders: manifest.folders,
  });
}

export function totalBytes(manifest: Manifest): number {
  return manifest.files.reduce((sum, f) => sum + f.size, 0);
}

/** Names in a summary are for display: at most MAX_DISPLAY_NAME_CHARS code points. */
export const MAX_DISPLAY_NAME_CHARS = 255;

function displayName(name: string): string {
  return name.length <= MAX_DISPLAY_NAME_CHARS
    ? name
    : Array.from(name).slice(0, MAX_DISPLAY_NAME_CHARS).join('');
}

export function topLevelNames(manifest: Manifest): string[] {
  const names = new Set<string>();
  for (const path of [...manifest.files.map((f) => f.path), ...manifest.folders]) {
    if (names.size >= MAX_OFFER_NAMES) break;
    const top = path.split('/')[0] ?? '';
    if (top !== '') names.add(displayName(top));
  }
  return [...names];
}

export function summarize(manifest: Manifest): OfferSummary {
  return {
    files: manifest.files.length,
    folders: manifest.folders.length,
    bytes: totalBytes(manifest),
    names: topLevelNames(manifest),
  };
}

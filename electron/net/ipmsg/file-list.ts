// The attachment list of a SENDMSG with FILEATTACHOPT (IP Messenger protocol, "Extension with file
// attachment"): after the message text and a NUL,
//   fileID:filename:size:mtime:fileattr[:extend-attr=val1[,val2…][:extend-attr2=…]]:\a[:]fileID…
// fileID is decimal, size, mtime and fileattr hex; a ':' in a file name is written '::'. iptux
// writes each entry as `…:fileattr:\a` and sometimes a ':' after the '\a'. Works on decoded text.
import { FileKind, MAX_FILES_PER_OFFER, MAX_NAME_BYTES, MODE_MASK } from './constants';

export interface FileEntry {
  readonly fileId: number;
  readonly name: string;
  readonly size: number;
  /** Seconds since the Unix epoch, as the sender wrote it (0 when unknown). */
  readonly mtime: number;
  readonly attr: number;
}

export type FileEntryKind = 'file' | 'folder' | 'other';

export function entryKind(attr: number): FileEntryKind {
  const mode = attr & MODE_MASK;
  if (mode === FileKind.REGULAR) return 'file';
  if (mode === FileKind.DIR) return 'folder';
  return 'other';
}

const SEPARATOR = '\u0007';
const MAX_HEX_DIGITS = 13; // 2^52: sizes stay exact JavaScript numbers

/** Parses the list; malformed entries are skipped, at most MAX_FILES_PER_OFFER are kept. */
export function parseFileList(text: string): FileEntry[] {
  const entries: FileEntry[] = [];
  for (const raw of text.split(SEPARATOR)) {
    if (entries.length >= MAX_FILES_PER_OFFER) break;
    const entry = parseEntry(raw.replace(/^:/, ''));
    if (entry !== undefined && !entries.some((e) => e.fileId === entry.fileId)) entries.push(entry);
  }
  return entries;
}

/** One entry as iptux and IP Messenger write it: `id:name:size:mtime:attr:` then '\a'. */
export function formatFileEntry(entry: FileEntry): string {
  const hex = (n: number): string => Math.max(0, Math.floor(n)).toString(16);
  return `${entry.fileId}:${escapeName(entry.name)}:${hex(entry.size)}:${hex(entry.mtime)}:${hex(entry.attr)}:${SEPARATOR}`;
}

export function escapeName(name: string): string {
  return name.replaceAll(':', '::');
}

function parseEntry(raw: string): FileEntry | undefined {
  const idEnd = raw.indexOf(':');
  if (idEnd <= 0) return undefined;
  const fileId = parseDecimal(raw.slice(0, idEnd));
  const named = readName(raw, idEnd + 1);
  if (fileId === undefined || named === undefined) return undefined;
  const [sizeText = '', mtimeText = '', attrText = ''] = raw.slice(named.next).split(':');
  const size = parseHex(sizeText);
  const mtime = parseHex(mtimeText) ?? 0;
  const attr = parseHex(attrText);
  if (size === undefined || attr === undefined) return undefined;
  if (named.name === '' || Buffer.byteLength(named.name) > MAX_NAME_BYTES * 4) return undefined;
  return { fileId, name: named.name, size, mtime, attr };
}

/** Reads a name up to the first single ':'; '::' is a literal colon. */
export function readName(raw: string, start: number): { name: string; next: number } | undefined {
  let name = '';
  let i = start;
  while (i < raw.length) {
    const char = raw[i];
    if (char === ':') {
      if (raw[i + 1] !== ':') return { name, next: i + 1 };
      name += ':';
      i += 2;
      continue;
    }
    name += char ?? '';
    i += 1;
  }
  return undefined;
}

export function parseHex(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-9a-fA-F]{1,16}$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/^0+(?=.)/, '');
  return digits.length > MAX_HEX_DIGITS ? undefined : Number.parseInt(digits, 16);
}

export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

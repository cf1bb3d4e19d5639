// The folder stream that answers GETDIRFILES (IP Messenger protocol, "Extension with file
// attachment"): a sequence of
//   header-size:filename:file-size:fileattr[:extend-attr=val1[,val2…]…]:contents-data
// where header-size (hex) counts the header's bytes from its first digit to the ':' before the
// contents, sizes and attributes are hex, and a ':' in a name is '::'. A DIR entry enters that
// folder, RETPARENT (name ".") leaves it; the stream starts with the offered folder itself and
// ends with the RETPARENT that leaves it. iptux writes `%.4x:%s:%.9llx:%lx:14=%lx:16=%lx:`.
import {
  FILE_CREATETIME_ATTR,
  FILE_MTIME_ATTR,
  FileKind,
  MAX_DIR_HEADER_BYTES,
  MODE_MASK,
} from './constants';
import { escapeName, parseHex, readName } from './file-list';

export type DirEvent =
  | { readonly type: 'enter'; readonly name: string; readonly mtime: number }
  | { readonly type: 'leave' }
  | { readonly type: 'file'; readonly name: string; readonly size: number; readonly mtime: number }
  | { readonly type: 'skip'; readonly name: string; readonly size: number }
  | { readonly type: 'data'; readonly bytes: Uint8Array }
  | { readonly type: 'end-of-file' };

export class DirStreamError extends Error {
  override readonly name = 'DirStreamError';
}

const MAX_SIZE_DIGITS = 8;

/**
 * Turns stream chunks into events, in order. Pure and bounded: a header longer than
 * MAX_DIR_HEADER_BYTES or malformed throws DirStreamError (the caller aborts the transfer).
 */
export class DirStreamParser {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of content still to come for the current file (or skipped entry). */
  private remaining = 0;

  constructor(private readonly decode: (bytes: Uint8Array) => string) {}

  /** True between headers: a stream may end only here. */
  get atBoundary(): boolean {
    return this.remaining === 0 && this.pending.byteLength === 0;
  }

  push(chunk: Uint8Array): DirEvent[] {
    const events: DirEvent[] = [];
    let input: Buffer =
      this.pending.byteLength === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    this.pending = Buffer.alloc(0);
    while (input.byteLength > 0) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, input.byteLength);
        events.push({ type: 'data', bytes: input.subarray(0, take) });
        this.remaining -= take;
        input = input.subarray(take);
        if (this.remaining === 0) events.push({ type: 'end-of-file' });
        continue;
      }
      const size = headerSize(input);
      if (size === undefined || input.byteLength < size) {
        this.pending = Buffer.from(input);
        break;
      }
      events.push(...this.header(input.subarray(0, size)));
      input = input.subarray(size);
    }
    return events;
  }

  private header(bytes: Uint8Array): DirEvent[] {
    const text = this.decode(bytes);
    const fields = parseHeaderFields(text);
    const kind = fields.attr & MODE_MASK;
    if (kind === FileKind.RETPARENT) return [{ type: 'leave' }];
    if (kind === FileKind.DIR) return [{ type: 'enter', name: fields.name, mtime: fields.mtime }];
    if (fields.size > 0) this.remaining = fields.size;
    if (kind === FileKind.REGULAR) {
      const start: DirEvent = {
        type: 'file',
        name: fields.name,
        size: fields.size,
        mtime: fields.mtime,
      };
      return fields.size === 0 ? [start, { type: 'end-of-file' }] : [start];
    }
    const skip: DirEvent = { type: 'skip', name: fields.name, size: fields.size };
    return fields.size === 0 ? [skip, { type: 'end-of-file' }] : [skip];
  }
}

/** The header's length once its leading hex digits and ':' are in, else undefined. */
function headerSize(input: Uint8Array): number | undefined {
  const colon = input.subarray(0, MAX_SIZE_DIGITS + 1).indexOf(0x3a);
  if (colon === -1) {
    if (input.byteLength > MAX_SIZE_DIGITS)
      throw new DirStreamError('folder stream: no header size');
    return undefined;
  }
  const digits = Buffer.from(input.subarray(0, colon)).toString('latin1');
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw new DirStreamError('folder stream: bad header size');
  const size = Number.parseInt(digits, 16);
  if (size < colon + 1 + 6 || size > MAX_DIR_HEADER_BYTES) {
    throw new DirStreamError(`folder stream: header size ${size} out of range`);
  }
  return size;
}

interface HeaderFields {
  readonly name: string;
  readonly size: number;
  readonly attr: number;
  readonly mtime: number;
}

function parseHeaderFields(text: string): HeaderFields {
  const afterSize = text.indexOf(':') + 1;
  const named = readName(text, afterSize);
  if (named === undefined) throw new DirStreamError('folder stream: header without a name');
  const [sizeText = '', attrText = '', ...extended] = text.slice(named.next).split(':');
  const size = parseHex(sizeText);
  const attr = parseHex(attrText);
  if (size === undefined || attr === undefined)
    throw new DirStreamError('folder stream: bad size or attribute');
  return { name: named.name, size, attr, mtime: extendedMtime(extended) };
}

function extendedMtime(fields: readonly string[]): number {
  for (const field of fields) {
    const [key = '', value = ''] = field.split('=');
    if (parseHex(key) === FILE_MTIME_ATTR) return parseHex(value.split(',')[0] ?? '') ?? 0;
  }
  return 0;
}

export interface DirHeader {
  readonly name: string;
  readonly size: number;
  readonly attr: number;
  readonly mtime: number;
}

/** One header, its size field counting itself (at least 4 hex digits, as everyone writes it). */
export function formatDirHeader(header: DirHeader, encode: (text: string) => Buffer): Buffer {
  const hex = (n: number): string => Math.max(0, Math.floor(n)).toString(16);
  const name = header.attr === FileKind.RETPARENT ? '.' : escapeName(header.name);
  // iptux reads two extended attributes after fileattr, so both are written (as iptux does).
  const times = `${hex(FILE_MTIME_ATTR)}=${hex(header.mtime)}:${hex(FILE_CREATETIME_ATTR)}=${hex(header.mtime)}`;
  const rest = encode(`:${name}:${hex(header.size)}:${hex(header.attr)}:${times}:`);
  for (let width = 4; width <= MAX_SIZE_DIGITS; width += 1) {
    const total = width + rest.byteLength;
    if (total.toString(16).length <= width) {
      return Buffer.concat([Buffer.from(total.toString(16).padStart(width, '0'), 'latin1'), rest]);
    }
  }
  throw new DirStreamError('folder stream: header too long');
}

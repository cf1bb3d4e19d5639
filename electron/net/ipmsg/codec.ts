// The IPMsg datagram: `version:packetNo:user:host:command:extra`, split on the first five colons
// only (the extra part may hold colons, NULs and any bytes). Works on bytes: which text encoding
// the user, host and extra use is decided later (text-encoding.ts). Colons are safe to split on
// in every encoding in use: 0x3A is never a trail byte of GBK, GB18030, CP932 or UTF-8.
import {
  Command,
  MAX_FIELD_BYTES,
  MAX_RECEIVE_DATAGRAM_BYTES,
  MAX_VERSION_BYTES,
  MODE_MASK,
  Option,
} from './constants';

const COLON = 0x3a;
const NUL = 0x00;
const MAX_SECTIONS = 16;
const MAX_PACKET_NO = Number.MAX_SAFE_INTEGER;
const UINT32_MAX = 0xffff_ffff;

export interface IpmsgPacket {
  /** Starts with `1`: `1`, `1_iptux 0.8.3`, `1_lbt6_0#128#…` (FeiQ). */
  readonly version: string;
  readonly packetNo: number;
  /** Raw bytes, decoded with the peer's encoding when shown. */
  readonly user: Uint8Array;
  readonly host: Uint8Array;
  /** The whole 32-bit command number. */
  readonly command: number;
  /** Low 8 bits: what the packet is (Command). */
  readonly mode: number;
  /** High 24 bits: options (Option). */
  readonly options: number;
  /** Everything after the fifth colon, as sent. */
  readonly extra: Uint8Array;
  /** The extra part up to its first NUL: text, nickname or a packet number. */
  readonly body: Uint8Array;
  /** What follows the first NUL, split at NULs, without trailing empty parts. */
  readonly sections: readonly Uint8Array[];
}

export type ParseResult =
  | { readonly ok: true; readonly packet: IpmsgPacket }
  | { readonly ok: false; readonly reason: string };

/** Decodes one datagram or TCP request. Never throws; everything is bounded. */
export function parsePacket(bytes: Uint8Array): ParseResult {
  if (bytes.byteLength === 0) return fail('empty');
  if (bytes.byteLength > MAX_RECEIVE_DATAGRAM_BYTES) return fail('too large');
  const colons = firstColons(bytes, 5);
  if (colons.length < 4) return fail('fewer than five fields');
  const field = (i: number): Uint8Array =>
    bytes.subarray(i === 0 ? 0 : (colons[i - 1] ?? 0) + 1, colons[i] ?? bytes.byteLength);
  const version = asciiField(field(0), MAX_VERSION_BYTES);
  if (version === undefined || !version.startsWith('1')) return fail('not an IPMsg version');
  const packetNo = decimal(field(1), MAX_PACKET_NO);
  if (packetNo === undefined) return fail('bad packet number');
  const user = field(2);
  const host = field(3);
  if (user.byteLength > MAX_FIELD_BYTES || host.byteLength > MAX_FIELD_BYTES) {
    return fail('user or host too long');
  }
  const command = decimal(field(4), UINT32_MAX);
  if (command === undefined) return fail('bad command number');
  const extra = colons.length === 5 ? bytes.subarray((colons[4] ?? 0) + 1) : new Uint8Array(0);
  const { body, sections } = splitExtra(extra);
  const mode = command & MODE_MASK;
  const options = (command - mode) >>> 0;
  return {
    ok: true,
    packet: { version, packetNo, user, host, command, mode, options, extra, body, sections },
  };
}

export interface PacketHeader {
  readonly version: string;
  readonly packetNo: number;
  readonly user: Uint8Array;
  readonly host: Uint8Array;
  readonly command: number;
}

/** `version:packetNo:user:host:command:` followed by the extra bytes. */
export function formatPacket(header: PacketHeader, extra: Uint8Array): Buffer {
  const head = Buffer.concat([
    Buffer.from(`${header.version}:${header.packetNo}:`, 'latin1'),
    withoutColons(header.user),
    Buffer.from(':'),
    withoutColons(header.host),
    Buffer.from(`:${header.command >>> 0}:`),
  ]);
  return Buffer.concat([head, extra]);
}

/** Joins a body and its NUL-separated sections, ending with a NUL as IP Messenger does. */
export function joinExtra(body: Uint8Array, sections: readonly Uint8Array[] = []): Buffer {
  const parts: Uint8Array[] = [body];
  for (const section of sections) parts.push(Uint8Array.of(NUL), section);
  parts.push(Uint8Array.of(NUL));
  return Buffer.concat(parts);
}

/** The command number's mode and option names, for logs: `SENDMSG`, `SENDCHECKOPT|UTF8OPT`. */
export function commandName(mode: number): string {
  for (const [name, value] of Object.entries(Command)) if (value === mode) return name;
  return `0x${mode.toString(16).padStart(2, '0')}`;
}

const SEND_OPTIONS: readonly (keyof typeof Option)[] = [
  'SENDCHECKOPT',
  'SECRETOPT',
  'BROADCASTOPT',
  'MULTICASTOPT',
  'AUTORETOPT',
  'RETRYOPT',
  'PASSWORDOPT',
  'NOLOGOPT',
  'NOADDLISTOPT',
  'READCHECKOPT',
];
const COMMON_OPTIONS: readonly (keyof typeof Option)[] = [
  'DIALUPOPT',
  'FILEATTACHOPT',
  'ENCRYPTOPT',
  'UTF8OPT',
  'CAPUTF8OPT',
  'ENCEXTMSGOPT',
  'CLIPBOARDOPT',
  'IPTUX_SHAREDOPT',
];
const ENTRY_OPTIONS: readonly (keyof typeof Option)[] = ['ABSENCEOPT', 'SERVEROPT'];

export function optionNames(command: number): string[] {
  const mode = command & MODE_MASK;
  const own = mode === Command.SENDMSG || mode === Command.READMSG ? SEND_OPTIONS : ENTRY_OPTIONS;
  const set = [...own, ...COMMON_OPTIONS].filter((name) => (command & Option[name]) !== 0);
  const known = set.reduce((bits, name) => (bits | Option[name]) >>> 0, MODE_MASK);
  const rest = (command & ~known) >>> 0;
  const names: string[] = [...set];
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

function firstColons(bytes: Uint8Array, count: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < bytes.byteLength && found.length < count; i += 1) {
    if (bytes[i] === COLON) found.push(i);
  }
  return found;
}

/** Printable ASCII only, bounded. */
function asciiField(bytes: Uint8Array, max: number): string | undefined {
  if (bytes.byteLength === 0 || bytes.byteLength > max) return undefined;
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return undefined;
  return Buffer.from(bytes).toString('latin1');
}

/** Decimal digits only (1 to 16 of them), at most `max`. */
function decimal(bytes: Uint8Array, max: number): number | undefined {
  if (bytes.byteLength === 0 || bytes.byteLength > 16) return undefined;
  let value = 0;
  for (const byte of bytes) {
    if (byte < 0x30 || byte > 0x39) return undefined;
    value = value * 10 + (byte - 0x30);
  }
  return value <= max ? value : undefined;
}

function splitExtra(extra: Uint8Array): { body: Uint8Array; sections: Uint8Array[] } {
  const nul = extra.indexOf(NUL);
  if (nul === -1) return { body: extra, sections: [] };
  const sections: Uint8Array[] = [];
  let start = nul + 1;
  while (start < extra.byteLength && sections.length < MAX_SECTIONS) {
    const end = extra.indexOf(NUL, start);
    const stop = end === -1 ? extra.byteLength : end;
    sections.push(extra.subarray(start, stop));
    start = stop + 1;
  }
  while (sections.length > 0 && sections[sections.length - 1]?.byteLength === 0) sections.pop();
  return { body: extra.subarray(0, nul), sections };
}

/** The protocol has no escape for ':' in user and host names: IP Messenger says use ';'. */
function withoutColons(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = 0; i < copy.byteLength; i += 1) {
    if (copy[i] === COLON) copy[i] = 0x3b;
    else if (copy[i] === NUL) copy[i] = 0x20;
  }
  return copy;
}

// Which text encoding an IPMsg peer speaks. IP Messenger 3+ marks UTF-8 with UTF8OPT; iptux sends
// UTF-8 without the mark; FeiQ and older IP Messenger send GBK/CP936 (CP932 in Japan). Node's
// TextDecoder decodes GB18030 but nothing built into Node encodes it, so both directions of the
// legacy encodings go through iconv-lite. GBK cannot carry emoji; GB18030 (a superset) can.
import iconv from 'iconv-lite';

export type IpmsgEncoding = 'utf-8' | 'gb18030' | 'cp932';
export type EncodingSetting = 'auto' | IpmsgEncoding;
export const ENCODING_SETTINGS: readonly EncodingSetting[] = ['auto', 'utf-8', 'gb18030', 'cp932'];

export interface DecodeHints {
  /** The packet carried UTF8OPT. */
  readonly utf8Flag: boolean;
  /** What this peer was found to speak before. */
  readonly learned: IpmsgEncoding | undefined;
  readonly setting: EncodingSetting;
}

export interface Decoded {
  readonly text: string;
  readonly encoding: IpmsgEncoding;
  /** False for pure ASCII, which tells nothing about the peer's encoding. */
  readonly telling: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * The decode order: 1. UTF8OPT present: UTF-8; 2. the encoding learned for this peer (a learned
 * UTF-8 only while the bytes are valid UTF-8); 3. valid UTF-8: UTF-8; 4. the legacy fallback,
 * GB18030 unless the user chose CP932 (or UTF-8). Never throws.
 */
export function decodeText(bytes: Uint8Array, hints: DecodeHints): Decoded {
  const telling = !isAscii(bytes);
  if (!telling) return { text: Buffer.from(bytes).toString('latin1'), encoding: 'utf-8', telling };
  if (hints.utf8Flag) return { text: lenientUtf8.decode(bytes), encoding: 'utf-8', telling };
  const utf8 = tryUtf8(bytes);
  if (hints.learned !== undefined && hints.learned !== 'utf-8') {
    return { text: decodeLegacy(bytes, hints.learned), encoding: hints.learned, telling };
  }
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8', telling };
  const fallback = legacyFallback(hints.setting);
  if (fallback === 'utf-8') return { text: lenientUtf8.decode(bytes), encoding: 'utf-8', telling };
  return { text: decodeLegacy(bytes, fallback), encoding: fallback, telling };
}

/** Text in `encoding`; characters it cannot carry become `?` (GBK-only peers see GB18030). */
export function encodeText(text: string, encoding: IpmsgEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  return iconv.encode(text, encoding);
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  return tryUtf8(bytes) !== undefined;
}

export function isAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return false;
  return true;
}

export function parseEncodingSetting(text: string): EncodingSetting | undefined {
  const normal = text
    .trim()
    .toLowerCase()
    .replace(/^utf8$/, 'utf-8');
  const aliases: Record<string, EncodingSetting> = {
    gbk: 'gb18030',
    cp936: 'gb18030',
    sjis: 'cp932',
  };
  const value = aliases[normal] ?? normal;
  return ENCODING_SETTINGS.find((setting) => setting === value);
}

function legacyFallback(setting: EncodingSetting): IpmsgEncoding {
  return setting === 'auto' ? 'gb18030' : setting;
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined; // not UTF-8: the caller tries the next encoding
  }
}

function decodeLegacy(bytes: Uint8Array, encoding: 'gb18030' | 'cp932'): string {
  return iconv.decode(Buffer.from(bytes), encoding);
}

/** Byte helpers shared by the crypto modules: strict hex, concatenation, constant-time equality. */
import { timingSafeEqual } from 'node:crypto';

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Bytes of a lower-case hex string, or undefined when it is not exactly that (odd length, upper
 * case, any other character). `Buffer.from(s, 'hex')` silently stops at the first bad digit, which
 * would turn a corrupted key file into a shorter key instead of an error.
 */
export function fromHex(hex: string): Uint8Array | undefined {
  return HEX_PATTERN.test(hex) ? new Uint8Array(Buffer.from(hex, 'hex')) : undefined;
}

/** `fromHex` for constants in source code, where a bad string is a programming error. */
export function hexBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex.replace(/\s+/g, ''));
  if (bytes === undefined) throw new TypeError(`not lower-case hex: ${hex.slice(0, 16)}…`);
  return bytes;
}

/**
 * The same bytes as a plain Uint8Array (no copy). Node hands out Buffers, whose `slice` is a view
 * rather than a copy; the crypto API returns plain Uint8Arrays so `slice` means what it says.
 */
export function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Equal length and equal content, in time that depends only on the length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const byte of bytes) acc |= byte;
  return acc === 0;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

// The text body form of a `text` packet (feature `text-body`, docs/PROTOCOL.md "Text bodies"):
// the packet's JSON without `text`, then the text's UTF-8 bytes as they are. A 64 KiB text costs
// no JSON.stringify (which escapes one character at a time) and no JSON.parse of its text.
import { utf8Length } from '../utf8';
import { decodePacket, decodeParsed, ProtocolError, type DecodeResult } from './codec';
import { MAX_TEXT_BYTES, PROTOCOL_MARKER, PROTOCOL_VERSION } from './constants';
import type { TextPacket } from './packets';

/** The handshake feature that says a node reads the text body form. */
export const TEXT_BODY_FEATURE = 'text-body';
/**
 * The first byte of a text body record's plaintext. A lone packet starts with `{`, a bundle
 * with `[`, a relay file lane frame with 0xD0; JSON never starts with 0x00.
 */
export const TEXT_BODY_TAG = 0x00;
/** The tag and the body's length (4 bytes, big-endian), before the JSON part. */
export const TEXT_BODY_PREFIX_BYTES = 5;
/**
 * Texts of at least this many UTF-16 units go in the body form to a peer that has it: from here
 * the form saves a few microseconds and grows with the text (docs/BENCHMARKS.md, "Seventh pass on
 * issue 18: 64 KiB over TCP"); below it both forms cost about the same and the JSON reads better
 * in a capture. A text this long never fits one datagram, so in practice the form goes over TCP or a
 * relay.
 */
export const TEXT_BODY_MIN_CHARS = 1_024;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const CLOSE_BRACE = 0x7d;

/** String.prototype.isWellFormed (ES2024: Node 20, Chromium 111), not in the ES2023 lib. */
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * A `text` packet in the body form, within `maxBytes`:
 *
 *   0x00 · body length (4 bytes, big-endian) · the packet's JSON without `text` · the text's UTF-8
 *
 * The text is encoded straight into the result (`alloc` makes it: `Buffer.allocUnsafe` in the
 * node, which need not zero what is overwritten at once). Undefined when the form cannot carry
 * this text exactly as the JSON form would (a lone surrogate, which JSON keeps and UTF-8 cannot),
 * or it is over MAX_TEXT_BYTES or `maxBytes`: the caller sends the JSON form then.
 */
export function encodeTextBody(
  packet: TextPacket,
  maxBytes: number,
  alloc: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): Uint8Array | undefined {
  const { text, ...rest } = packet;
  const head = encoder.encode(
    JSON.stringify({ proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION, ...rest }),
  );
  const start = TEXT_BODY_PREFIX_BYTES + head.byteLength;
  // UTF-8 takes at least one byte per UTF-16 unit: a text of one-byte characters fits exactly.
  let out = alloc(start + text.length);
  let { read, written } = encoder.encodeInto(text, out.subarray(start));
  if (read < text.length) {
    if (!isWellFormed(text)) return undefined;
    out = alloc(start + utf8Length(text));
    ({ read, written } = encoder.encodeInto(text, out.subarray(start)));
    if (read < text.length) return undefined; // cannot happen: utf8Length is exact
  }
  if (written > MAX_TEXT_BYTES || start + written > maxBytes) return undefined;
  out[0] = TEXT_BODY_TAG;
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(1, written);
  out.set(head, TEXT_BODY_PREFIX_BYTES);
  return out;
}

function fail(code: ProtocolError['code'], message: string): DecodeResult {
  return { ok: false, error: new ProtocolError(code, message) };
}

/**
 * Decodes a record plaintext in the text body form (its first byte is TEXT_BODY_TAG). Never
 * throws. The body's length must be what follows the JSON part exactly (the JSON part ends with
 * `}`), the JSON part must be a `text` packet without `text` of its own, and the body must be
 * strict UTF-8 of at most MAX_TEXT_BYTES; then the packet is checked as its JSON form would be
 * (the same schema and limits).
 */
export function decodeTextBody(bytes: Uint8Array, maxBytes: number): DecodeResult {
  if (bytes.byteLength > maxBytes)
    return fail('too-large', `record is ${bytes.byteLength} bytes, limit ${maxBytes}`);
  if (bytes.byteLength < TEXT_BODY_PREFIX_BYTES || bytes[0] !== TEXT_BODY_TAG)
    return fail('bad-field', 'not a text body');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (length > MAX_TEXT_BYTES)
    return fail('too-large', `text body of ${length} bytes, limit ${MAX_TEXT_BYTES}`);
  const end = bytes.byteLength - length;
  if (end < TEXT_BODY_PREFIX_BYTES + 2 || bytes[end - 1] !== CLOSE_BRACE)
    return fail('bad-field', 'the text body length does not match the record');
  let json: unknown;
  try {
    json = JSON.parse(strictDecoder.decode(bytes.subarray(TEXT_BODY_PREFIX_BYTES, end)));
  } catch {
    return fail('not-json', 'the JSON part of a text body does not parse');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('not-protocol', 'the JSON part of a text body is not an object');
  const head = json as Record<string, unknown>;
  if (head['kind'] !== 'text') return fail('bad-field', 'a text body on a packet that is no text');
  if ('text' in head) return fail('bad-field', 'a text body and a `text` field');
  let text: string;
  try {
    text = strictDecoder.decode(bytes.subarray(end));
  } catch {
    return fail('bad-utf8', 'the text body is not valid UTF-8');
  }
  head['text'] = text;
  return decodeParsed(head);
}

/**
 * A record plaintext holding one packet: in the text body form when it starts with TEXT_BODY_TAG
 * and `textBody` (this node reads the form), else JSON. A node without the feature reads the form
 * as a bad packet, which is why it is not sent one.
 */
export function decodeRecordPacket(
  bytes: Uint8Array,
  maxBytes: number,
  textBody = true,
): DecodeResult {
  return bytes[0] === TEXT_BODY_TAG && textBody
    ? decodeTextBody(bytes, maxBytes)
    : decodePacket(bytes, maxBytes);
}

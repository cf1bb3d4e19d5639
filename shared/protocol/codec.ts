import {
  MAX_BUNDLE_PACKETS,
  MAX_DATAGRAM_BYTES,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from './constants';
// The composer's size check, zod-free for the renderer's first screen; the node uses it from here.
export { encodingLength, fitsOneDatagram, type StreamRole } from './datagram-fit';
import { serialize } from './datagram-fit';
import { hotCompactPacket, hotPacket } from './hot-packets';
import {
  headerSchema,
  PACKET_KINDS,
  packetSchema,
  type AckPacket,
  type AcksPacket,
  type Packet,
  type TextPacket,
} from './packets';

export type ProtocolErrorCode =
  | 'empty'
  | 'too-large'
  | 'bad-utf8'
  | 'not-json'
  | 'not-protocol'
  | 'unsupported-version'
  | 'unknown-kind'
  | 'bad-field';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type DecodeResult =
  | { readonly ok: true; readonly packet: Packet }
  | {
      readonly ok: false;
      readonly error: ProtocolError;
      /** The datagram as text when it was valid UTF-8 but not PacketChat protocol. */
      readonly text?: string;
    };

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const knownKinds: ReadonlySet<string> = new Set<string>(PACKET_KINDS);
const MARKER_PATTERN = new RegExp(`"proto"\\s*:\\s*"${PROTOCOL_MARKER}"`);

/** Encodes a packet; throws ProtocolError('too-large') if it does not fit one datagram. */
export function encodePacket(packet: Packet, maxBytes = MAX_DATAGRAM_BYTES): Uint8Array {
  const bytes = encoder.encode(serialize(packet));
  if (bytes.byteLength > maxBytes) {
    throw new ProtocolError(
      'too-large',
      `${packet.kind} packet is ${bytes.byteLength} bytes, limit ${maxBytes}`,
    );
  }
  return bytes;
}

type DecodeFailure = Extract<DecodeResult, { ok: false }>;

function fail(code: ProtocolErrorCode, message: string, text?: string): DecodeFailure {
  const error = new ProtocolError(code, message);
  return text === undefined ? { ok: false, error } : { ok: false, error, text };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes one datagram. Never throws: every malformed input becomes a ProtocolError with a code.
 * Fields the packet kind does not define are dropped; an unknown kind is `unknown-kind` so the
 * caller can ignore it quietly (newer peers may send kinds this version does not know).
 */
export function decodePacket(bytes: Uint8Array, maxBytes = MAX_DATAGRAM_BYTES): DecodeResult {
  const text = decodeText(bytes, maxBytes);
  if (typeof text !== 'string') return text;
  // Only something that looks like a JSON object can be protocol; anything else is plain text.
  if (!text.startsWith('{')) return fail('not-protocol', 'not a PacketChat packet', text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A broken PacketChat packet is junk; other text that merely starts with "{" is plain text.
    const ours = MARKER_PATTERN.test(text);
    return fail(
      'not-json',
      'datagram starts like JSON but does not parse',
      ours ? undefined : text,
    );
  }
  if (!isPlainObject(json) || json['proto'] !== PROTOCOL_MARKER) {
    return fail('not-protocol', 'JSON without the PacketChat marker', text);
  }
  return decodeObject(json);
}

/** The bytes as strict UTF-8 text within `maxBytes`, or the failure. */
function decodeText(bytes: Uint8Array, maxBytes: number): string | DecodeFailure {
  if (bytes.byteLength === 0) return fail('empty', 'empty datagram');
  if (bytes.byteLength > maxBytes) {
    return fail('too-large', `datagram is ${bytes.byteLength} bytes, limit ${maxBytes}`);
  }
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return fail('bad-utf8', 'datagram is not valid UTF-8');
  }
}

/**
 * Validates one parsed JSON object as a packet, as `decodePacket` does after `JSON.parse` (the
 * text body form, text-body.ts, parses its JSON part itself). Never throws.
 */
export function decodeParsed(json: unknown): DecodeResult {
  if (!isPlainObject(json) || json['proto'] !== PROTOCOL_MARKER)
    return fail('not-protocol', 'JSON without the PacketChat marker');
  return decodeObject(json);
}

/** Validates one parsed JSON object carrying the PacketChat marker as a packet. */
function decodeObject(json: Record<string, unknown>): DecodeResult {
  // A stream's texts and acks without zod (hot-packets.ts); anything it is unsure of goes on.
  const hot = hotPacket(json);
  if (hot !== undefined) return { ok: true, packet: hot };
  const head = headerSchema.safeParse(json);
  if (!head.success) return fail('bad-field', `bad header: ${summarize(head.error.issues)}`);
  // v1 had no authentication; a v2 node does not speak it (docs/PROTOCOL.md, "Why not v1").
  if (head.data.v !== PROTOCOL_VERSION) {
    return fail(
      'unsupported-version',
      `PacketChat protocol v${String(head.data.v)} is not supported`,
    );
  }
  if (!knownKinds.has(head.data.kind)) {
    return fail('unknown-kind', `unknown packet kind ${JSON.stringify(head.data.kind)}`);
  }
  const body = packetSchema.safeParse(json);
  if (!body.success) {
    return fail('bad-field', `bad ${head.data.kind} packet: ${summarize(body.error.issues)}`);
  }
  return { ok: true, packet: body.data };
}

/** The first byte of a bundle's inner plaintext (`[`): a lone packet starts with `{`. */
export const BUNDLE_START = 0x5b;

/**
 * The first element of a compact bundle (feature `compact`, docs/PROTOCOL.md "Compact
 * bundles"): the protocol version its packets are written in. They carry no `proto`, `v` or
 * `from`: the session says who sent them.
 */
export const COMPACT_BUNDLE_TAG = PROTOCOL_VERSION;
const COMPACT_HEAD = encoder.encode(`[${COMPACT_BUNDLE_TAG},`);

/**
 * A packet as it goes in a compact bundle: its JSON without `proto`, `v` and `from`. The same
 * packet alone (`compactToPacket`) is `COMPACT_PACKET_EXTRA + from.length` bytes longer.
 */
export function encodeCompact(packet: Packet): Uint8Array {
  return encoder.encode(compactJson(packet));
}

/**
 * `encodeCompact` as text: what a Bundler keeps per packet, so that a record's packets are
 * encoded to UTF-8 once, together (`CompactBundleWriter`), not once each into an array of their
 * own (an array and its backing store per packet cost more than the JSON).
 */
export function compactJson(packet: Packet): string {
  // A stream's plain chat text, as TextSender builds it, and an `acks` packet, as the Bundler
  // builds it, are written by hand: the same bytes
  // (test/shared/protocol/compact-bundle.test.ts checks them against JSON.stringify) without
  // stringifying the whole object and cutting `from` out of it.
  const hand =
    packet.kind === 'text'
      ? plainTextJson(packet)
      : packet.kind === 'acks'
        ? acksJson(packet)
        : packet.kind === 'ack'
          ? ackJson(packet)
          : undefined;
  if (hand !== undefined) return hand;
  // The packets this node builds start with `kind` and `from`: the JSON is cut after the kind,
  // which costs less than copying the packet without `from`. Any other order takes the copy.
  const json = JSON.stringify(packet);
  const head = `{"kind":"${packet.kind}","from":"${packet.from}",`;
  if (json.startsWith(head)) return `{"kind":"${packet.kind}",${json.slice(head.length)}`;
  const { from: _from, ...rest } = packet;
  return JSON.stringify(rest);
}

/**
 * The compact JSON of a plain chat text (no group, reply or control) whose fields are, in order,
 * kind, from, id, epoch, seq, floor, ts and text, with integer numbers: exactly what
 * `JSON.stringify` gives without `from`. Undefined for anything else (the generic path takes it).
 */
function plainTextJson(p: TextPacket): string | undefined {
  if (
    p.group !== undefined ||
    p.reply !== undefined ||
    p.control !== undefined ||
    !Number.isSafeInteger(p.seq) ||
    !Number.isSafeInteger(p.floor) ||
    !Number.isSafeInteger(p.ts) ||
    !hasKeys(p, PLAIN_TEXT_ORDER)
  )
    return undefined;
  return `{"kind":"text","id":${JSON.stringify(p.id)},"epoch":${JSON.stringify(p.epoch)},"seq":${p.seq},"floor":${p.floor},"ts":${p.ts},"text":${JSON.stringify(p.text)}}`;
}

/**
 * The compact JSON of an `acks` packet whose fields are kind, from and acks, each entry's id,
 * epoch and seq (an integer), in that order: what `JSON.stringify` gives without `from`.
 * Undefined for anything else.
 */
function acksJson(p: AcksPacket): string | undefined {
  if (!hasKeys(p, ACKS_ORDER)) return undefined;
  for (const ack of p.acks) if (!hasKeys(ack, ACK_ENTRY_ORDER)) return undefined;
  return compactAcksJson(p.acks);
}

/**
 * The compact JSON of an `acks` packet of these entries (kind, from and acks, in that order),
 * for entries the caller made as `{ id, epoch, seq }` literals (the Bundler): the same bytes as
 * `compactJson` of that packet, without checking each entry's keys. Undefined when a `seq` is not
 * an integer (the generic path takes the packet).
 */
export function compactAcksJson(
  acks: readonly { readonly id: string; readonly epoch: string; readonly seq: number }[],
): string | undefined {
  let json = '{"kind":"acks","acks":[';
  let first = true;
  for (const ack of acks) {
    if (!Number.isSafeInteger(ack.seq)) return undefined;
    json += `${first ? '' : ','}{"id":${JSON.stringify(ack.id)},"epoch":${JSON.stringify(ack.epoch)},"seq":${ack.seq}}`;
    first = false;
  }
  return `${json}]}`;
}
/**
 * The compact JSON of an `ack` packet whose fields are kind, from, id, epoch and seq (an
 * integer), in that order, as TextReceiver builds it: what `JSON.stringify` gives without `from`.
 * Undefined for anything else.
 */
function ackJson(p: AckPacket): string | undefined {
  if (!Number.isSafeInteger(p.seq) || !hasKeys(p, ACK_ORDER)) return undefined;
  return `{"kind":"ack","id":${JSON.stringify(p.id)},"epoch":${JSON.stringify(p.epoch)},"seq":${p.seq}}`;
}
const ACK_ORDER = ['kind', 'from', 'id', 'epoch', 'seq'] as const;
const ACKS_ORDER = ['kind', 'from', 'acks'] as const;
const ACK_ENTRY_ORDER = ['id', 'epoch', 'seq'] as const;

/** Whether `value`'s own enumerable keys are exactly `keys`, in that order. */
function hasKeys(value: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in value) {
    if (key !== keys[i]) return false;
    i += 1;
  }
  return i === keys.length;
}

/** The fields of a plain chat text in the order TextSender writes them (and zod gives back). */
const PLAIN_TEXT_ORDER = ['kind', 'from', 'id', 'epoch', 'seq', 'floor', 'ts', 'text'] as const;

/** Bytes a packet gains from its compact form to its lone form, besides its `from`. */
export const COMPACT_PACKET_EXTRA =
  `"proto":"${PROTOCOL_MARKER}","v":${PROTOCOL_VERSION},"from":"",`.length;

/**
 * The lone record of a packet made by `compactJson` (sent when it has no company): the header
 * and `from` written before its fields, encoded once.
 */
export function compactToPacket(compact: string, from: string): Uint8Array {
  return encoder.encode(
    `{"proto":"${PROTOCOL_MARKER}","v":${PROTOCOL_VERSION},"from":${JSON.stringify(from)},${compact.slice(1)}`,
  );
}

export type BundleResult =
  | {
      readonly ok: true;
      /** One result per packet of the bundle, in order: a bad one does not spoil the others. */
      readonly packets: readonly DecodeResult[];
    }
  | { readonly ok: false; readonly error: ProtocolError };

/**
 * Decodes the inner plaintext of a bundle record (docs/PROTOCOL.md, "Bundles"): a JSON array of
 * 1 to `maxPackets` packets, each exactly what a record carrying it alone would carry. Each is
 * validated on its own; a bundle that does not parse, is over the limit or holds an array (a
 * nested bundle) is refused whole. Never throws.
 *
 * With `compactFrom` (the session's peer, when this node has the `compact` feature), a bundle
 * whose first element is COMPACT_BUNDLE_TAG is a compact bundle: each packet after the tag gets
 * `proto`, `v` and `from` (= `compactFrom`) from it, and one that carries any of them is bad.
 */
export function decodeBundle(
  bytes: Uint8Array,
  maxBytes: number,
  maxPackets = MAX_BUNDLE_PACKETS,
  compactFrom?: string,
): BundleResult {
  const text = decodeText(bytes, maxBytes);
  if (typeof text !== 'string') return { ok: false, error: text.error };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new ProtocolError('not-json', 'bundle does not parse') };
  }
  if (!Array.isArray(json))
    return { ok: false, error: new ProtocolError('bad-field', 'a bundle is a non-empty array') };
  const all: readonly unknown[] = json;
  const compact = compactFrom !== undefined && all[0] === COMPACT_BUNDLE_TAG;
  // One walk each, no copies or callbacks: a stream's every bundle comes through here.
  const first = compact ? 1 : 0;
  const count = all.length - first;
  if (count === 0)
    return { ok: false, error: new ProtocolError('bad-field', 'a bundle is a non-empty array') };
  if (count > maxPackets) {
    return {
      ok: false,
      error: new ProtocolError('too-large', `bundle of ${count} packets, limit ${maxPackets}`),
    };
  }
  for (let i = first; i < all.length; i += 1)
    if (Array.isArray(all[i]))
      return { ok: false, error: new ProtocolError('bad-field', 'a bundle inside a bundle') };
  const packets: DecodeResult[] = [];
  for (let i = first; i < all.length; i += 1) {
    const item = all[i];
    if (!compact) {
      packets.push(
        isPlainObject(item) && item['proto'] === PROTOCOL_MARKER
          ? decodeObject(item)
          : fail('not-protocol', 'bundle item is not a PacketChat packet'),
      );
      continue;
    }
    if (!isPlainObject(item)) {
      packets.push(fail('not-protocol', 'bundle item is not a packet'));
      continue;
    }
    // One that names the hoisted fields itself (another sender, say) is bad.
    if ('proto' in item || 'v' in item || 'from' in item) {
      packets.push(fail('bad-field', 'a packet in a compact bundle carries proto, v or from'));
      continue;
    }
    // A text or an ack is checked as it is, with the session's `from` (hot-packets.ts).
    const hot = hotCompactPacket(item, compactFrom);
    if (hot !== undefined) {
      packets.push({ ok: true, packet: hot });
      continue;
    }
    // The parsed object is ours: the hoisted fields are written into it, then it is checked as
    // any packet is.
    item['proto'] = PROTOCOL_MARKER;
    item['v'] = PROTOCOL_VERSION;
    item['from'] = compactFrom;
    packets.push(decodeObject(item));
  }
  return { ok: true, packets };
}

/**
 * The inner plaintext of a bundle: the encoded packets (each as `encodePacket` makes it, or as
 * `encodeCompact` makes it for a compact bundle) joined into one JSON array, written once into
 * one buffer.
 */
export function joinBundle(parts: readonly Uint8Array[], compact = false): Uint8Array {
  const out = new Uint8Array(bundleLength(sumOf(parts), parts.length, compact));
  let at = 0;
  if (compact) {
    out.set(COMPACT_HEAD);
    at = COMPACT_HEAD.byteLength;
  } else out[at++] = BUNDLE_START;
  let first = true;
  for (const part of parts) {
    if (!first) out[at++] = 0x2c; // ,
    first = false;
    out.set(part, at);
    at += part.byteLength;
  }
  out[at] = 0x5d; // ]
  return out;
}

/**
 * Writes a compact bundle (`joinBundle(…, true)` of packets made by `compactJson`) into one buffer
 * as its packets come, without knowing their UTF-8 sizes first: `add` encodes a packet straight
 * behind the last one and says whether it fit, with room left for the closing bracket. The
 * Bundler groups a turn's packets into records this way (measuring every text's UTF-8 length to
 * group them cost more than the encoding). The buffer is reused: `finish` copies the record out.
 */
export class CompactBundleWriter {
  private readonly out: Uint8Array;
  private at = 0;
  private packets = 0;

  /** `maxBytes`: the largest bundle, brackets included. */
  constructor(private readonly maxBytes: number) {
    this.out = new Uint8Array(maxBytes);
  }

  /** Packets in the bundle begun by the last `start`. */
  get count(): number {
    return this.packets;
  }

  /** Begins a new bundle (what was written before is dropped). */
  start(): void {
    this.out.set(COMPACT_HEAD);
    this.at = COMPACT_HEAD.byteLength;
    this.packets = 0;
  }

  /** Appends `json` when it fits with the closing bracket; false, and nothing added, if not. */
  add(json: string): boolean {
    const comma = this.packets > 0 ? 1 : 0;
    const room = this.out.subarray(this.at + comma, this.maxBytes - 1);
    const { read, written } = encoder.encodeInto(json, room);
    if (read !== json.length) return false;
    if (comma === 1) this.out[this.at] = 0x2c; // ,
    this.at += comma + written;
    this.packets += 1;
    return true;
  }

  /** The bundle written since `start`, closed, in an array of its own. */
  finish(): Uint8Array {
    const inner = this.out.slice(0, this.at + 1);
    inner[this.at] = 0x5d; // ]
    return inner;
  }
}

function sumOf(parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return size;
}

/**
 * Bytes a bundle of packets of these sizes takes (brackets and commas included, and the tag of
 * a compact bundle).
 */
export function bundleLength(partBytes: number, parts: number, compact = false): number {
  return partBytes + parts + 1 + (compact ? COMPACT_HEAD.byteLength - 1 : 0);
}

function summarize(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

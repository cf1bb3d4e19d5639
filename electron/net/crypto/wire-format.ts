/**
 * The binary protocol v2 packet codec (docs/CRYPTO.md, "Packets"). The first byte of every v2
 * packet is a type in 0xF8–0xFF: bytes that never occur in UTF-8, so a v1 node files a v2 datagram
 * as junk instead of showing it as a stranger's text, and a v2 node tells v1 JSON (which starts
 * with "{") from v2 by one byte. All integers are big-endian. `decode` takes network input and
 * never throws; `encode` takes our own packets and throws a RangeError on a bad field (a bug).
 * Decoded byte fields are views into the input: copy them to keep them past the datagram.
 */
import { MAX_DATAGRAM_BYTES, MAX_FRAME_BYTES } from '../../../shared/protocol/constants';
import { AEAD_TAG_BYTES, X25519_KEY_BYTES } from './primitives';

export const WIRE_VERSION = 2;
export const PACKET_TYPE = {
  handshakeInit: 0xf8,
  handshakeResp: 0xf9,
  handshakeFinal: 0xfa,
  transport: 0xfb,
  cookieReply: 0xfc,
} as const;
/** The lowest first byte of a v2 packet: everything from here to 0xFF is v2 (0xFD–0xFF reserved). */
export const V2_FIRST_BYTE_MIN = 0xf8;

export const INDEX_BYTES = 4;
export const COUNTER_BYTES = 8;
/** type | version | senderIndex */
export const HANDSHAKE_INIT_HEADER_BYTES = 1 + 1 + INDEX_BYTES;
/** type | senderIndex | receiverIndex */
export const HANDSHAKE_RESP_HEADER_BYTES = 1 + INDEX_BYTES + INDEX_BYTES;
/** type | receiverIndex */
export const HANDSHAKE_FINAL_HEADER_BYTES = 1 + INDEX_BYTES;
/** type | receiverIndex | counter: also the AEAD associated data of the record. */
export const TRANSPORT_HEADER_BYTES = 1 + INDEX_BYTES + COUNTER_BYTES;
/** Header plus tag: 29 bytes. */
export const TRANSPORT_OVERHEAD_BYTES = TRANSPORT_HEADER_BYTES + AEAD_TAG_BYTES;
/** Largest inner packet that fits one 1200-byte datagram once sealed: 1171. */
export const MAX_DATAGRAM_INNER_BYTES = MAX_DATAGRAM_BYTES - TRANSPORT_OVERHEAD_BYTES;
/** A TCP frame carries one transport record of at most the frame limit. */
export const MAX_RECORD_BYTES = MAX_FRAME_BYTES;
export const MAX_RECORD_INNER_BYTES = MAX_RECORD_BYTES - TRANSPORT_OVERHEAD_BYTES;
/** Noise XX message sizes with an empty payload: e; e + sealed s + tag; sealed s + tag. */
export const NOISE_MESSAGE_1_MIN_BYTES = X25519_KEY_BYTES;
export const NOISE_MESSAGE_2_MIN_BYTES =
  X25519_KEY_BYTES + (X25519_KEY_BYTES + AEAD_TAG_BYTES) + AEAD_TAG_BYTES;
export const NOISE_MESSAGE_3_MIN_BYTES = X25519_KEY_BYTES + AEAD_TAG_BYTES + AEAD_TAG_BYTES;
export const COOKIE_BYTES = 16;
/** type | receiverIndex */
export const COOKIE_REPLY_HEADER_BYTES = 1 + INDEX_BYTES;
/** type | receiverIndex | cookie: 21 bytes, smaller than the HANDSHAKE_INIT it answers. */
export const COOKIE_REPLY_BYTES = COOKIE_REPLY_HEADER_BYTES + COOKIE_BYTES;

export type V2Packet =
  | {
      readonly type: 'handshake-init';
      readonly senderIndex: number;
      /** Noise XX message 1: e (32), then the cleartext payload (empty, or a cookie MAC). */
      readonly noiseMessage: Uint8Array;
    }
  | {
      readonly type: 'handshake-resp';
      readonly senderIndex: number;
      readonly receiverIndex: number;
      /** Noise XX message 2: e (32), sealed s (48), sealed payload (16 + N). */
      readonly noiseMessage: Uint8Array;
    }
  | {
      readonly type: 'handshake-final';
      readonly receiverIndex: number;
      /** Noise XX message 3: sealed s (48), sealed payload (16 + N). */
      readonly noiseMessage: Uint8Array;
    }
  | {
      readonly type: 'transport';
      readonly receiverIndex: number;
      readonly counter: bigint;
      /** The sealed inner packet followed by its 16-byte tag. */
      readonly ciphertext: Uint8Array;
    }
  | { readonly type: 'cookie-reply'; readonly receiverIndex: number; readonly cookie: Uint8Array };

export type V2PacketType = V2Packet['type'];

export type WireErrorCode =
  | 'empty'
  /** The first byte is below 0xF8: v1 JSON or plain text, not for this codec. */
  | 'not-v2'
  /** 0xFD–0xFF: reserved for later v2 types. */
  | 'unknown-type'
  | 'unsupported-version'
  | 'too-short'
  | 'too-long';

export type DecodeResult =
  | { readonly ok: true; readonly packet: V2Packet }
  | { readonly ok: false; readonly code: WireErrorCode; readonly message: string };

/** Whether a datagram or frame is protocol v2, from its first byte alone. */
export function isV2Packet(bytes: Uint8Array): boolean {
  return (bytes[0] ?? 0) >= V2_FIRST_BYTE_MIN;
}

/** Sizes of each type: fixed header, smallest body, and the whole packet's limit. */
const LAYOUT = {
  'handshake-init': {
    header: HANDSHAKE_INIT_HEADER_BYTES,
    minBody: NOISE_MESSAGE_1_MIN_BYTES,
    max: MAX_DATAGRAM_BYTES,
  },
  'handshake-resp': {
    header: HANDSHAKE_RESP_HEADER_BYTES,
    minBody: NOISE_MESSAGE_2_MIN_BYTES,
    max: MAX_DATAGRAM_BYTES,
  },
  'handshake-final': {
    header: HANDSHAKE_FINAL_HEADER_BYTES,
    minBody: NOISE_MESSAGE_3_MIN_BYTES,
    max: MAX_DATAGRAM_BYTES,
  },
  transport: { header: TRANSPORT_HEADER_BYTES, minBody: AEAD_TAG_BYTES, max: MAX_RECORD_BYTES },
  'cookie-reply': {
    header: COOKIE_REPLY_HEADER_BYTES,
    minBody: COOKIE_BYTES,
    max: COOKIE_REPLY_BYTES,
  },
} as const satisfies Record<V2PacketType, { header: number; minBody: number; max: number }>;

const TYPE_BY_BYTE = new Map<number, V2PacketType>([
  [PACKET_TYPE.handshakeInit, 'handshake-init'],
  [PACKET_TYPE.handshakeResp, 'handshake-resp'],
  [PACKET_TYPE.handshakeFinal, 'handshake-final'],
  [PACKET_TYPE.transport, 'transport'],
  [PACKET_TYPE.cookieReply, 'cookie-reply'],
]);
const BYTE_BY_TYPE: Record<V2PacketType, number> = {
  'handshake-init': PACKET_TYPE.handshakeInit,
  'handshake-resp': PACKET_TYPE.handshakeResp,
  'handshake-final': PACKET_TYPE.handshakeFinal,
  transport: PACKET_TYPE.transport,
  'cookie-reply': PACKET_TYPE.cookieReply,
};

function body(packet: V2Packet): Uint8Array {
  switch (packet.type) {
    case 'transport':
      return packet.ciphertext;
    case 'cookie-reply':
      return packet.cookie;
    default:
      return packet.noiseMessage;
  }
}

export function encodingLength(packet: V2Packet): number {
  return LAYOUT[packet.type].header + body(packet).length;
}

/** The packet's bytes. Throws RangeError when a field is out of range or a length is wrong. */
export function encode(packet: V2Packet): Uint8Array {
  const layout = LAYOUT[packet.type];
  const payload = body(packet);
  const length = layout.header + payload.length;
  if (payload.length < layout.minBody || length > layout.max) {
    throw new RangeError(
      `${packet.type}: ${length} bytes is outside ${layout.header + layout.minBody}–${layout.max}`,
    );
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint8(0, BYTE_BY_TYPE[packet.type]);
  switch (packet.type) {
    case 'handshake-init':
      view.setUint8(1, WIRE_VERSION);
      view.setUint32(2, checkIndex(packet.senderIndex));
      break;
    case 'handshake-resp':
      view.setUint32(1, checkIndex(packet.senderIndex));
      view.setUint32(5, checkIndex(packet.receiverIndex));
      break;
    case 'transport':
      view.setUint32(1, checkIndex(packet.receiverIndex));
      view.setBigUint64(5, checkCounter(packet.counter));
      break;
    default:
      view.setUint32(1, checkIndex(packet.receiverIndex));
  }
  out.set(payload, layout.header);
  return out;
}

/** The 13-byte TRANSPORT header, which is also the record's associated data. */
export function encodeTransportHeader(receiverIndex: number, counter: bigint): Uint8Array {
  // Written byte by byte: a DataView needs the array's ArrayBuffer, and asking a 13-byte array
  // for it moves its bytes off the V8 heap into a buffer of their own, once per record.
  const index = checkIndex(receiverIndex);
  const high = Number(checkCounter(counter) >> 32n);
  const low = Number(counter & 0xffff_ffffn);
  const header = new Uint8Array(TRANSPORT_HEADER_BYTES);
  header[0] = PACKET_TYPE.transport;
  writeUint32(header, 1, index);
  writeUint32(header, 5, high);
  writeUint32(header, 9, low);
  return header;
}

/** `value` (0 to 2^32 - 1) big-endian at `at`. */
function writeUint32(into: Uint8Array, at: number, value: number): void {
  into[at] = value >>> 24;
  into[at + 1] = (value >>> 16) & 0xff;
  into[at + 2] = (value >>> 8) & 0xff;
  into[at + 3] = value & 0xff;
}

/** Decodes one v2 packet. Never throws: every problem is a result with a code. */
export function decode(bytes: Uint8Array): DecodeResult {
  const first = bytes[0];
  if (first === undefined) return fail('empty', 'no bytes');
  if (first < V2_FIRST_BYTE_MIN) return fail('not-v2', `first byte 0x${first.toString(16)}`);
  const type = TYPE_BY_BYTE.get(first);
  if (type === undefined) return fail('unknown-type', `type 0x${first.toString(16)}`);
  const layout = LAYOUT[type];
  if (bytes.length < layout.header + layout.minBody) {
    return fail(
      'too-short',
      `${type}: ${bytes.length} bytes, at least ${layout.header + layout.minBody}`,
    );
  }
  if (bytes.length > layout.max)
    return fail('too-long', `${type}: ${bytes.length} bytes, at most ${layout.max}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rest = bytes.subarray(layout.header);
  switch (type) {
    case 'handshake-init': {
      const version = view.getUint8(1);
      if (version !== WIRE_VERSION) return fail('unsupported-version', `version ${version}`);
      return ok({ type, senderIndex: view.getUint32(2), noiseMessage: rest });
    }
    case 'handshake-resp':
      return ok({
        type,
        senderIndex: view.getUint32(1),
        receiverIndex: view.getUint32(5),
        noiseMessage: rest,
      });
    case 'handshake-final':
      return ok({ type, receiverIndex: view.getUint32(1), noiseMessage: rest });
    case 'transport':
      return ok({
        type,
        receiverIndex: view.getUint32(1),
        counter: view.getBigUint64(5),
        ciphertext: rest,
      });
    case 'cookie-reply':
      return ok({ type, receiverIndex: view.getUint32(1), cookie: rest });
  }
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff) {
    throw new RangeError(`index ${index} is not a 32-bit unsigned integer`);
  }
  return index;
}

const COUNTER_LIMIT = 2n ** 64n;

function checkCounter(counter: bigint): bigint {
  if (counter < 0n || counter >= COUNTER_LIMIT)
    throw new RangeError(`counter ${counter} is not 64-bit`);
  return counter;
}

function ok(packet: V2Packet): DecodeResult {
  return { ok: true, packet };
}

function fail(code: WireErrorCode, message: string): DecodeResult {
  return { ok: false, code, message };
}

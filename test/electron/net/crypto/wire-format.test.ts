import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COOKIE_REPLY_BYTES,
  decode,
  encode,
  encodeTransportHeader,
  encodingLength,
  isV2Packet,
  MAX_DATAGRAM_INNER_BYTES,
  MAX_RECORD_BYTES,
  TRANSPORT_HEADER_BYTES,
  TRANSPORT_OVERHEAD_BYTES,
  type V2Packet,
} from '../../../../electron/net/crypto/wire-format';
import { decodePacket } from '../../../../shared/protocol/codec';
import { MAX_DATAGRAM_BYTES, MAX_FRAME_BYTES } from '../../../../shared/protocol/constants';
import { hex } from './providers';

const filled = (length: number, value = 0xab) => new Uint8Array(length).fill(value);
/** `length` bytes starting with `type` (and `second`, when given). */
const packetOf = (type: number, length: number, second?: number) => {
  const bytes = filled(length);
  bytes[0] = type;
  if (second !== undefined && length > 1) bytes[1] = second;
  return bytes;
};

const samples: V2Packet[] = [
  { type: 'handshake-init', senderIndex: 0x01020304, noiseMessage: filled(32) },
  { type: 'handshake-init', senderIndex: 0xffffffff, noiseMessage: filled(48) },
  { type: 'handshake-resp', senderIndex: 7, receiverIndex: 0x01020304, noiseMessage: filled(96) },
  {
    type: 'handshake-resp',
    senderIndex: 0,
    receiverIndex: 0,
    noiseMessage: filled(MAX_DATAGRAM_BYTES - 9),
  },
  { type: 'handshake-final', receiverIndex: 9, noiseMessage: filled(64) },
  { type: 'transport', receiverIndex: 5, counter: 0n, ciphertext: filled(16) },
  { type: 'transport', receiverIndex: 5, counter: 2n ** 64n - 1n, ciphertext: filled(1171 + 16) },
  { type: 'transport', receiverIndex: 1, counter: 3n, ciphertext: filled(MAX_RECORD_BYTES - 13) },
  { type: 'cookie-reply', receiverIndex: 42, cookie: filled(16) },
];

describe('v2 wire format', () => {
  it('exports the sizes the design fixes', () => {
    expect(TRANSPORT_HEADER_BYTES).toBe(13);
    expect(TRANSPORT_OVERHEAD_BYTES).toBe(29);
    expect(MAX_DATAGRAM_INNER_BYTES).toBe(1171);
    expect(MAX_RECORD_BYTES).toBe(MAX_FRAME_BYTES);
    expect(COOKIE_REPLY_BYTES).toBe(21);
  });

  it.each(samples.map((p) => [p.type, p] as const))('round-trips %s', (_type, packet) => {
    const bytes = encode(packet);
    expect(bytes).toHaveLength(encodingLength(packet));
    expect(decode(bytes)).toEqual({ ok: true, packet });
  });

  it('lays out the bytes as documented, big-endian', () => {
    const init = encode({
      type: 'handshake-init',
      senderIndex: 0x01020304,
      noiseMessage: filled(32, 0xee),
    });
    expect(hex(init.subarray(0, 6))).toBe('f80201020304');
    const resp = encode({
      type: 'handshake-resp',
      senderIndex: 0x0a0b0c0d,
      receiverIndex: 0x01020304,
      noiseMessage: filled(96),
    });
    expect(hex(resp.subarray(0, 9))).toBe('f90a0b0c0d01020304');
    const final = encode({
      type: 'handshake-final',
      receiverIndex: 0x01020304,
      noiseMessage: filled(64),
    });
    expect(hex(final.subarray(0, 5))).toBe('fa01020304');
    const record = encode({
      type: 'transport',
      receiverIndex: 0x01020304,
      counter: 0x1122334455667788n,
      ciphertext: filled(16),
    });
    expect(hex(record.subarray(0, 13))).toBe('fb010203041122334455667788');
    expect(hex(encodeTransportHeader(0x01020304, 0x1122334455667788n))).toBe(
      hex(record.subarray(0, 13)),
    );
    const cookie = encode({
      type: 'cookie-reply',
      receiverIndex: 0x01020304,
      cookie: filled(16, 0x11),
    });
    expect(hex(cookie)).toBe('fc01020304' + '11'.repeat(16));
  });

  it('writes the transport header as encode() does at the edges of index and counter', () => {
    const indexes = [0, 1, 0xff, 0x100, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];
    const counters = [0n, 1n, 0xffn, 0xffff_ffffn, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n];
    for (const receiverIndex of indexes)
      for (const counter of counters) {
        const record = encode({
          type: 'transport',
          receiverIndex,
          counter,
          ciphertext: filled(16),
        });
        expect(hex(encodeTransportHeader(receiverIndex, counter))).toBe(
          hex(record.subarray(0, 13)),
        );
      }
    expect(() => encodeTransportHeader(1, 2n ** 64n)).toThrow(RangeError);
    expect(() => encodeTransportHeader(1, -1n)).toThrow(RangeError);
    expect(() => encodeTransportHeader(2 ** 32, 1n)).toThrow(RangeError);
  });

  it('is junk to a v1 node: never valid UTF-8, never a stranger message', () => {
    for (const packet of samples) {
      const bytes = encode(packet);
      expect(isV2Packet(bytes)).toBe(true);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
      if (bytes.length <= MAX_DATAGRAM_BYTES) {
        const v1 = decodePacket(bytes);
        expect(v1.ok).toBe(false);
        expect(v1.ok ? undefined : v1.text).toBeUndefined();
      }
    }
    expect(isV2Packet(new TextEncoder().encode('{"proto":"pchat"}'))).toBe(false);
    expect(isV2Packet(new Uint8Array(0))).toBe(false);
  });

  it.each<[string, Uint8Array, string]>([
    ['nothing', new Uint8Array(0), 'empty'],
    ['v1 JSON', new TextEncoder().encode('{"proto":"pchat","v":1}'), 'not-v2'],
    ['plain text', new TextEncoder().encode('hello'), 'not-v2'],
    ['0xF7', packetOf(0xf7, 41), 'not-v2'],
    ['reserved 0xFD', packetOf(0xfd, 41), 'unknown-type'],
    ['reserved 0xFF', Uint8Array.of(0xff), 'unknown-type'],
    ['init version 1', packetOf(0xf8, 38, 1), 'unsupported-version'],
    ['init version 3', packetOf(0xf8, 38, 3), 'unsupported-version'],
    ['init over 1200 bytes', packetOf(0xf8, 1201, 2), 'too-long'],
    ['resp over 1200 bytes', packetOf(0xf9, 1201), 'too-long'],
    ['final over 1200 bytes', packetOf(0xfa, 1201), 'too-long'],
    ['transport over a TCP frame', packetOf(0xfb, MAX_RECORD_BYTES + 1), 'too-long'],
    ['cookie of 17 bytes', packetOf(0xfc, 22), 'too-long'],
  ])('rejects %s', (_label, bytes, code) => {
    const result = decode(bytes);
    expect(result.ok ? 'ok' : result.code).toBe(code);
  });

  it('rejects every length below each minimum as too short', () => {
    for (const [type, minimum] of [
      [0xf8, 38],
      [0xf9, 105],
      [0xfa, 69],
      [0xfb, 29],
      [0xfc, 21],
    ] as const) {
      for (let length = 1; length < minimum; length++) {
        const result = decode(packetOf(type, length, 2));
        expect(result.ok ? 'ok' : result.code, `type ${type} length ${length}`).toBe('too-short');
      }
      expect(decode(packetOf(type, minimum, 2)).ok).toBe(true);
    }
  });

  it('never throws on random input, and what decodes re-encodes to the same bytes', () => {
    const v2ish = fc.tuple(fc.integer({ min: 0xf0, max: 0xff }), fc.uint8Array({ maxLength: 200 }));
    fc.assert(
      fc.property(
        fc.oneof(
          v2ish.map(([t, rest]) => Uint8Array.of(t, 2, ...rest)),
          fc.uint8Array({ maxLength: 1300 }),
        ),
        (bytes) => {
          const result = decode(bytes);
          if (result.ok) expect(hex(encode(result.packet))).toBe(hex(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses to encode bad fields', () => {
    const base = { type: 'handshake-final', noiseMessage: filled(64) } as const;
    for (const receiverIndex of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => encode({ ...base, receiverIndex })).toThrow(RangeError);
    }
    expect(() => encode({ ...base, receiverIndex: 1, noiseMessage: filled(63) })).toThrow(
      RangeError,
    );
    expect(() => encode({ type: 'cookie-reply', receiverIndex: 1, cookie: filled(15) })).toThrow(
      RangeError,
    );
    expect(() =>
      encode({ type: 'transport', receiverIndex: 1, counter: 2n ** 64n, ciphertext: filled(16) }),
    ).toThrow(RangeError);
    expect(() =>
      encode({ type: 'transport', receiverIndex: 1, counter: -1n, ciphertext: filled(16) }),
    ).toThrow(RangeError);
    expect(() =>
      encode({ type: 'handshake-init', senderIndex: 1, noiseMessage: filled(1195) }),
    ).toThrow(RangeError);
  });
});

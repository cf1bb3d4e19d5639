import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket } from '../../../shared/protocol/codec';
import {
  MAX_INNER_FRAME_BYTES,
  MAX_TEXT_BYTES,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants';
import type { TextPacket } from '../../../shared/protocol/packets';
import {
  decodeTextBody,
  encodeTextBody,
  TEXT_BODY_PREFIX_BYTES,
  TEXT_BODY_TAG,
} from '../../../shared/protocol/text-body';

// The text body form (docs/PROTOCOL.md, "Text bodies"): 0x00, the body's length (4 bytes), the
// packet's JSON without `text`, then the text's UTF-8.

const ME = '0123456789abcdef0123456789abcdef';
const enc = new TextEncoder();

const packet = (text: string, extra: Partial<TextPacket> = {}): TextPacket => ({
  kind: 'text',
  from: ME,
  id: 'msg1',
  epoch: 'epoch1',
  seq: 7,
  floor: 3,
  ts: 1_700_000_000_000,
  text,
  ...extra,
});

const body = (p: TextPacket): Uint8Array => {
  const bytes = encodeTextBody(p, MAX_INNER_FRAME_BYTES);
  if (bytes === undefined) throw new Error('no body form');
  return bytes;
};

/** A record plaintext in the body form written by hand: `head` as JSON, then `text` bytes. */
function handmade(head: unknown, text: Uint8Array, length = text.byteLength): Uint8Array {
  const json = enc.encode(JSON.stringify(head));
  const out = new Uint8Array(TEXT_BODY_PREFIX_BYTES + json.byteLength + text.byteLength);
  out[0] = TEXT_BODY_TAG;
  new DataView(out.buffer).setUint32(1, length);
  out.set(json, TEXT_BODY_PREFIX_BYTES);
  out.set(text, TEXT_BODY_PREFIX_BYTES + json.byteLength);
  return out;
}

const headOf = (p: TextPacket): Record<string, unknown> => {
  const { text: _text, ...rest } = p;
  return { proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION, ...rest };
};

/** The packet as its JSON form decodes: the body form must give exactly this. */
function viaJson(p: TextPacket): unknown {
  const decoded = decodePacket(encodePacket(p, MAX_INNER_FRAME_BYTES), MAX_INNER_FRAME_BYTES);
  expect(decoded.ok).toBe(true);
  return decoded.ok ? decoded.packet : undefined;
}

const errorOf = (bytes: Uint8Array): string | undefined => {
  const decoded = decodeTextBody(bytes, MAX_INNER_FRAME_BYTES);
  return decoded.ok ? undefined : decoded.error.code;
};

describe('the text body form', () => {
  const cases: [string, string][] = [
    ['ASCII', 'a plain line\n'.repeat(200)],
    ['multi-byte', 'Grüße, 你好, привет — '.repeat(100)],
    ['emoji', '😀👍🏽👨‍👩‍👧 '.repeat(100)],
    ['one character', 'x'],
    ['a BOM first, NUL and controls inside', '\uFEFFstart\u0000middle\u0001\u007f end'],
    ['ASCII at the byte limit', 'a'.repeat(MAX_TEXT_BYTES)],
    ['three-byte characters at the limit', '汉'.repeat(Math.floor(MAX_TEXT_BYTES / 3))],
    ['four-byte characters at the limit', '😀'.repeat(MAX_TEXT_BYTES / 4)],
  ];
  for (const [name, text] of cases) {
    it(`carries ${name} as its JSON form does`, () => {
      const p = packet(text);
      const bytes = body(p);
      expect(bytes[0]).toBe(TEXT_BODY_TAG);
      const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
      expect(length).toBe(enc.encode(text).byteLength);
      // The text's bytes are the record's tail, as they are.
      expect(bytes.subarray(bytes.byteLength - length)).toEqual(enc.encode(text));
      const decoded = decodeTextBody(bytes, MAX_INNER_FRAME_BYTES);
      expect(decoded.ok && decoded.packet).toEqual(viaJson(p));
    });
  }

  it('carries the optional fields (a reply, a group, a control message) in the JSON part', () => {
    for (const extra of [
      { reply: { id: 'orig1', excerpt: 'what was said' } },
      { control: 'file' },
      { reply: { id: '', excerpt: 5 } as unknown as TextPacket['reply'] },
    ]) {
      const p = packet('long text '.repeat(300), extra);
      const decoded = decodeTextBody(body(p), MAX_INNER_FRAME_BYTES);
      expect(decoded.ok && decoded.packet).toEqual(viaJson(p));
    }
  });

  it('round-trips any well-formed text as its JSON form does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), (text) => {
        const p = packet(text);
        const decoded = decodeTextBody(body(p), MAX_INNER_FRAME_BYTES);
        expect(decoded.ok && decoded.packet).toEqual(viaJson(p));
      }),
      { numRuns: 300 },
    );
  });

  it('is not made for what it cannot carry exactly: over the limits, a lone surrogate', () => {
    expect(encodeTextBody(packet('a'.repeat(MAX_TEXT_BYTES + 1)), MAX_INNER_FRAME_BYTES)).toBe(
      undefined,
    );
    expect(encodeTextBody(packet(`${'é'.repeat(32_768)}x`), MAX_INNER_FRAME_BYTES)).toBe(undefined);
    expect(encodeTextBody(packet('a'.repeat(2_000)), 1_000)).toBe(undefined);
    // JSON keeps a lone surrogate (as \ud800); UTF-8 cannot.
    expect(encodeTextBody(packet(`ab\ud800cd${'é'.repeat(10)}`), MAX_INNER_FRAME_BYTES)).toBe(
      undefined,
    );
    expect(encodeTextBody(packet('😀'.repeat(10)), MAX_INNER_FRAME_BYTES)).toBeDefined();
  });
});

describe('a text body from the network', () => {
  const good = packet('hello, body');
  const text = enc.encode(good.text);

  it('is checked as the JSON form: the handmade good one passes, each bad field fails', () => {
    const decoded = decodeTextBody(handmade(headOf(good), text), MAX_INNER_FRAME_BYTES);
    expect(decoded.ok && decoded.packet).toEqual(viaJson(good));
    expect(errorOf(handmade({ ...headOf(good), seq: 0 }, text))).toBe('bad-field');
    expect(errorOf(handmade({ ...headOf(good), from: 'me' }, text))).toBe('bad-field');
    expect(errorOf(handmade({ ...headOf(good), v: 1 }, text))).toBe('unsupported-version');
    expect(errorOf(handmade({ ...headOf(good), proto: 'other' }, text))).toBe('not-protocol');
    expect(errorOf(handmade([1, 2], text))).toBe('bad-field');
  });

  it('refuses a cut record, and a body length that says more or less than follows', () => {
    const whole = handmade(headOf(good), text);
    expect(errorOf(whole.subarray(0, whole.byteLength - 1))).toBe('bad-field');
    expect(errorOf(whole.subarray(0, 3))).toBe('bad-field');
    expect(errorOf(new Uint8Array(0))).toBe('bad-field');
    for (const lie of [0, 1, text.byteLength - 1, text.byteLength + 1, whole.byteLength])
      expect(errorOf(handmade(headOf(good), text, lie))).toBeDefined();
    // A body that starts with spaces and a length that moves them into the JSON part.
    const spaced = enc.encode('  spaced');
    expect(errorOf(handmade(headOf(good), spaced, spaced.byteLength - 2))).toBe('bad-field');
    expect(errorOf(handmade(headOf(good), spaced))).toBeUndefined();
  });

  it('refuses a body over MAX_TEXT_BYTES before reading it, and a record over the limit', () => {
    const over = new Uint8Array(MAX_TEXT_BYTES + 1).fill(0x61);
    expect(errorOf(handmade(headOf(good), over))).toBe('too-large');
    const atLimit = new Uint8Array(MAX_TEXT_BYTES).fill(0x61);
    expect(errorOf(handmade(headOf(good), atLimit))).toBeUndefined();
    const record = handmade(headOf(good), text);
    const decoded = decodeTextBody(record, record.byteLength - 1);
    expect(decoded.ok ? undefined : decoded.error.code).toBe('too-large');
  });

  it('refuses invalid UTF-8 in the body or the JSON part, never replacing it', () => {
    for (const bad of [[0xff], [0xc3], [0xe4, 0xbd], [0xed, 0xa0, 0x80], [0xc0, 0x80]])
      expect(errorOf(handmade(headOf(good), new Uint8Array([0x61, ...bad])))).toBe('bad-utf8');
    const record = handmade(headOf(good), text);
    record[TEXT_BODY_PREFIX_BYTES + 20] = 0xff;
    expect(errorOf(record)).toBe('not-json');
  });

  it('refuses a JSON part that carries `text` as well, or is no text packet', () => {
    expect(errorOf(handmade({ ...headOf(good), text: 'another' }, text))).toBe('bad-field');
    expect(errorOf(handmade({ ...headOf(good), kind: 'ack' }, text))).toBe('bad-field');
    expect(errorOf(handmade({ ...headOf(good), kind: 'frag' }, text))).toBe('bad-field');
    const { kind: _kind, ...noKind } = headOf(good);
    expect(errorOf(handmade(noKind, text))).toBe('bad-field');
    // An empty body is an empty text, which no text packet may be.
    expect(errorOf(handmade(headOf(good), new Uint8Array(0)))).toBe('bad-field');
  });

  it('never throws on any bytes after the tag', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const bytes = new Uint8Array([TEXT_BODY_TAG, ...tail]);
        expect(decodeTextBody(bytes, MAX_INNER_FRAME_BYTES).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

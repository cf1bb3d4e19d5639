import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  encodingLength,
  fitsOneDatagram,
  ProtocolError,
} from '../../../shared/protocol/codec';
import {
  MAX_DATAGRAM_BYTES,
  MAX_INNER_DATAGRAM_BYTES,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants';
import type { Packet } from '../../../shared/protocol/packets';

const A = '0123456789abcdef0123456789abcdef';
const STATE_REF = { type: 'state', id: A, sig: 's'.repeat(86) } as const;
const enc = new TextEncoder();
const bytes = (value: unknown): Uint8Array => enc.encode(JSON.stringify(value));

const samples: Packet[] = [
  { kind: 'announce', from: A, port: 4000, tcp: 4000 },
  { kind: 'hello', from: A, nick: '小明', host: 'h', port: 4001, tcp: 0, status: 'busy' },
  { kind: 'bye', from: A },
  {
    kind: 'text',
    from: A,
    id: 'm1',
    epoch: 'e1',
    seq: 1,
    floor: 1,
    ts: 1_700_000_000_000,
    text: '你好 👋 hi',
  },
  { kind: 'ack', from: A, id: 'm1', epoch: 'e1', seq: 1 },
];

describe('codec round trip', () => {
  it.each(samples)('$kind survives encode then decode', (packet) => {
    const wire = encodePacket(packet);
    expect(wire.byteLength).toBe(encodingLength(packet));
    expect(decodePacket(wire)).toEqual({ ok: true, packet });
  });

  it('puts the marker and version first so captures are readable', () => {
    const text = new TextDecoder().decode(encodePacket({ kind: 'bye', from: A }));
    expect(text).toBe(`{"proto":"pchat","v":2,"kind":"bye","from":"${A}"}`);
  });

  it('refuses to encode a packet larger than one datagram', () => {
    // (a sealed record adds 29 bytes: inner packets use MAX_INNER_DATAGRAM_BYTES)
    const big: Packet = {
      ...(samples[3] as Extract<Packet, { kind: 'text' }>),
      text: 'x'.repeat(1200),
    };
    expect(() => encodePacket(big)).toThrow(ProtocolError);
    expect(() => encodePacket(big)).toThrow(/limit 1200/);
  });

  it('ignores fields it does not know (newer peers may add them)', () => {
    const result = decodePacket(
      bytes({ proto: 'pchat', v: 2, kind: 'bye', from: A, extra: [1, 2] }),
    );
    expect(result).toEqual({ ok: true, packet: { kind: 'bye', from: A } });
  });

  it('reads an unknown status from a newer peer as online', () => {
    const hello = {
      proto: 'pchat',
      v: 2,
      kind: 'hello',
      from: A,
      nick: 'n',
      host: 'h',
      port: 1,
      tcp: 0,
      status: 'dnd',
    };
    const result = decodePacket(bytes(hello));
    expect(result.ok && result.packet.kind === 'hello' && result.packet.status).toBe('online');
  });

  it('strips invisible format characters from names, so one name cannot pass for another', () => {
    const hello = (nick: string) =>
      bytes({
        proto: 'pchat',
        v: 2,
        kind: 'hello',
        from: A,
        nick,
        host: 'h',
        port: 1,
        tcp: 0,
        status: 'online',
      });
    for (const [raw, shown] of [
      ['\u202eecila', 'ecila'],
      ['ali\u200bce', 'alice'],
      ['bob\u202etxt.exe', 'bobtxt.exe'],
      ['\u2066alice\u2069', 'alice'],
      ['\ufeffalice\u200d', 'alice'],
    ] as const) {
      const result = decodePacket(hello(raw));
      expect(result.ok && result.packet.kind === 'hello' && result.packet.nick).toBe(shown);
    }
    // Nothing but invisible characters is no name at all.
    expect(decodePacket(hello('\u200b\u202e')).ok).toBe(false);
  });
});

const text = {
  proto: 'pchat',
  v: 2,
  kind: 'text',
  from: A,
  id: 'm',
  epoch: 'e',
  seq: 1,
  floor: 1,
  ts: 1,
  text: 'x',
};
const malformed: [string, Uint8Array, string][] = [
  ['empty datagram', new Uint8Array(0), 'empty'],
  ['oversized datagram', new Uint8Array(MAX_DATAGRAM_BYTES + 1).fill(0x41), 'too-large'],
  ['invalid UTF-8', Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), 'bad-utf8'],
  ['lone surrogate half in UTF-8', Uint8Array.from([0xed, 0xa0, 0x80]), 'bad-utf8'],
  ['truncated JSON', enc.encode('{"proto":"pchat","v":1'), 'not-json'],
  ['JSON array', bytes([1, 2, 3]), 'not-protocol'],
  ['JSON without marker', bytes({ kind: 'bye', from: A }), 'not-protocol'],
  ['wrong marker', bytes({ proto: 'qq', v: 2, kind: 'bye', from: A }), 'not-protocol'],
  ['version 0', bytes({ proto: 'pchat', v: 0, kind: 'bye', from: A }), 'bad-field'],
  ['protocol v1', bytes({ proto: 'pchat', v: 1, kind: 'bye', from: A }), 'unsupported-version'],
  ['protocol v3', bytes({ proto: 'pchat', v: 3, kind: 'bye', from: A }), 'unsupported-version'],
  ['version as string', bytes({ proto: 'pchat', v: '2', kind: 'bye', from: A }), 'bad-field'],
  ['kind missing', bytes({ proto: 'pchat', v: 2, from: A }), 'bad-field'],
  ['unknown kind', bytes({ proto: 'pchat', v: 2, kind: 'read-receipt', from: A }), 'unknown-kind'],
  ['kind __proto__', bytes({ proto: 'pchat', v: 2, kind: '__proto__', from: A }), 'unknown-kind'],
  ['node id too short', bytes({ proto: 'pchat', v: 2, kind: 'bye', from: 'abc' }), 'bad-field'],
  [
    'node id upper case',
    bytes({ proto: 'pchat', v: 2, kind: 'bye', from: A.toUpperCase() }),
    'bad-field',
  ],
  ['seq zero', bytes({ ...text, seq: 0 }), 'bad-field'],
  ['seq fractional', bytes({ ...text, seq: 1.5 }), 'bad-field'],
  ['seq beyond safe integers', bytes({ ...text, seq: 2 ** 60 }), 'bad-field'],
  ['empty text', bytes({ ...text, text: '' }), 'bad-field'],
  ['text not a string', bytes({ ...text, text: { a: 1 } }), 'bad-field'],
  ['message id with spaces', bytes({ ...text, id: 'a b' }), 'bad-field'],
  [
    'port 0',
    bytes({
      proto: 'pchat',
      v: 2,
      kind: 'hello',
      from: A,
      nick: 'n',
      host: 'h',
      port: 0,
      tcp: 0,
      status: 'online',
    }),
    'bad-field',
  ],
  [
    'port 70000',
    bytes({
      proto: 'pchat',
      v: 2,
      kind: 'hello',
      from: A,
      nick: 'n',
      host: 'h',
      port: 70000,
      tcp: 0,
      status: 'online',
    }),
    'bad-field',
  ],
  [
    'nick with escape codes',
    bytes({
      proto: 'pchat',
      v: 2,
      kind: 'hello',
      from: A,
      nick: '\u001b[2J',
      host: 'h',
      port: 1,
      tcp: 0,
      status: 'online',
    }),
    'bad-field',
  ],
  [
    'nick too long',
    bytes({
      proto: 'pchat',
      v: 2,
      kind: 'hello',
      from: A,
      nick: 'n'.repeat(33),
      host: 'h',
      port: 1,
      tcp: 0,
      status: 'online',
    }),
    'bad-field',
  ],
];

describe('codec rejects malformed datagrams with a code, never a throw', () => {
  it.each(malformed)('%s', (_name, input, code) => {
    const result = decodePacket(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ProtocolError);
      expect(result.error.code).toBe(code);
    }
  });

  it('keeps the text of a plain UTF-8 datagram for the stranger path', () => {
    const result = decodePacket(enc.encode('hello from netcat\n'));
    expect(result).toMatchObject({ ok: false, text: 'hello from netcat\n' });
  });

  it('survives random bytes', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 2_000; i += 1) {
      const input = Uint8Array.from({ length: next() % 64 }, () => next() % 256);
      expect(() => decodePacket(input)).not.toThrow();
    }
  });
});

describe('replies on text packets', () => {
  const text = {
    kind: 'text' as const,
    from: 'a'.repeat(32),
    id: 'm1',
    epoch: 'e1',
    seq: 1,
    floor: 1,
    ts: 1,
    text: 'yes',
  };
  it('round-trips a reply and drops a malformed one without losing the message', () => {
    const reply = { id: 'orig', excerpt: 'Lunch at noon?' };
    expect(decodePacket(encodePacket({ ...text, reply }))).toEqual({
      ok: true,
      packet: { ...text, reply },
    });
    const bad = new TextEncoder().encode(
      JSON.stringify({ proto: 'pchat', v: 2, ...text, reply: { id: 'x', excerpt: 'a\u0007b' } }),
    );
    const decoded = decodePacket(bad);
    expect(decoded.ok && decoded.packet.kind === 'text' && decoded.packet.reply).toBe(undefined);
    expect(decoded.ok && decoded.packet.kind === 'text' && decoded.packet.text).toBe('yes');
  });

  it('decides "fits one datagram" exactly at the limit, escapes and wide characters included', () => {
    const longest = Number.MAX_SAFE_INTEGER;
    const length = (text: string): number =>
      encodingLength({
        kind: 'text',
        from: '0'.repeat(32),
        id: 'x'.repeat(12),
        epoch: 'x'.repeat(12),
        seq: longest,
        floor: longest,
        ts: longest,
        text,
      });
    for (const unit of ['a', '\u0001', '"', '字', '😀', '\ud800']) {
      // The longest text of this unit that fits, found by encoding; one more unit does not fit.
      let n = 0;
      while (length(unit.repeat(n + 1)) <= MAX_INNER_DATAGRAM_BYTES) n += 1;
      expect(fitsOneDatagram(unit.repeat(n)), `${n} x ${JSON.stringify(unit)}`).toBe(true);
      expect(fitsOneDatagram(unit.repeat(n + 1)), `${n + 1} x ${JSON.stringify(unit)}`).toBe(false);
    }
  });

  it('counts a group descriptor or a control name when deciding whether a text fits', () => {
    const longest = 'a'.repeat(MAX_INNER_DATAGRAM_BYTES);
    let n = 0;
    while (fitsOneDatagram(longest.slice(0, n + 1))) n += 1;
    const text = 'a'.repeat(n);
    expect(fitsOneDatagram(text)).toBe(true);
    expect(fitsOneDatagram(text, undefined, { group: STATE_REF })).toBe(false);
    expect(fitsOneDatagram(text, undefined, { control: 'file' })).toBe(false);
    const shorter = text.slice(0, n - 200);
    expect(fitsOneDatagram(shorter, undefined, { group: STATE_REF })).toBe(true);
    expect(fitsOneDatagram(shorter, undefined, { control: 'file' })).toBe(true);
  });

  it('refuses a text or fragment that is both a group item and a control message', () => {
    const text = {
      proto: 'pchat',
      v: PROTOCOL_VERSION,
      kind: 'text',
      from: A,
      id: 'm1',
      epoch: 'e1',
      seq: 1,
      floor: 1,
      ts: 1,
      text: '{}',
    };
    expect(decodePacket(bytes({ ...text, group: STATE_REF })).ok).toBe(true);
    expect(decodePacket(bytes({ ...text, control: 'file' })).ok).toBe(true);
    const both = decodePacket(bytes({ ...text, group: STATE_REF, control: 'file' }));
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.code).toBe('bad-field');
    // A malformed control name reads as `?`: still a control message, still refused with a group.
    expect(decodePacket(bytes({ ...text, group: STATE_REF, control: 7 })).ok).toBe(false);
    const { text: data, ...header } = text;
    const frag = { ...header, kind: 'frag', index: 0, count: 2, data };
    expect(decodePacket(bytes({ ...frag, control: 'file' })).ok).toBe(true);
    expect(decodePacket(bytes({ ...frag, group: STATE_REF, control: 'file' })).ok).toBe(false);
  });

  it('counts the reply when deciding whether a text fits one datagram', () => {
    const text900 = 'x'.repeat(900);
    expect(fitsOneDatagram(text900)).toBe(true);
    expect(fitsOneDatagram(text900, { id: 'orig', excerpt: '字'.repeat(140) })).toBe(false);
  });
});

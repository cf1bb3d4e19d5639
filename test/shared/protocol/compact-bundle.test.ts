import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPACT_BUNDLE_TAG,
  COMPACT_PACKET_EXTRA,
  compactAcksJson,
  compactJson,
  compactToPacket,
  decodeBundle,
  decodePacket,
  encodeCompact,
  encodePacket,
  joinBundle,
  bundleLength,
  CompactBundleWriter,
} from '../../../shared/protocol/codec';
import { utf8Length } from '../../../shared/utf8';
import {
  MAX_BUNDLE_PACKETS,
  MAX_INNER_DATAGRAM_BYTES,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants';
import type { AckPacket, AcksPacket, Packet, TextPacket } from '../../../shared/protocol/packets';

// Compact bundles (docs/PROTOCOL.md, "Compact bundles"): `[2, packet, …]` with each packet
// written without `proto`, `v` and `from`, which the receiver takes from the session.

const ME = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';
const enc = new TextEncoder();
const bytes = (value: unknown): Uint8Array => enc.encode(JSON.stringify(value));

const text = (seq: number, body = `text ${seq}`): TextPacket => ({
  kind: 'text',
  from: ME,
  id: `id${seq}`,
  epoch: 'epoch1',
  seq,
  floor: 1,
  ts: 1_700_000_000_000,
  text: body,
});
const samples: Packet[] = [
  text(1, '你好 👋 "quoted" \\ back'),
  { ...text(2), reply: { id: 'r1', excerpt: 'earlier' } },
  { ...text(3), control: 'file' },
  { kind: 'ack', from: ME, id: 'id1', epoch: 'epoch1', seq: 1 },
  {
    kind: 'acks',
    from: ME,
    acks: [
      { id: 'id1', epoch: 'e', seq: 1 },
      { id: 'id2', epoch: 'e', seq: 2 },
    ],
  },
  { kind: 'typing', from: ME },
  { kind: 'bye', from: ME },
  // Fields in another order than kind, from, …: encoded by the slower copy, to the same result.
  { id: 'id9', from: ME, kind: 'ack', epoch: 'e', seq: 9 },
];

function decoded(inner: Uint8Array, from: string | undefined): unknown[] {
  const result = decodeBundle(inner, MAX_INNER_DATAGRAM_BYTES, MAX_BUNDLE_PACKETS, from);
  if (!result.ok) throw result.error;
  return result.packets.map((r) => (r.ok ? r.packet : r.error.code));
}

describe('compact bundles', () => {
  it('carry every kind of packet, given back exactly as a full bundle gives it', () => {
    const inner = joinBundle(samples.map(encodeCompact), true);
    expect(new TextDecoder().decode(inner.subarray(0, 3))).toBe(`[${COMPACT_BUNDLE_TAG},`);
    expect(inner.byteLength).toBe(
      bundleLength(
        samples.reduce((n, p) => n + encodeCompact(p).byteLength, 0),
        samples.length,
        true,
      ),
    );
    const full = joinBundle(samples.map((p) => encodePacket(p)));
    expect(decoded(inner, ME)).toEqual(decoded(full, ME));
    expect(decoded(full, undefined)).toEqual(decoded(full, ME)); // full bundles as before
    // Each packet saves its header: proto, v and from (64 bytes with a 32-hex id).
    for (const p of samples)
      expect(encodePacket(p).byteLength - encodeCompact(p).byteLength).toBe(
        COMPACT_PACKET_EXTRA + ME.length,
      );
  });

  it('are written from the JSON text of their packets as they come, byte for byte as joined encodings, split where their sizes say', () => {
    const writer = new CompactBundleWriter(MAX_INNER_DATAGRAM_BYTES);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...samples), { minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        (picked, body) => {
          const packets = picked.map((p) => (p.kind === 'text' ? { ...p, text: body } : p));
          // What the writer makes, packet by packet, starting a new bundle when one does not fit.
          const written: Uint8Array[] = [];
          writer.start();
          for (const p of packets) {
            if (writer.add(compactJson(p))) continue;
            written.push(writer.finish());
            writer.start();
            expect(writer.add(compactJson(p))).toBe(true);
          }
          written.push(writer.finish());
          // The same bundles from the packets' UTF-8 sizes, each joined from its encodings.
          const expected: Uint8Array[] = [];
          let group: Packet[] = [];
          let size = 0;
          for (const p of packets) {
            const bytes = utf8Length(compactJson(p));
            if (
              group.length > 0 &&
              bundleLength(size + bytes, group.length + 1, true) > MAX_INNER_DATAGRAM_BYTES
            ) {
              expected.push(joinBundle(group.map(encodeCompact), true));
              group = [];
              size = 0;
            }
            group.push(p);
            size += bytes;
          }
          expected.push(joinBundle(group.map(encodeCompact), true));
          expect(written).toEqual(expected);
          for (const inner of written)
            expect(inner.byteOffset + inner.byteLength).toBe(inner.buffer.byteLength);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('send a lone packet as the plain record a full encoder makes, field for field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.string({ minLength: 1 }), (p, body) => {
        const packet = p.kind === 'text' ? { ...p, text: body } : p;
        const lone = compactToPacket(compactJson(packet), ME);
        expect(lone.byteLength).toBe(encodePacket(packet).byteLength);
        expect(decodePacket(lone)).toEqual(decodePacket(encodePacket(packet)));
      }),
      { numRuns: 200 },
    );
  });

  it('name their sender by the session only: a packet that carries proto, v or from is bad', () => {
    const compact = (p: Packet): Record<string, unknown> =>
      JSON.parse(new TextDecoder().decode(encodeCompact(p))) as Record<string, unknown>;
    const inner = bytes([
      COMPACT_BUNDLE_TAG,
      compact(text(1)),
      { ...compact(text(2)), from: OTHER },
      { ...compact(text(3)), from: ME }, // even the right one: the bundle gives it
      { ...compact(text(4)), proto: PROTOCOL_MARKER },
      { ...compact(text(5)), v: PROTOCOL_VERSION },
      'a string',
      7,
      null,
      { kind: 'from-the-future' },
      { ...compact(text(6)), seq: 0 },
      compact(text(7)),
    ]);
    const packets = decoded(inner, ME);
    expect(packets).toEqual([
      { ...text(1) },
      'bad-field',
      'bad-field',
      'bad-field',
      'bad-field',
      'not-protocol',
      'not-protocol',
      'not-protocol',
      'unknown-kind',
      'bad-field',
      { ...text(7) },
    ]);
    // The session's peer is who sent them, whoever they claim to be.
    expect(decoded(bytes([COMPACT_BUNDLE_TAG, compact(text(1))]), OTHER)).toEqual([
      { ...text(1), from: OTHER },
    ]);
  });

  it('are refused whole when empty, nested, over the limit, truncated or oversized', () => {
    const item = JSON.parse(new TextDecoder().decode(encodeCompact(text(1)))) as unknown;
    const refused = (inner: Uint8Array) =>
      decodeBundle(inner, MAX_INNER_DATAGRAM_BYTES, MAX_BUNDLE_PACKETS, ME);
    expect(refused(bytes([COMPACT_BUNDLE_TAG]))).toMatchObject({ ok: false });
    expect(refused(bytes([COMPACT_BUNDLE_TAG, item, [item]]))).toMatchObject({ ok: false });
    expect(refused(bytes([COMPACT_BUNDLE_TAG, [COMPACT_BUNDLE_TAG, item]]))).toMatchObject({
      ok: false,
    });
    expect(
      refused(bytes([COMPACT_BUNDLE_TAG, ...Array.from({ length: 65 }, () => ({}))])),
    ).toMatchObject({ ok: false, error: { code: 'too-large' } });
    // 64 packets after the tag are within the limit.
    expect(
      refused(bytes([COMPACT_BUNDLE_TAG, ...Array.from({ length: 64 }, () => ({}))])),
    ).toMatchObject({ ok: true });
    const whole = joinBundle([encodeCompact(text(1)), encodeCompact(text(2))], true);
    for (let cut = 1; cut < whole.byteLength; cut += 7)
      expect(refused(whole.subarray(0, cut))).toMatchObject({ ok: false });
    expect(decodeBundle(whole, whole.byteLength - 1, MAX_BUNDLE_PACKETS, ME)).toMatchObject({
      ok: false,
      error: { code: 'too-large' },
    });
  });

  it('are junk to a node without the feature, and other tags are no compact bundle', () => {
    const inner = joinBundle([encodeCompact(text(1)), encodeCompact(text(2))], true);
    expect(decoded(inner, undefined)).toEqual(['not-protocol', 'not-protocol', 'not-protocol']);
    const item = JSON.parse(new TextDecoder().decode(encodeCompact(text(1)))) as unknown;
    expect(decoded(bytes([3, item]), ME)).toEqual(['not-protocol', 'not-protocol']);
    expect(decoded(bytes(['2', item]), ME)).toEqual(['not-protocol', 'not-protocol']);
  });

  it('never throw on arbitrary JSON after the tag', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 70 }), (items) => {
        const result = decodeBundle(
          bytes([COMPACT_BUNDLE_TAG, ...items]),
          1 << 20,
          MAX_BUNDLE_PACKETS,
          ME,
        );
        if (result.ok) for (const r of result.packets) if (r.ok) expect(r.packet.from).toBe(ME);
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeCompact of a plain chat text, an ack and acks (written by hand)', () => {
  /** What the generic path writes: the packet's JSON without `from`, in the packet's order. */
  const generic = (p: Packet): Uint8Array => {
    const { from: _from, ...rest } = p;
    return enc.encode(JSON.stringify(rest));
  };
  const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
  const anyText = fc.record({
    kind: fc.constant('text' as const),
    from: fc.string({ unit: hex, minLength: 32, maxLength: 32 }),
    id: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
    epoch: fc.string({ minLength: 1, maxLength: 16 }),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    floor: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ts: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    // Any UTF-16, lone surrogates and control characters included: JSON.stringify escapes them.
    text: fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    ),
  });

  it('writes the same bytes as JSON.stringify, for any plain text', () => {
    fc.assert(
      fc.property(anyText, (p: TextPacket) => {
        expect(encodeCompact(p)).toEqual(generic(p));
      }),
      { numRuns: 1_000 },
    );
  });

  const anyAcks = fc.record({
    kind: fc.constant('acks' as const),
    from: fc.string({ unit: hex, minLength: 32, maxLength: 32 }),
    acks: fc.array(
      fc.record({
        id: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
        epoch: fc.string({ minLength: 1, maxLength: 16 }),
        seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      }),
      { minLength: 1, maxLength: 20 },
    ),
  });

  it('writes the same bytes as JSON.stringify, for any acks', () => {
    fc.assert(
      fc.property(anyAcks, (p: AcksPacket) => {
        expect(encodeCompact(p)).toEqual(generic(p));
        // The Bundler's own entries, written as they are made: the same text.
        expect(enc.encode(compactAcksJson(p.acks))).toEqual(generic(p));
        const [head, ...tail] = p.acks;
        if (head !== undefined)
          expect(compactAcksJson([...tail, { ...head, seq: 0.5 }])).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });

  const anyAck = fc.record({
    kind: fc.constant('ack' as const),
    from: fc.string({ unit: hex, minLength: 32, maxLength: 32 }),
    id: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
    epoch: fc.string({ minLength: 1, maxLength: 16 }),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  });

  it('writes the same bytes as JSON.stringify, for any ack, and leaves other shapes to it', () => {
    fc.assert(
      fc.property(anyAck, (p: AckPacket) => {
        expect(encodeCompact(p)).toEqual(generic(p));
        const variants: Packet[] = [
          { seq: p.seq, kind: 'ack', from: p.from, id: p.id, epoch: p.epoch },
          { ...p, seq: 0.5 },
          { ...p, seq: Number.NaN },
          { ...p, extra: true } as Packet,
        ];
        for (const v of variants) expect(encodeCompact(v)).toEqual(generic(v));
      }),
      { numRuns: 1_000 },
    );
  });

  it('leaves acks of another shape to JSON.stringify, with the same result', () => {
    fc.assert(
      fc.property(anyAcks, (p: AcksPacket) => {
        const [head, ...tail] = p.acks;
        if (head === undefined) return;
        const variants: Packet[] = [
          { acks: p.acks, kind: 'acks', from: p.from },
          { ...p, acks: [{ seq: head.seq, id: head.id, epoch: head.epoch }, ...tail] },
          { ...p, acks: [...tail, { ...head, seq: 0.5 }] },
          { ...p, acks: [{ ...head, extra: true } as typeof head, ...tail] },
        ];
        for (const v of variants) expect(encodeCompact(v)).toEqual(generic(v));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves any other shape to JSON.stringify, with the same result', () => {
    const variants = (p: TextPacket): Packet[] => [
      { ...p, reply: { id: 'r1', excerpt: 'earlier' } },
      { ...p, control: 'file' },
      { ...p, group: { id: 'g'.repeat(32), type: 'state' } } as Packet,
      // Another field order, and a field the schema does not know.
      {
        text: p.text,
        kind: 'text',
        from: p.from,
        id: p.id,
        epoch: p.epoch,
        seq: p.seq,
        floor: p.floor,
        ts: p.ts,
      },
      { ...p, extra: 1 } as Packet,
      { ...p, seq: 1.5 },
      { ...p, ts: Number.NaN },
    ];
    fc.assert(
      fc.property(anyText, (p: TextPacket) => {
        for (const v of variants(p)) expect(encodeCompact(v)).toEqual(generic(v));
      }),
      { numRuns: 200 },
    );
  });
});

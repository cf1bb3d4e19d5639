import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragmentText, Reassembler } from '../../electron/net/fragments';
import {
  decodePacket,
  encodePacket,
  encodingLength,
  ProtocolError,
  type ProtocolErrorCode,
} from '../../shared/protocol/codec';
import {
  MAX_DATAGRAM_BYTES,
  MAX_FRAGMENTS,
  MAX_FRAME_BYTES,
  MAX_HOST_LENGTH,
  MAX_ID_LENGTH,
  MAX_NICK_LENGTH,
  MAX_PARTIAL_BYTES,
  MAX_PARTIAL_PER_PEER,
  PROTOCOL_MARKER,
} from '../../shared/protocol/constants';
import {
  PACKET_KINDS,
  PEER_STATUSES,
  packetSchema,
  type FragPacket,
  type Packet,
  type TextPacket,
} from '../../shared/protocol/packets';

/*
 * Arbitraries built from the constraints of the zod schemas in shared/protocol/packets.ts:
 * node ids are 32 lowercase hex digits, message ids 1-64 of [A-Za-z0-9_-], nick 1-32 and host
 * 0-64 UTF-16 units without control characters, integers within their ranges.
 */
const RUNS = { numRuns: 300 };
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Names are stored without invisible format characters and without outer white space. */
const INVISIBLE = /\p{Cf}/gu;

const nodeId = fc.string({
  unit: fc.constantFrom(...Array.from('0123456789abcdef')),
  minLength: 32,
  maxLength: 32,
});
const messageId = fc.string({
  unit: fc.constantFrom(
    ...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  ),
  minLength: 1,
  maxLength: MAX_ID_LENGTH,
});
/** Any code points (astral ones too), control characters removed, at most `max` UTF-16 units. */
const label = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'binary', minLength: min, maxLength: max })
    .map((s) => s.replace(CONTROL, '').replace(INVISIBLE, '').trim())
    .filter((s) => s.length >= min && s.length <= max);
const port = fc.integer({ min: 1, max: 65_535 });
const seq = fc.oneof(
  fc.integer({ min: 1, max: 1_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);
const ts = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const anyText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '😀'),
    minLength: 1,
    maxLength: 50,
  }),
);

const portFields = { port, tcp: fc.integer({ min: 0, max: 65_535 }) };
const helloFields = {
  from: nodeId,
  nick: label(1, MAX_NICK_LENGTH),
  host: label(0, MAX_HOST_LENGTH),
  ...portFields,
  status: fc.constantFrom(...PEER_STATUSES),
};
const stream = { from: nodeId, id: messageId, epoch: messageId, seq, floor: seq, ts };

const packetArbitrary: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ kind: fc.constant('announce' as const), from: nodeId, ...portFields }),
  fc.record({ kind: fc.constant('hello' as const), ...helloFields }),
  fc.record({ kind: fc.constant('bye' as const), from: nodeId }),
  fc.record({ kind: fc.constant('typing' as const), from: nodeId }),
  fc.record({ kind: fc.constant('text' as const), ...stream, text: anyText }),
  fc.record({
    kind: fc.constant('frag' as const),
    ...stream,
    index: fc.integer({ min: 0, max: MAX_FRAGMENTS - 1 }),
    count: fc.integer({ min: 2, max: MAX_FRAGMENTS }),
    data: anyText,
  }),
  fc.record({
    kind: fc.constant('ack' as const),
    from: nodeId,
    id: messageId,
    epoch: messageId,
    seq,
  }),
);

const ERROR_CODES: readonly ProtocolErrorCode[] = [
  'empty',
  'too-large',
  'bad-utf8',
  'not-json',
  'not-protocol',
  'unsupported-version',
  'unknown-kind',
  'bad-field',
];

/** Decoding never throws: it gives a packet the schema accepts, or a clean ProtocolError. */
function expectCleanResult(bytes: Uint8Array, maxBytes = MAX_DATAGRAM_BYTES): void {
  const result = decodePacket(bytes, maxBytes);
  if (result.ok) {
    expect(packetSchema.safeParse(result.packet).success).toBe(true);
  } else {
    expect(result.error).toBeInstanceOf(ProtocolError);
    expect(ERROR_CODES).toContain(result.error.code);
    expect(typeof result.error.message).toBe('string');
  }
}

describe('codec properties', () => {
  it('round-trips every valid packet (as a frame; as a datagram exactly when it fits)', () => {
    fc.assert(
      fc.property(packetArbitrary, (packet) => {
        expect(packetSchema.safeParse(packet).success).toBe(true); // the arbitrary is honest
        const frame = encodePacket(packet, MAX_FRAME_BYTES);
        expect(decodePacket(frame, MAX_FRAME_BYTES)).toEqual({ ok: true, packet });
        const size = encodingLength(packet);
        expect(size).toBe(frame.byteLength);
        if (size <= MAX_DATAGRAM_BYTES) {
          expect(decodePacket(encodePacket(packet))).toEqual({ ok: true, packet });
        } else {
          expect(() => encodePacket(packet)).toThrow(ProtocolError);
          const refused = decodePacket(frame);
          expect(refused.ok || refused.error.code).toBe('too-large');
        }
      }),
      RUNS,
    );
  });

  it('puts the header first, readable in a capture', () => {
    fc.assert(
      fc.property(packetArbitrary, (packet) => {
        const text = new TextDecoder().decode(encodePacket(packet, MAX_FRAME_BYTES));
        expect(text.startsWith(`{"proto":"${PROTOCOL_MARKER}","v":2,"kind":"${packet.kind}"`)).toBe(
          true,
        );
      }),
      RUNS,
    );
  });

  it('turns arbitrary bytes only ever into a clean ProtocolError (never a throw)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1_500 }), (bytes) => {
        expectCleanResult(bytes);
        const result = decodePacket(bytes);
        if (bytes.byteLength > MAX_DATAGRAM_BYTES)
          expect(result.ok || result.error.code).toBe('too-large');
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on valid packets with bytes flipped, cut or inserted', () => {
    const mutated = fc
      .tuple(
        packetArbitrary,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 0, max: 255 }),
            fc.constantFrom('flip', 'cut', 'insert'),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
      )
      .map(([packet, edits]) => {
        let bytes = [...encodePacket(packet, MAX_FRAME_BYTES)];
        for (const [at, value, how] of edits) {
          const i = at % Math.max(1, bytes.length);
          if (how === 'flip') bytes[i] = value;
          else if (how === 'cut') bytes = bytes.slice(0, i);
          else bytes.splice(i, 0, value);
        }
        return Uint8Array.from(bytes);
      });
    fc.assert(
      fc.property(mutated, (bytes) => expectCleanResult(bytes, MAX_FRAME_BYTES)),
      RUNS,
    );
  });

  it('never throws on arbitrary JSON objects that carry the marker', () => {
    const kinds = fc.oneof(
      fc.constantFrom(...PACKET_KINDS),
      fc.string({ maxLength: 40 }),
      fc.jsonValue(),
    );
    const withMarker = fc
      .tuple(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 12 }),
        packetArbitrary,
        kinds,
        fc.oneof(fc.constant(1), fc.integer(), fc.jsonValue()),
        fc.boolean(),
      )
      .map(([extra, packet, kind, v, startFromPacket]) => {
        // Either a valid packet with junk fields over it, or junk with a kind and version.
        const base: Record<string, unknown> = startFromPacket ? { ...packet } : { kind };
        return JSON.stringify({ ...base, ...extra, proto: PROTOCOL_MARKER, v });
      });
    fc.assert(
      fc.property(withMarker, (json) => {
        const bytes = new TextEncoder().encode(json);
        expectCleanResult(bytes, MAX_FRAME_BYTES);
        const result = decodePacket(bytes, MAX_FRAME_BYTES);
        // What decodes re-encodes to itself: unknown fields are dropped once and for all.
        if (result.ok) {
          const again = decodePacket(encodePacket(result.packet, MAX_FRAME_BYTES), MAX_FRAME_BYTES);
          expect(again).toEqual(result);
        } else {
          // A marker makes it PacketChat's business: never handed on as a stranger's plain text.
          expect(result.text).toBeUndefined();
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads an unknown status from a newer peer as online', () => {
    fc.assert(
      fc.property(
        fc.record(helloFields),
        fc
          .string({ maxLength: 16 })
          .filter((s) => !(PEER_STATUSES as readonly string[]).includes(s)),
        (fields, status) => {
          const json = JSON.stringify({
            proto: PROTOCOL_MARKER,
            v: 2,
            kind: 'hello',
            ...fields,
            status,
          });
          const result = decodePacket(new TextEncoder().encode(json), MAX_FRAME_BYTES);
          expect(result.ok && result.packet.kind === 'hello' && result.packet.status).toBe(
            'online',
          );
        },
      ),
      RUNS,
    );
  });
});

describe('fragment reassembly properties (electron/net/fragments.ts)', () => {
  const PEERS = ['0'.repeat(32), '1'.repeat(32), 'a'.repeat(32)];
  const longText = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1_300, maxLength: 4_000 }),
    fc.string({
      unit: fc.constantFrom('a', '"', '\\', '\n', '长', '🚀'),
      minLength: 1_300,
      maxLength: 6_000,
    }),
  );
  const textPacket = fc.record({ kind: fc.constant('text' as const), ...stream, text: longText });
  /** The fragments of a long text in any order, each sent one to three times. */
  const scrambled = textPacket.chain((packet) => {
    const fragments = fragmentText(packet);
    return fc
      .tuple(
        fc.shuffledSubarray(fragments, {
          minLength: fragments.length,
          maxLength: fragments.length,
        }),
        fc.array(fc.nat(fragments.length - 1), { maxLength: fragments.length * 2 }),
      )
      .map(([order, repeats]) => ({ packet, fragments, order, repeats }));
  });

  it('fragments fit a datagram, and any shuffle with duplicates gives back the text exactly once', () => {
    fc.assert(
      fc.property(scrambled, fc.nat(), ({ packet, fragments, order, repeats }, seed) => {
        expect(fragments.length).toBeGreaterThanOrEqual(2);
        for (const f of fragments) {
          expect(encodingLength(f)).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
          expect(decodePacket(encodePacket(f))).toEqual({ ok: true, packet: f });
        }
        // Interleave the duplicates among the shuffled originals at seeded positions.
        const arrivals: FragPacket[] = [...order];
        repeats.forEach((i, k) =>
          arrivals.splice((seed + k * 7) % (arrivals.length + 1), 0, fragments[i]!),
        );
        const reassembler = new Reassembler();
        const complete: TextPacket[] = [];
        for (const [k, fragment] of arrivals.entries()) {
          const result = reassembler.accept(fragment, 1_000 + k);
          expect(result.status).not.toBe('rejected');
          if (result.status === 'complete') complete.push(result.packet);
        }
        expect(complete).toEqual([packet]);
        expect(reassembler.size).toBe(0);
        expect(reassembler.bytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('any strict subset, in any order and repeated, never completes and stays within its limits', () => {
    const subset = scrambled.chain(({ fragments }) =>
      fc
        .tuple(
          fc.shuffledSubarray(fragments, { minLength: 0, maxLength: fragments.length - 1 }),
          fc.array(fc.nat(), { maxLength: 3 * fragments.length }),
        )
        .map(([some, picks]) => ({
          some,
          // Repeats of fragments that did arrive, never of a missing one.
          arrivals: [
            ...some,
            ...(some.length === 0 ? [] : picks.map((i) => some[i % some.length]!)),
          ],
        })),
    );
    fc.assert(
      fc.property(subset, ({ some, arrivals }) => {
        const reassembler = new Reassembler();
        for (const fragment of arrivals) {
          expect(reassembler.accept(fragment, 0).status).not.toBe('complete');
        }
        expect(reassembler.size).toBe(some.length > 0 ? 1 : 0);
        // The partial is dropped after the reassembly timeout.
        reassembler.expire(60_000);
        expect(reassembler.size).toBe(0);
        expect(reassembler.bytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('several messages from several peers, interleaved and duplicated, each complete exactly once', () => {
    // Up to 6 long texts from up to 3 peers (at most 8 partial messages per peer, 64 in all, so
    // none is refused): their fragments all mixed together, some sent twice.
    const messages = fc
      .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 }), messageId), {
        minLength: 1,
        maxLength: 6,
        selector: ([peer, id]) => `${peer} ${id}`,
      })
      .chain((keys) =>
        fc.tuple(
          ...keys.map(([peer, id]) => textPacket.map((p) => ({ ...p, from: PEERS[peer]!, id }))),
        ),
      );
    const mixed = messages.chain((packets) => {
      const all = packets.flatMap((p) => fragmentText(p));
      return fc
        .tuple(
          fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          fc.array(fc.nat(all.length - 1), { maxLength: all.length }),
        )
        .map(([order, repeats]) => ({
          packets,
          arrivals: [...order, ...repeats.map((i) => all[i]!)],
        }));
    });
    fc.assert(
      fc.property(mixed, fc.nat(), ({ packets, arrivals }, seed) => {
        // Repeats land at seeded places among the originals, not all at the end.
        const order = arrivals.map((f, k) => ({ f, key: (k * 2_654_435_761 + seed) % 1_000_003 }));
        const reassembler = new Reassembler();
        const complete: TextPacket[] = [];
        for (const { f } of order.sort((x, y) => x.key - y.key)) {
          const result = reassembler.accept(f, 0);
          expect(result.status).not.toBe('rejected');
          if (result.status === 'complete') complete.push(result.packet);
        }
        const byKey = (p: TextPacket): string => `${p.from} ${p.id}`;
        expect(complete.map(byKey).sort()).toEqual(packets.map(byKey).sort());
        for (const p of packets) expect(complete.find((c) => byKey(c) === byKey(p))).toEqual(p);
        expect(reassembler.size).toBe(0);
        expect(reassembler.bytes).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('more partial messages than the limits allow: refused cleanly, never over the bounds', () => {
    // Twelve messages from one peer whose fragments all arrive first-fragment-first and never
    // finish: the per-peer limit (8) refuses the rest, and memory stays bounded.
    const twelve = fc.array(textPacket, { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(twelve, (packets) => {
        const reassembler = new Reassembler();
        const statuses: string[] = [];
        for (const [k, packet] of packets.entries()) {
          const [first] = fragmentText({ ...packet, from: PEERS[0]!, id: `m${k}` });
          const result = reassembler.accept(first!, 0);
          statuses.push(result.status);
          expect(reassembler.size).toBeLessThanOrEqual(MAX_PARTIAL_PER_PEER);
          expect(reassembler.bytes).toBeLessThanOrEqual(MAX_PARTIAL_BYTES);
        }
        expect(statuses.slice(0, MAX_PARTIAL_PER_PEER)).toEqual(
          Array.from({ length: MAX_PARTIAL_PER_PEER }, () => 'partial'),
        );
        expect(statuses.slice(MAX_PARTIAL_PER_PEER).every((s) => s === 'rejected')).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  // Regression: fragmentText() once sized pieces with the current floor's digits, so a
  // retransmission with a longer floor moved the cuts and pieces of two transmissions joined into
  // a wrong text. Cuts are now sized with the largest floor.
  it('fragments of different transmissions (the floor rose between them) join to the exact text', () => {
    const transmissions = fc
      .record({
        packet: textPacket,
        floor1: fc.integer({ min: 1, max: 999 }),
        floor2: fc.integer({ min: 1_000, max: 99_999 }),
      })
      .chain(({ packet, floor1, floor2 }) => {
        const seq = Math.max(packet.seq, floor2);
        const first = fragmentText({ ...packet, seq, floor: floor1 });
        const second = fragmentText({ ...packet, seq, floor: floor2 });
        return fc
          .array(fc.boolean(), { minLength: second.length, maxLength: second.length })
          .map((fromFirst) => ({
            text: packet.text,
            // Each piece from either transmission, then the rest of both (as retransmissions do).
            arrivals: [
              ...second.map((f, i) => (fromFirst[i] === true ? (first[i] ?? f) : f)),
              ...first,
              ...second,
            ],
          }));
      });
    fc.assert(
      fc.property(transmissions, ({ text, arrivals }) => {
        const reassembler = new Reassembler();
        const complete: string[] = [];
        for (const f of arrivals) {
          const result = reassembler.accept(f, 0);
          if (result.status === 'complete') complete.push(result.packet.text);
        }
        expect(complete).toEqual([text]);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('late duplicates after completion are recognised, never a second message', () => {
    fc.assert(
      fc.property(scrambled, ({ fragments, order }) => {
        const reassembler = new Reassembler();
        let completions = 0;
        for (const f of [...order, ...fragments]) {
          if (reassembler.accept(f, 0).status === 'complete') completions += 1;
        }
        expect(completions).toBe(1);
      }),
      { numRuns: 50 },
    );
  });
});

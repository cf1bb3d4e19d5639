import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../../shared/protocol/codec';
import {
  MAX_ACKS_PER_PACKET,
  MAX_ID_LENGTH,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants';
import { hotCompactPacket, hotPacket } from '../../../shared/protocol/hot-packets';
import { headerSchema, MAX_TEXT_CHARS, packetSchema } from '../../../shared/protocol/packets';

// The hot path must accept nothing the zod schemas refuse and give back exactly what they give
// (the same fields, values and order); it may leave any packet to them. Checked over valid
// packets, packets with one or more fields broken, and arbitrary objects.

/** What decodeObject made of a marked JSON object before the hot path: the zod schemas alone. */
function viaZod(json: Record<string, unknown>): unknown {
  const head = headerSchema.safeParse(json);
  if (!head.success || head.data.v !== PROTOCOL_VERSION) return undefined;
  const body = packetSchema.safeParse(json);
  return body.success ? body.data : undefined;
}

function agrees(json: Record<string, unknown>): void {
  const hot = hotPacket(json);
  compactAgrees(json, hot);
  if (hot === undefined) return; // left to zod: the old path, exactly
  const zod = viaZod(json);
  expect(zod).toStrictEqual(hot);
  expect(Object.keys(hot)).toEqual(Object.keys(zod as object));
}

/**
 * The packet as a compact bundle carries it (no proto, v or from), given its sender apart: the
 * compact hot path answers exactly as the full one does for the packet with them written in.
 */
function compactAgrees(json: Record<string, unknown>, full: unknown): void {
  if (json['proto'] !== PROTOCOL_MARKER || json['v'] !== PROTOCOL_VERSION) return;
  const { proto: _proto, v: _v, from, ...compact } = json;
  expect(hotCompactPacket(compact, from)).toStrictEqual(full);
}

const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const nodeId = fc.string({ unit: hex, minLength: 32, maxLength: 32 });
const idChar = fc.constantFrom(...'AZaz09_-xY'.split(''));
const messageId = fc.string({ unit: idChar, minLength: 1, maxLength: MAX_ID_LENGTH });
const seq = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const ts = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const header = { proto: fc.constant(PROTOCOL_MARKER), v: fc.constant(PROTOCOL_VERSION) };

const text = fc.record({
  ...header,
  kind: fc.constant('text'),
  from: nodeId,
  id: messageId,
  epoch: messageId,
  seq,
  floor: seq,
  ts,
  text: fc.string({ minLength: 1, maxLength: 40 }),
});
const ack = fc.record({
  ...header,
  kind: fc.constant('ack'),
  from: nodeId,
  id: messageId,
  epoch: messageId,
  seq,
});
const acks = fc.record({
  ...header,
  kind: fc.constant('acks'),
  from: nodeId,
  acks: fc.array(fc.record({ id: messageId, epoch: messageId, seq }), {
    minLength: 1,
    maxLength: MAX_ACKS_PER_PACKET,
  }),
});
const valid = fc.oneof(text, ack, acks);

/** Values near every limit the schemas draw, of every JSON type, and some that JSON has not. */
const edgy = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    2 ** 64,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'a',
    '0123456789ABCDEF0123456789ABCDEF',
    '0123456789abcdef0123456789abcde',
    '0123456789abcdef0123456789abcdef0',
    'x'.repeat(MAX_ID_LENGTH),
    'x'.repeat(MAX_ID_LENGTH + 1),
    'x'.repeat(MAX_TEXT_CHARS),
    'x'.repeat(MAX_TEXT_CHARS + 1),
    'a b',
    'é',
    '1',
    null,
    undefined,
    true,
    [],
    {},
    [{ id: 'a', epoch: 'b', seq: 1 }],
    { id: 'a', excerpt: 'b' },
  ),
  fc.jsonValue(),
  fc.anything(),
);

const FIELDS = [
  'proto',
  'v',
  'kind',
  'from',
  'id',
  'epoch',
  'seq',
  'floor',
  'ts',
  'text',
  'acks',
  'group',
  'reply',
  'control',
  'extra',
] as const;

/** A valid packet with some fields set to other values, deleted, or added. */
const broken = fc
  .tuple(
    valid,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(edgy, { nil: 'delete' as const })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([packet, changes]) => {
    const json: Record<string, unknown> = { ...packet };
    for (const [field, value] of changes) {
      if (value === 'delete') Reflect.deleteProperty(json, field);
      else json[field] = value;
    }
    return json;
  });

/** An `acks` packet with one entry broken. */
const brokenEntry = fc
  .tuple(
    acks,
    fc.nat(),
    fc.constantFrom('id', 'epoch', 'seq', 'extra'),
    fc.option(edgy, { nil: 'delete' as const }),
    fc.boolean(),
  )
  .map(([packet, at, field, value, replaceWhole]) => {
    const entries: unknown[] = packet.acks.map((entry) => ({ ...entry }));
    const i = at % entries.length;
    if (replaceWhole) entries[i] = value;
    else {
      const entry = entries[i] as Record<string, unknown>;
      if (value === 'delete') Reflect.deleteProperty(entry, field);
      else entry[field] = value;
    }
    return { ...packet, acks: entries };
  });

describe('hotPacket', () => {
  it('takes every valid plain text, ack and acks packet, exactly as zod gives it', () => {
    fc.assert(
      fc.property(valid, (packet) => {
        expect(hotPacket(packet)).toBeDefined();
        agrees(packet);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes no packet zod refuses, whichever fields are broken', () => {
    fc.assert(fc.property(broken, agrees), { numRuns: 5_000 });
    fc.assert(fc.property(brokenEntry, agrees), { numRuns: 3_000 });
  });

  it('takes nothing zod refuses among arbitrary objects', () => {
    const header = fc.record({
      proto: fc.constantFrom(PROTOCOL_MARKER, 'x'),
      v: fc.constantFrom(PROTOCOL_VERSION, 1, 3, '2'),
      kind: fc.constantFrom('text', 'ack', 'acks', 'hello', 'frag'),
    });
    const body = fc.dictionary(fc.constantFrom(...FIELDS), edgy);
    fc.assert(
      fc.property(header, body, (h, b) => agrees({ ...b, ...h })),
      { numRuns: 3_000 },
    );
  });

  it('leaves texts with a group, reply or control to zod, with its catch rules', () => {
    const base = {
      proto: PROTOCOL_MARKER,
      v: PROTOCOL_VERSION,
      kind: 'text',
      from: '0123456789abcdef0123456789abcdef',
      id: 'm1',
      epoch: 'e1',
      seq: 1,
      floor: 1,
      ts: 1,
      text: 'hi',
    };
    expect(hotPacket(base)).toBeDefined();
    for (const extra of [{ reply: 5 }, { control: 7 }, { group: undefined }]) {
      expect(hotPacket({ ...base, ...extra })).toBeUndefined();
    }
    // The whole decoder still applies zod's rules to them: a malformed reply is dropped.
    const decoded = decodePacket(new TextEncoder().encode(JSON.stringify({ ...base, reply: 5 })));
    expect(decoded.ok && decoded.packet).toMatchObject({ kind: 'text', text: 'hi' });
    expect(decoded.ok && 'reply' in decoded.packet && decoded.packet.reply).toBeUndefined();
  });

  it('is what decodePacket uses: a broken hot packet is still refused', () => {
    const wire = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const acksPacket = {
      proto: PROTOCOL_MARKER,
      v: PROTOCOL_VERSION,
      kind: 'acks',
      from: '0123456789abcdef0123456789abcdef',
      acks: [{ id: 'a', epoch: 'b', seq: 0 }],
    };
    expect(decodePacket(wire(acksPacket))).toMatchObject({ ok: false });
    expect(
      decodePacket(wire({ ...acksPacket, acks: [{ id: 'a', epoch: 'b', seq: 1, x: 2 }] })),
    ).toMatchObject({
      ok: true,
      packet: { kind: 'acks', acks: [{ id: 'a', epoch: 'b', seq: 1 }] },
    });
  });
});

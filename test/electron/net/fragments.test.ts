import { describe, expect, it } from 'vitest';
import { fragmentText, Reassembler } from '../../../electron/net/fragments';
import { splitUtf8 } from '../../../electron/net/strangers';
import { encodingLength } from '../../../shared/protocol/codec';
import type { FragPacket, TextPacket } from '../../../shared/protocol/packets';

const FROM = 'abcdefabcdefabcdefabcdefabcdefab';
const text = (body: string, id = 'msg1'): TextPacket => ({
  kind: 'text',
  from: FROM,
  id,
  epoch: 'ep',
  seq: 3,
  floor: 1,
  ts: 5,
  text: body,
});
const body = `${'长文本 "quoted" \\ 🚀\n'.repeat(2_000)}end`;

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('fragmentText', () => {
  it('makes fragments that each fit one datagram and join back to the text', () => {
    const fragments = fragmentText(text(body));
    expect(fragments.length).toBeGreaterThan(10);
    for (const f of fragments) expect(encodingLength(f)).toBeLessThanOrEqual(1200);
    expect(fragments.map((f) => f.data).join('')).toBe(body);
    expect(new Set(fragments.map((f) => f.count))).toEqual(new Set([fragments.length]));
  });

  it('never splits a surrogate pair', () => {
    const emoji = '🚀'.repeat(1_000);
    for (const f of fragmentText(text(emoji))) expect(f.data).toMatch(/^(🚀)+$/u);
  });
});

describe('Reassembler', () => {
  const fragments = fragmentText(text(body));

  it('reassembles any shuffle, with duplicates, exactly once', () => {
    for (const seed of [1, 2, 3]) {
      const r = new Reassembler();
      const arrival = shuffle([...fragments, ...fragments.slice(0, 5)], seed);
      const complete = arrival.map((f) => r.accept(f, 0)).filter((x) => x.status === 'complete');
      expect(complete).toHaveLength(1);
      expect(complete[0]).toEqual({ status: 'complete', packet: text(body) });
      expect(r.size).toBe(0);
      expect(r.bytes).toBe(0);
    }
  });

  it('waits for a missing fragment and drops the partial message after the timeout', () => {
    const r = new Reassembler();
    for (const f of fragments.slice(1)) expect(r.accept(f, 0).status).toBe('partial');
    expect(r.size).toBe(1);
    expect(r.expire(29_999)).toBe(0);
    expect(r.expire(30_000)).toBe(1);
    expect(r.bytes).toBe(0);
  });

  it('bounds partial messages per peer and in all', () => {
    const r = new Reassembler();
    const firstOf = (id: string): FragPacket => ({
      ...(fragmentText(text(body, id))[0] as FragPacket),
    });
    for (let i = 0; i < 8; i += 1) expect(r.accept(firstOf(`m${i}`), 0).status).toBe('partial');
    const refused = r.accept(firstOf('m8'), 0);
    expect(refused.status === 'rejected' && refused.reason).toMatch(/from this peer/);
  });

  it('when every slot is taken, the busiest peer gives way to one that holds fewer', () => {
    const r = new Reassembler();
    const frag = (from: string, id: string, index = 0): FragPacket => ({
      kind: 'frag',
      from,
      id,
      epoch: 'ep',
      seq: 1,
      floor: 1,
      ts: 5,
      index,
      count: 2,
      data: `${id} part ${index}`,
    });
    // Sixteen identities of one host, four partial messages each: all 64 slots.
    const hostile = Array.from({ length: 16 }, (_, i) => i.toString(16).repeat(32));
    hostile.forEach((from, i) => {
      for (let m = 0; m < 4; m += 1)
        expect(r.accept(frag(from, `h${m}`), i).status).toBe('partial');
    });
    expect(r.size).toBe(64);
    // An honest peer still gets a slot: the oldest partial message of a busiest peer goes.
    expect(r.accept(frag(FROM, 'honest'), 20).status).toBe('partial');
    expect(r.size).toBe(64);
    expect(r.accept(frag(hostile[0] ?? '', 'h0', 1), 21).status).toBe('partial'); // it went
    // A peer holding as many as the busiest cannot push out anyone.
    const greedy = r.accept(frag(hostile[5] ?? '', 'more'), 22);
    expect(greedy.status === 'rejected' && greedy.reason).toBe('too many partial messages');
    // The honest partial message is intact: its other fragment completes it.
    expect(r.accept(frag(FROM, 'honest', 1), 23).status).toBe('complete');
  });

  it('rejects fragments that contradict each other or point past the end', () => {
    const r = new Reassembler();
    const [first, second] = fragments as [FragPacket, FragPacket];
    r.accept(first, 0);
    expect(r.accept({ ...second, count: second.count + 1 }, 0).status).toBe('rejected');
    expect(r.accept({ ...second, index: second.count }, 0).status).toBe('rejected');
  });
});

describe('splitUtf8', () => {
  it('cuts on code points within the byte budget', () => {
    const pieces = splitUtf8('a你🚀'.repeat(500), 1200);
    expect(pieces.join('')).toBe('a你🚀'.repeat(500));
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(1200);
  });
});

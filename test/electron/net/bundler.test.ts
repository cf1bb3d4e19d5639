import { describe, expect, it } from 'vitest';
import { Bundler } from '../../../electron/net/bundler';
import type { SendMeta } from '../../../electron/net/wire';
import { decodeBundle, decodePacket, encodePacket } from '../../../shared/protocol/codec';
import { MAX_BUNDLE_PACKETS, MAX_INNER_DATAGRAM_BYTES } from '../../../shared/protocol/constants';
import type { Packet } from '../../../shared/protocol/packets';

const ME = 'a'.repeat(32);
const PEER = 'b'.repeat(32);
const TO = { address: '127.0.0.1', port: 4000 };

/** A bundler whose "seal" is the identity and whose turn ends when the test says so. */
function harness(options: { session?: boolean; sendThrows?: boolean; compact?: boolean } = {}) {
  const records: { inner: Uint8Array; meta: SendMeta; to: string }[] = [];
  const failures: string[] = [];
  let lost = 0;
  let scheduled = 0;
  const bundler = new Bundler({
    nodeId: ME,
    maxInner: MAX_INNER_DATAGRAM_BYTES,
    seal: (_peer, inner) =>
      options.session === false
        ? undefined
        : { record: inner, header: { type: 'transport', index: 1, counter: '0' } },
    send: (record, to, meta) => {
      if (options.sendThrows === true) throw new Error('a bug below');
      records.push({ inner: record, meta, to: `${to.address}:${to.port}` });
    },
    noSession: () => (lost += 1),
    failed: (peerId, error) => failures.push(`${peerId}: ${String(error)}`),
    schedule: () => {
      scheduled += 1;
      return () => undefined;
    },
    compact: (peerId) => options.compact === true && peerId === PEER,
  });
  return { bundler, records, failures, lost: () => lost, scheduled: () => scheduled };
}

const text = (seq: number, body = `text ${seq}`): Packet => ({
  kind: 'text',
  from: ME,
  id: `id${seq}`,
  epoch: 'epoch1',
  seq,
  floor: 1,
  ts: 1_700_000_000_000,
  text: body,
});
const ack = (seq: number): Packet => ({ kind: 'ack', from: ME, id: `id${seq}`, epoch: 'e1', seq });

/** Every packet the records carried, in order, decoded as the receiver would. */
function unpack(records: readonly { inner: Uint8Array }[]): Packet[] {
  return records.flatMap(({ inner }) => {
    if (inner[0] === 0x5b) {
      // The receiver knows the session's peer: this node (every packet here is from ME).
      const bundle = decodeBundle(inner, MAX_INNER_DATAGRAM_BYTES, MAX_BUNDLE_PACKETS, ME);
      if (!bundle.ok) throw bundle.error;
      return bundle.packets.map((r) => {
        if (!r.ok) throw r.error;
        return r.packet;
      });
    }
    const one = decodePacket(inner, MAX_INNER_DATAGRAM_BYTES);
    if (!one.ok) throw one.error;
    return [one.packet];
  });
}

describe('Bundler', () => {
  it('sends a lone packet as a plain record, once per turn', () => {
    const h = harness();
    h.bundler.add(PEER, TO, text(1));
    expect(h.records).toEqual([]); // not before the turn ends
    h.bundler.flush();
    expect(h.records).toHaveLength(1);
    expect(h.records[0]?.meta.packet).toEqual(text(1));
    expect(unpack(h.records)).toEqual([text(1)]);
    expect(h.scheduled()).toBe(1);
  });

  it('packs a burst into records within the inner limit, in order', () => {
    const h = harness();
    const burst = Array.from({ length: 40 }, (_, i) => text(i + 1, 'x'.repeat(100 + i)));
    for (const packet of burst) h.bundler.add(PEER, TO, packet);
    h.bundler.flush();
    expect(h.records.length).toBeLessThan(15);
    expect(h.records.every((r) => r.inner.byteLength <= MAX_INNER_DATAGRAM_BYTES)).toBe(true);
    expect(h.records.slice(0, -1).every((r) => r.meta.kind === 'bundle')).toBe(true);
    expect(unpack(h.records)).toEqual(burst);
  });

  it('joins the acks of a turn into `acks` packets, first, each entry once', () => {
    const h = harness();
    h.bundler.add(PEER, TO, text(1));
    for (let seq = 1; seq <= 100; seq += 1) h.bundler.add(PEER, TO, ack(seq));
    h.bundler.flush();
    const packets = unpack(h.records);
    const acks = packets.flatMap((p) => (p.kind === 'acks' ? p.acks.map((a) => a.seq) : []));
    expect(acks).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(packets[0]?.kind).toBe('acks');
    expect(packets.at(-1)).toEqual(text(1));
    expect(packets.filter((p) => p.kind === 'acks').every((p) => p.acks.length <= 64)).toBe(true);
  });

  it('keeps one ack an `ack`', () => {
    const h = harness();
    h.bundler.add(PEER, TO, ack(7));
    h.bundler.flush();
    expect(unpack(h.records)).toEqual([ack(7)]);
  });

  it('never puts more than 64 packets in a record', () => {
    const h = harness();
    for (let i = 0; i < 200; i += 1) h.bundler.add(PEER, TO, { kind: 'typing', from: ME });
    h.bundler.flush();
    expect(h.records.map((r) => unpack([r]).length).every((n) => n <= 64)).toBe(true);
    expect(unpack(h.records)).toHaveLength(200);
  });

  it('keeps peers apart, and starts a handshake when the session is gone', () => {
    const h = harness({ session: false });
    h.bundler.add(PEER, TO, text(1));
    h.bundler.add('c'.repeat(32), TO, text(2));
    h.bundler.flush();
    expect(h.records).toEqual([]);
    expect(h.lost()).toBe(2);
  });

  it('keeps the endpoints of one peer apart, in whatever order their packets come', () => {
    const h = harness();
    const other = { address: '127.0.0.2', port: 4000 };
    const port = { address: '127.0.0.1', port: 4001 };
    h.bundler.add(PEER, TO, text(1));
    h.bundler.add(PEER, other, text(2));
    h.bundler.add(PEER, { ...TO }, text(3)); // the same endpoint, another object
    h.bundler.add(PEER, port, text(4));
    h.bundler.add(PEER, other, text(5));
    h.bundler.flush();
    const byEndpoint = (to: string): number[] =>
      unpack(h.records.filter((r) => r.to === to)).map((p) => (p.kind === 'text' ? p.seq : 0));
    expect(h.records).toHaveLength(3);
    expect(byEndpoint('127.0.0.1:4000')).toEqual([1, 3]);
    expect(byEndpoint('127.0.0.2:4000')).toEqual([2, 5]);
    expect(byEndpoint('127.0.0.1:4001')).toEqual([4]);
  });

  it('refuses at once a packet that cannot fit a record alone', () => {
    const h = harness();
    expect(() => h.bundler.add(PEER, TO, text(1, 'x'.repeat(2_000)))).toThrow(/too-large|limit/);
    // A compact queue counts a text's UTF-8 only when 3 bytes per unit might not fit: exactly.
    const compact = harness({ compact: true });
    const room = MAX_INNER_DATAGRAM_BYTES - encodePacket(text(1, '')).byteLength;
    expect(() => compact.bundler.add(PEER, TO, text(1, 'x'.repeat(room + 1)))).toThrow(/limit/);
    expect(() =>
      compact.bundler.add(PEER, TO, text(2, '字'.repeat(Math.floor(room / 3) + 1))),
    ).toThrow(/limit/);
    compact.bundler.add(PEER, TO, text(3, 'x'.repeat(room)));
    compact.bundler.add(PEER, TO, text(4, '字'.repeat(Math.floor(room / 3))));
    compact.bundler.flush();
    expect(unpack(compact.records).map((p) => (p.kind === 'text' ? p.seq : 0))).toEqual([3, 4]);
    expect(compact.records.map((r) => r.inner.byteLength)).toEqual([
      MAX_INNER_DATAGRAM_BYTES,
      MAX_INNER_DATAGRAM_BYTES - (room % 3),
    ]);
  });

  it('never sends a record over the limit: acks joined at the flush that do not fit are a failure', () => {
    // The entries of an `acks` packet are counted as one byte per unit (ids are ASCII once
    // validated); ids that are not would make a packet larger than a record, refused as written.
    const h = harness({ compact: true });
    const wide = (seq: number): Packet => ({
      kind: 'ack',
      from: ME,
      id: '字'.repeat(60),
      epoch: 'e1',
      seq,
    });
    for (let seq = 1; seq <= 12; seq += 1) h.bundler.add(PEER, TO, wide(seq));
    h.bundler.flush();
    expect(h.records).toHaveLength(0);
    expect(h.failures).toEqual([expect.stringMatching(/acks packet is \d+ bytes, limit/)]);
    // The same acks with ASCII ids go as one record within the limit.
    const ok = harness({ compact: true });
    for (let seq = 1; seq <= 12; seq += 1) ok.bundler.add(PEER, TO, ack(seq));
    ok.bundler.flush();
    expect(ok.failures).toEqual([]);
    expect(ok.records.map((r) => r.inner.byteLength <= MAX_INNER_DATAGRAM_BYTES)).toEqual([true]);
  });

  it('to a peer that takes compact bundles: more packets per record, the same packets out', () => {
    const burst = Array.from({ length: 60 }, (_, i) => text(i + 1, 'x'.repeat(100)));
    const full = harness();
    const compact = harness({ compact: true });
    for (const h of [full, compact]) {
      for (const packet of burst) h.bundler.add(PEER, TO, packet);
      for (let seq = 1; seq <= 10; seq += 1) h.bundler.add(PEER, TO, ack(seq));
      h.bundler.flush();
      expect(h.records.every((r) => r.inner.byteLength <= MAX_INNER_DATAGRAM_BYTES)).toBe(true);
    }
    expect(unpack(compact.records)).toEqual(unpack(full.records));
    const head = (r: { inner: Uint8Array }) => new TextDecoder().decode(r.inner.subarray(0, 3));
    expect(compact.records.slice(0, -1).every((r) => head(r) === '[2,')).toBe(true);
    expect(full.records.every((r) => head(r) !== '[2,')).toBe(true);
    // 64 bytes less per packet (256 → 192): 6 of these texts to a record instead of 4.
    expect(compact.records.length).toBeLessThan(full.records.length);
    expect(unpack(compact.records.slice(1, 2))).toHaveLength(6);
    expect(unpack(full.records.slice(1, 2))).toHaveLength(4);
  });

  it('to a peer that takes compact bundles, a lone packet is still a full plain record', () => {
    const h = harness({ compact: true });
    h.bundler.add(PEER, TO, text(1));
    h.bundler.flush();
    expect(decodePacket(h.records[0]!.inner, MAX_INNER_DATAGRAM_BYTES)).toEqual({
      ok: true,
      packet: text(1),
    });
    expect(h.records[0]?.meta.packet).toEqual(text(1));
    // The limit is the lone record's: a packet that fits only without its header is refused.
    const room = MAX_INNER_DATAGRAM_BYTES - encodePacket(text(1, '')).byteLength;
    expect(() => h.bundler.add(PEER, TO, text(1, 'x'.repeat(room + 1)))).toThrow(/limit/);
    expect(() => h.bundler.add(PEER, TO, text(1, 'x'.repeat(room)))).not.toThrow();
  });

  it('reports a queue it could not send and goes on with the others, never throwing', () => {
    const { bundler, failures } = harness({ sendThrows: true });
    bundler.add(PEER, TO, text(1));
    bundler.add('c'.repeat(32), TO, text(2));
    expect(() => bundler.flush()).not.toThrow();
    expect(failures).toEqual([
      `${PEER}: Error: a bug below`,
      `${'c'.repeat(32)}: Error: a bug below`,
    ]);
  });
});

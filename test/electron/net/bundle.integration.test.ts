/**
 * Record bundling (docs/PROTOCOL.md, "Bundles") over real sockets: a burst goes out in far fewer
 * datagrams than texts and is acknowledged by `acks` packets; a node without the feature (the
 * `bundle: false` option: it neither offers nor understands bundles, as a v2 node made before
 * them) still talks with one that has it; hostile bundles from an authenticated peer drop only
 * what is bad; loss both ways still delivers everything once and in order.
 */
import { describe, expect, it } from 'vitest';
import type { PacketChatNode } from '../../../electron/net/index';
import type { ChatMessage, MessageStateChange, PacketLogEntry } from '../../../shared/domain';
import { PROTOCOL_MARKER, PROTOCOL_VERSION } from '../../../shared/protocol/constants';
import { testPorts } from '../../helpers/ports';
import { online, startedNodes } from '../../helpers/started-nodes';
import { startUdpRelay, type UdpRelay } from '../../helpers/udp-relay';
import { waitUntil } from '../../helpers/wait';

const { later, start, hostileSession, pairOf } = startedNodes();

/** A node, and a hand-driven peer (mallory) with a session to it that lists `features`. */
async function hostilePeer(features: string[]) {
  const ports = testPorts();
  const victim = await start({ ...ports, broadcast: [] });
  const { mallory, session } = await hostileSession(victim, features);
  return { victim, mallory, session };
}

/** Texts `from` shows as received from `peerId`, in arrival order. */
function inbox(node: PacketChatNode, peerId: string): string[] {
  const texts: string[] = [];
  node.on('message', (m: ChatMessage) => {
    if (m.peerId === peerId) texts.push(m.text);
  });
  return texts;
}

/** Outbound packet log entries of `node` (the log formats entries only when watched). */
function outLog(node: PacketChatNode): PacketLogEntry[] {
  const entries: PacketLogEntry[] = [];
  node.on('packet', (e) => {
    if (e.direction === 'out') entries.push(e);
  });
  return entries;
}

/** Sends `n` texts in one event-loop turn and waits until every one is delivered. */
async function burst(from: PacketChatNode, to: string, n: number, label: string): Promise<void> {
  const delivered = new Set<string>();
  const listener = (u: MessageStateChange): void => {
    if (u.state === 'delivered') delivered.add(u.id);
  };
  from.on('message-state', listener);
  const sent = await Promise.all(
    Array.from({ length: n }, (_, i) => from.sendText(to, `${label} ${i}`)),
  );
  await waitUntil(() => sent.every((m) => delivered.has(m.id)), 30_000, `${n} "${label}" acked`);
  from.off('message-state', listener);
}

const texts = (label: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${label} ${i}`);

describe('bundles between two nodes that have them', () => {
  it('a burst goes out in far fewer datagrams than texts, each delivered once and in order', async () => {
    const { a, b } = await pairOf({}, {});
    const got = inbox(b, a.id);
    const log = outLog(a);
    const bLog = outLog(b);
    const n = 300;
    const aBefore = a.info().counters.datagramsSent;
    const bBefore = b.info().counters.datagramsSent;
    await burst(a, b.id, n, 'burst');
    const aDatagrams = a.info().counters.datagramsSent - aBefore;
    const bDatagrams = b.info().counters.datagramsSent - bBefore;
    await waitUntil(() => got.length >= n, 5_000, 'every text shown');
    expect(got).toEqual(texts('burst', n));
    // One datagram per text (and one ack per text back) without bundles.
    expect(aDatagrams).toBeLessThan(n / 3);
    expect(bDatagrams).toBeLessThan(n / 3);
    expect(log.some((e) => e.kind === 'bundle' && e.peerId === b.id)).toBe(true);
    // The summary is made when the entry is read, from the bundle's packets.
    expect(log.find((e) => e.kind === 'bundle')?.summary).toMatch(/^\d+ packets: .*text ×\d+/);
    expect(bLog.some((e) => e.kind === 'acks')).toBe(true);
    expect(a.info().counters.retransmitted).toBe(0);
    expect(b.info().counters.junkDropped).toBe(0);
  });

  it('logs what each record carried, read from its bytes when nobody watched the log', async () => {
    const { a, b } = await pairOf({}, {});
    const got = inbox(b, a.id);
    const n = 60;
    await burst(a, b.id, n, 'unwatched');
    await waitUntil(() => got.length >= n, 5_000, 'every text shown');
    // Each sealed record as its sender logged it and as its receiver did, by its counter.
    const byCounter = (node: PacketChatNode, direction: 'in' | 'out') =>
      new Map(
        node
          .packets()
          .filter((e) => e.direction === direction && e.sealed?.counter !== undefined)
          .map((e) => [`${e.sealed?.counter} ${e.kind}`, [e.summary, e.fields]]),
      );
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const sent = byCounter(from, 'out');
      const received = byCounter(to, 'in');
      expect(received.size).toBeGreaterThan(0);
      for (const [key, entry] of received) expect(sent.get(key)).toEqual(entry);
    }
    const bundles = a.packets().filter((e) => e.kind === 'bundle' && e.direction === 'out');
    expect(bundles.length).toBeGreaterThan(0);
    for (const e of bundles) expect(e.summary).toMatch(/^\d+ packets: text ×\d+$/);
    const acks = b.packets().filter((e) => e.direction === 'out' && e.kind === 'acks');
    expect(acks[0]?.fields).toMatchObject({ kind: 'acks', from: b.id });
  });

  it('a lone text still goes as a plain record of its own', async () => {
    const { a, b } = await pairOf({}, {});
    const got = inbox(b, a.id);
    const log = outLog(a);
    await burst(a, b.id, 1, 'alone');
    await waitUntil(() => got.length === 1, 5_000, 'the text shown');
    expect(log.filter((e) => e.peerId === b.id).map((e) => e.kind)).toEqual(['text']);
  });

  it('loss, duplication both ways still delivers every text once and in order', async () => {
    const ports = testPorts();
    const rto = { initialMs: 100, minMs: 50, maxMs: 400, jitter: 0 };
    const b = await start({ ...ports, broadcast: [], rto, maxTransmissions: 30, tcp: false });
    const a = await start({ ...ports, broadcast: [], rto, maxTransmissions: 30, tcp: false });
    const relay: UdpRelay = await startUdpRelay(b.info().clientPort);
    later(() => relay.close());
    a.addPeer(`127.0.0.1:${relay.port}`);
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery via the relay');
    const got = inbox(b, a.id);
    const log = outLog(a);
    let seed = 11;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    relay.filter = (direction, bytes) => {
      if (bytes[0] !== 0xfb) return true; // handshakes and announces pass
      const roll = random();
      if (roll < 0.2) return false;
      if (roll < 0.25) relay.inject(direction, bytes); // a duplicate
      return true;
    };
    const n = 300;
    try {
      await burst(a, b.id, n, 'lossy');
    } finally {
      relay.filter = () => true;
    }
    await waitUntil(() => got.length >= n, 5_000, 'every text shown');
    expect(got).toEqual(texts('lossy', n));
    expect(relay.dropped.forward).toBeGreaterThan(5);
    expect(relay.dropped.back).toBeGreaterThan(0);
    expect(a.info().counters.retransmitted).toBeGreaterThan(0);
    expect(log.some((e) => e.kind === 'bundle')).toBe(true);
  });
});

describe('a node without bundles', () => {
  it('exchanges texts both ways with one that has them, and gets neither bundles nor acks', async () => {
    const { a, b: old } = await pairOf({}, { bundle: false });
    const atOld = inbox(old, a.id);
    const atA = inbox(a, old.id);
    const aLog = outLog(a);
    const n = 100;
    const before = a.info().counters.datagramsSent;
    await burst(a, old.id, n, 'to old');
    // No bundles: a datagram per text at least (an old node would drop a bundle as junk).
    expect(a.info().counters.datagramsSent - before).toBeGreaterThanOrEqual(n);
    await burst(old, a.id, n, 'from old');
    await waitUntil(() => atOld.length >= n && atA.length >= n, 5_000, 'every text shown');
    expect(atOld).toEqual(texts('to old', n));
    expect(atA).toEqual(texts('from old', n));
    expect(aLog.filter((e) => e.kind === 'bundle' || e.kind === 'acks')).toEqual([]);
    const counters = old.info().counters;
    expect(counters.junkDropped + counters.unknownKindsIgnored).toBe(0);
  });
});

describe('a node without compact bundles', () => {
  it('exchanges bursts both ways with one that has them, in full bundles, with no junk', async () => {
    const { a, b: old } = await pairOf({}, { compact: false });
    const atOld = inbox(old, a.id);
    const atA = inbox(a, old.id);
    const aLog = outLog(a);
    const n = 200;
    await burst(a, old.id, n, 'to old');
    await burst(old, a.id, n, 'from old');
    await waitUntil(() => atOld.length >= n && atA.length >= n, 5_000, 'every text shown');
    expect(atOld).toEqual(texts('to old', n));
    expect(atA).toEqual(texts('from old', n));
    // Bundles still: the old node has `bundle`. A compact one would have been junk to it.
    expect(aLog.some((e) => e.kind === 'bundle' && e.peerId === old.id)).toBe(true);
    for (const node of [a, old]) {
      const counters = node.info().counters;
      expect(counters.junkDropped + counters.unknownKindsIgnored).toBe(0);
    }
  });
});

describe('hostile compact bundles from an authenticated peer', () => {
  it('take the sender from the session, drop only what is bad, and are what the node sends back', async () => {
    const { victim, mallory, session } = await hostilePeer(['bundle', 'compact']);
    await waitUntil(() => online(victim, mallory.id), 5_000, 'mallory known');
    const got = inbox(victim, mallory.id);
    const text = (seq: number, body: string, extra: Record<string, unknown> = {}) => ({
      kind: 'text',
      id: `c${seq}`,
      epoch: 'compactepoch',
      seq,
      floor: 1,
      ts: Date.now(),
      text: body,
      ...extra,
    });
    const send = (items: unknown[]): void =>
      mallory.sendSealed(session, new TextEncoder().encode(JSON.stringify([2, ...items])));
    const junk = (): number => victim.info().counters.junkDropped;

    send([text(1, 'one'), text(2, 'two')]);
    await waitUntil(() => got.length === 2, 5_000, 'a valid compact bundle');

    // Naming a sender (another, or even itself), a header, a bad field: each dropped alone.
    const before = junk();
    send([
      text(3, 'three'),
      text(90, 'claims another sender', { from: 'a'.repeat(32) }),
      text(91, 'claims itself', { from: mallory.id }),
      text(92, 'a header', { proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION }),
      text(93, 'bad seq', { seq: 0 }),
      text(4, 'four'),
    ]);
    await waitUntil(() => got.length === 4, 5_000, 'the good items of a mixed compact bundle');
    expect(junk() - before).toBe(4);

    // Refused whole: nested, over the packet limit, empty, cut short.
    const refusedBefore = junk();
    send([text(5, 'outer'), [2, text(6, 'inner')]]);
    send(Array.from({ length: 65 }, () => ({})));
    send([]);
    mallory.sendSealed(session, new TextEncoder().encode('[2,{"kind":"text",'));
    await waitUntil(() => junk() - refusedBefore >= 4, 5_000, 'four refused compact bundles');
    send([text(5, 'five'), text(6, 'six')]);
    await waitUntil(() => got.length === 6, 5_000, 'a valid compact bundle after the hostile ones');
    expect(got).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(junk() - refusedBefore).toBe(4);
    // Nobody watched the log: its entries are read from the records' bytes now, as they were.
    const inBundles = victim
      .packets()
      .filter((e) => e.direction === 'in' && e.kind === 'bundle')
      .map((e) => e.summary);
    expect(inBundles).toContain('2 packets: text ×2, 4 bad');

    // What the victim sends mallory (who listed `compact`): a burst goes in compact bundles.
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => victim.sendText(mallory.id, `to mallory ${i}`)),
    );
    await waitUntil(
      () => mallory.inbox.some((p) => Array.isArray(p) && p[0] === 2),
      5_000,
      'a compact bundle at mallory',
    );
    const bundles = mallory.inbox.filter((p) => Array.isArray(p)) as unknown as unknown[][];
    const items = bundles.flatMap((b) => b.slice(1) as Record<string, unknown>[]);
    const texts = items.filter((p) => p['kind'] === 'text');
    expect(texts.length).toBeGreaterThan(0);
    for (const p of items) {
      expect(p['from']).toBeUndefined();
      expect(p['proto']).toBeUndefined();
    }
    expect(sent.map((m) => m.id)).toEqual(expect.arrayContaining(texts.map((p) => p['id'])));
  });
});

describe('hostile bundles from an authenticated peer', () => {
  it('drop only what is bad and never stop the node', async () => {
    const { victim, mallory, session } = await hostilePeer(['bundle', 'something-newer']);
    const got = inbox(victim, mallory.id);
    const text = (seq: number, body: string, extra: Record<string, unknown> = {}) => ({
      proto: PROTOCOL_MARKER,
      v: PROTOCOL_VERSION,
      kind: 'text',
      from: mallory.id,
      id: `m${seq}`,
      epoch: 'bundleepoch1',
      seq,
      floor: 1,
      ts: Date.now(),
      text: body,
      ...extra,
    });
    const send = (items: unknown): void =>
      mallory.sendSealed(session, new TextEncoder().encode(JSON.stringify(items)));
    const junk = (): number => victim.info().counters.junkDropped;

    send([text(1, 'one'), text(2, 'two')]);
    await waitUntil(() => got.length === 2, 5_000, 'a valid bundle');

    // Bad items among good ones: a bad field, another sender, a non-packet, an unknown kind.
    const before = junk();
    send([
      text(3, 'three'),
      text(90, 'bad seq', { seq: -1 }),
      text(91, 'not from mallory', { from: 'a'.repeat(32) }),
      'just a string',
      { proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION, kind: 'from-the-future', from: mallory.id },
      text(4, 'four'),
    ]);
    await waitUntil(() => got.length === 4, 5_000, 'the good items of a mixed bundle');
    expect(junk() - before).toBe(3);

    // Refused whole: nested, over the packet limit, not JSON, empty.
    const refusedBefore = junk();
    send([text(5, 'nested outer'), [text(6, 'nested inner')]]);
    send(Array.from({ length: 65 }, () => ({}))); // 65 bad items would count 65, refused: 1
    send([]);
    mallory.sendSealed(session, new TextEncoder().encode('[{"proto":"pchat",'));
    await waitUntil(() => junk() - refusedBefore >= 4, 5_000, 'four refused bundles');

    send([text(5, 'five'), text(6, 'six')]);
    await waitUntil(() => got.length === 6, 5_000, 'a valid bundle after the hostile ones');
    expect(got).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(junk() - refusedBefore).toBe(4);
    // Nobody watched the log: its entries are read from the records' bytes now, as they were.
    expect(
      victim
        .packets()
        .filter((e) => e.direction === 'in' && e.kind === 'bundle')
        .map((e) => e.summary),
    ).toContain('2 packets: text ×2, 3 bad');

    // Acked after the store, several texts to a packet: `acks` (mallory said it has bundles).
    await waitUntil(
      () => acked(mallory.inbox).length >= 6,
      5_000,
      'acks for the six texts at mallory',
    );
    expect(acked(mallory.inbox)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(mallory.inbox.flat().some((p) => p['kind'] === 'acks')).toBe(true);
  });
});

/** The message ids the inner packets (or bundles of them) acknowledged, in order. */
function acked(inbox: readonly Record<string, unknown>[]): string[] {
  const ids: string[] = [];
  const packets = inbox.flatMap((p) => (Array.isArray(p) ? (p as Record<string, unknown>[]) : [p]));
  for (const packet of packets) {
    if (packet['kind'] === 'ack' && typeof packet['id'] === 'string') ids.push(packet['id']);
    if (packet['kind'] === 'acks' && Array.isArray(packet['acks']))
      for (const entry of packet['acks'] as { id?: unknown }[])
        if (typeof entry.id === 'string') ids.push(entry.id);
  }
  return ids;
}

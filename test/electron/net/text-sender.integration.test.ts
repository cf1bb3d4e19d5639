import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNode,
  defaultCryptoProvider,
  generateIdentity,
  type NodeOptions,
  type PacketChatNode,
} from '../../../electron/net/index';
import type { ChatMessage, MessageStateChange, PeerChange } from '../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { kindOf, startUdpRelay, type UdpRelay } from '../../helpers/udp-relay';
import { waitForEvent, waitUntil } from '../../helpers/wait';

const nodes: PacketChatNode[] = [];
const relays: UdpRelay[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

/** Fast retries so a fallback happens in well under a second. */
const QUICK: NodeOptions = {
  maxTransmissions: 2,
  rto: { initialMs: 100, minMs: 50, maxMs: 200, jitter: 0 },
};

async function start(options: NodeOptions): Promise<PacketChatNode> {
  const node = createNode({ broadcast: [LOOPBACK_BROADCAST], ...options });
  nodes.push(node);
  await node.start();
  return node;
}

const online = (node: PacketChatNode, id: string): boolean =>
  node.peerList().some((p) => p.id === id && p.online);
const statusOf = (
  node: PacketChatNode,
  id: string,
  status: MessageStateChange['state'],
  timeoutMs = 5_000,
) =>
  waitForEvent<MessageStateChange>(
    node,
    'message-state',
    (u) => u.id === id && u.state === status,
    timeoutMs,
  );

/** A and B where everything A sends to B's UDP port passes through a filter. */
async function filteredPair(options: NodeOptions = {}) {
  const ports = testPorts();
  const b = await start({ ...ports, broadcast: [], ...options });
  const a = await start({ ...ports, broadcast: [], ...QUICK, ...options });
  const relay = await startUdpRelay(b.info().clientPort);
  relays.push(relay);
  a.addPeer(`127.0.0.1:${relay.port}`);
  await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery through the relay');
  return { a, b, relay };
}

describe('TCP fallback', () => {
  it('delivers once, by TCP, when UDP to the peer is blocked', async () => {
    const { a, b, relay } = await filteredPair();
    // Every sealed record from A to B's UDP port is lost from now on (the session exists).
    relay.filter = (direction, bytes) => !(direction === 'forward' && kindOf(bytes) === 'record');
    const received: ChatMessage[] = [];
    b.on('message', (m) => received.push(m));
    const sent = await a.sendText(b.id, 'through the firewall');
    expect(sent.transport).toBe('udp');
    const done = await statusOf(a, sent.id, 'delivered');
    expect(done.transport).toBe('tcp');
    expect(relay.dropped.forward).toBe(QUICK.maxTransmissions);
    await waitUntil(() => received.length > 0, 2_000, 'the message at B');
    expect(received).toEqual([
      expect.objectContaining({ text: 'through the firewall', transport: 'tcp', peerId: a.id }),
    ]);
    expect(a.info().counters.tcpFramesSent).toBeGreaterThanOrEqual(1);
    expect(
      a.packets().some((p) => p.transport === 'tcp' && p.kind === 'text' && p.direction === 'out'),
    ).toBe(true);
    expect(
      a.packets().some((p) => p.transport === 'tcp' && p.kind === 'ack' && p.direction === 'in'),
    ).toBe(true);
  });

  it('keeps a message pending while the peer is gone and delivers it when the peer is back', async () => {
    const ports = testPorts();
    const a = await start({ ...ports, ...QUICK, tcpAckTimeoutMs: 300 });
    const bIdentity = generateIdentity(defaultCryptoProvider().provider);
    const b = await start({ ...ports, identity: bIdentity });
    // Both ends in session, so B's sealed bye reaches A.
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    const bId = b.id;
    const bPort = b.info().clientPort;
    await b.close();
    await waitUntil(() => !online(a, bId), 2_000, 'B offline');
    const datagramsBefore = a.info().counters.datagramsSent;
    const sent = await a.sendText(bId, 'are you there?');
    // B is known offline: the message waits at once instead of using its retries.
    expect(sent.state).toBe('pending');
    expect(a.info().counters.datagramsSent).toBe(datagramsBefore);
    const back = await start({ ...ports, clientPort: bPort, identity: bIdentity });
    const got = waitForEvent<ChatMessage>(back, 'message', (m) => m.text === 'are you there?');
    const done = await statusOf(a, sent.id, 'delivered');
    expect((await got).peerId).toBe(a.id);
    expect(done.transport).toBe('udp');
  });

  it('sends a message too long for a datagram straight over TCP', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([start(ports), start(ports)]);
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    const text = '长'.repeat(2_000);
    const got = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === text);
    const sent = await a.sendText(b.id, text);
    expect(sent.transport).toBe('tcp');
    expect((await got).transport).toBe('tcp');
    expect((await statusOf(a, sent.id, 'delivered')).transport).toBe('tcp');
  });
});

/** 65,536 bytes of UTF-8: ASCII, Chinese (3 bytes), emoji (4 bytes), quotes and newlines. */
function text64k(seed: string): string {
  const unit = `${seed} 你好 "quoted" \\ 🚀\n`;
  let text = '';
  while (Buffer.byteLength(text + unit) <= 65_536) text += unit;
  while (Buffer.byteLength(`${text}x`) <= 65_536) text += 'x';
  return text;
}

describe('64 KiB messages', () => {
  it.each([
    ['TCP on', true, 'tcp'],
    ['TCP off (UDP fragments)', false, 'udp'],
  ] as const)('are delivered both ways with %s', async (_name, tcp, transport) => {
    const ports = testPorts();
    const [a, b] = await Promise.all([start({ ...ports, tcp }), start({ ...ports, tcp })]);
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    for (const [from, to, seed] of [
      [a, b, 'a→b'],
      [b, a, 'b→a'],
    ] as const) {
      const text = text64k(seed);
      expect(Buffer.byteLength(text)).toBe(65_536);
      const got = waitForEvent<ChatMessage>(to, 'message', (m) => m.peerId === from.id);
      const sent = await from.sendText(to.id, text);
      const message = await got;
      expect(message.text).toBe(text);
      expect(message.transport).toBe(transport);
      expect((await statusOf(from, sent.id, 'delivered')).transport).toBe(transport);
    }
    if (!tcp) {
      expect(a.info().counters.fragmentsSent).toBeGreaterThan(50);
      expect(a.packets().every((p) => p.transport === 'udp' && p.size <= 1200)).toBe(true);
    }
  });

  it('refuses text over 64 KiB with a clear error', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([start(ports), start(ports)]);
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    await expect(a.sendText(b.id, 'x'.repeat(65_537))).rejects.toThrow(/65537 bytes, limit 65536/);
  });

  it('reassembles fragments through loss, duplication and reordering', async () => {
    const { a, b, relay } = await filteredPair({ tcp: false, maxTransmissions: 10 });
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const counts = { lost: 0, duplicated: 0, reordered: 0 };
    const timers = new Set<ReturnType<typeof setTimeout>>();
    relay.filter = (direction, bytes) => {
      // Sealed records all look alike from outside; going forward they are nearly all fragments.
      if (direction !== 'forward' || kindOf(bytes) !== 'record') return true;
      const roll = random();
      if (roll < 0.2) {
        counts.lost += 1;
        return false;
      }
      if (roll < 0.3) {
        counts.duplicated += 1;
        relay.inject('forward', bytes);
        return true;
      }
      if (roll < 0.4) {
        counts.reordered += 1; // arrives after later fragments
        const timer = setTimeout(() => relay.inject('forward', bytes), 30);
        timers.add(timer);
        return false;
      }
      return true;
    };
    const text = text64k('lossy');
    const got = waitForEvent<ChatMessage>(b, 'message', (m) => m.peerId === a.id, 15_000);
    const sent = await a.sendText(b.id, text);
    try {
      expect((await got).text).toBe(text);
      await statusOf(a, sent.id, 'delivered', 15_000);
    } finally {
      // No impairment after this: a reordered copy must not outlive the relay (the node's
      // bundles change which records the rolls fall on).
      relay.filter = () => true;
      for (const timer of timers) clearTimeout(timer);
    }
    expect(counts.lost).toBeGreaterThan(5);
    expect(counts.duplicated).toBeGreaterThan(2);
    expect(counts.reordered).toBeGreaterThan(2);
    const messages: ChatMessage[] = [];
    b.on('message', (m) => messages.push(m));
    const again = await a.sendText(b.id, 'after the long one');
    await statusOf(a, again.id, 'delivered', 10_000);
    expect(messages.map((m) => m.text)).toEqual(['after the long one']); // the long one only once
  });
});

describe('hostile TCP input', () => {
  it('survives truncated, oversized, garbage and slow frames without leaking connections', async () => {
    const ports = testPorts();
    const b = await start({
      ...ports,
      tcpTimeouts: { connectMs: 1_000, frameMs: 300, idleMs: 2_000 },
    });
    const port = b.info().tcpPort ?? 0;
    const send = (bytes: Buffer, end: boolean) =>
      new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(bytes);
          if (end) socket.end();
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    const header = (n: number) => {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(n);
      return h;
    };
    await send(Buffer.concat([header(100), Buffer.from('{"proto":')]), true); // truncated
    await send(header(0x7fffffff), false); // oversized: dropped at once
    await send(Buffer.concat([header(5), Buffer.from('abcde')]), true); // garbage
    await send(Buffer.concat([header(10), Buffer.from('{')]), false); // slow: never finishes
    expect(b.info().counters.junkDropped).toBeGreaterThanOrEqual(3);
    await waitUntil(
      () => b.sockets().sockets.every((s) => s.role !== 'tcp-connection'),
      3_000,
      'connections closed',
    );
    // Still works.
    const a = await start(ports);
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    const sent = await a.sendText(b.id, 'x'.repeat(3_000));
    expect((await statusOf(a, sent.id, 'delivered')).transport).toBe('tcp');
  });
});

describe('replies', () => {
  it('carries the quoted message to the receiver, in one datagram and in fragments', async () => {
    const ports = testPorts();
    const b = await start({ ...ports, tcp: false });
    const a = await start({ ...ports, tcp: false });
    await waitUntil(() => online(a, b.id) && online(b, a.id), 5_000, 'discovery');
    const received: ChatMessage[] = [];
    b.on('message', (m) => received.push(m));
    const reply = { id: 'original-1', excerpt: 'Lunch at noon?' };
    const short = await a.sendText(b.id, 'Yes, noon works.', reply);
    expect(short.reply).toEqual(reply);
    const long = await a.sendText(b.id, `${'a long answer '.repeat(200)}end`, reply);
    // Both are acknowledged by one `acks` packet: wait for both from the start.
    await Promise.all([statusOf(a, short.id, 'delivered'), statusOf(a, long.id, 'delivered')]);
    expect(a.info().counters.fragmentsSent).toBeGreaterThan(1);
    expect(received.map((m) => m.reply)).toEqual([reply, reply]);
  });
});

describe('a peer that stops answering', () => {
  it('is reported not responding within seconds of an unanswered message, and back on its next packet', async () => {
    const { a, b, relay } = await filteredPair({ tcp: false, maxTransmissions: 7 });
    const changes: PeerChange[] = [];
    a.on('peer', (c) => {
      if (c.peer.id === b.id) changes.push(c);
    });
    relay.filter = () => false; // B is gone without a bye, as after a crash or a pulled cable
    const sentAt = Date.now();
    const sent = await a.sendText(b.id, 'hello?');
    const pending = statusOf(a, sent.id, 'pending');
    const silent = await waitForEvent<PeerChange>(
      a,
      'peer',
      (c) => c.peer.id === b.id && c.peer.responding === false,
      5_000,
    );
    expect(Date.now() - sentAt).toBeLessThan(4_000);
    expect(silent.change).toBe('updated');
    expect(silent.peer.online).toBe(true);
    expect(a.peerList().find((p) => p.id === b.id)?.responding).toBe(false);
    await pending;
    relay.filter = () => true;
    const delivered = statusOf(a, sent.id, 'delivered');
    a.retry(sent.id); // the Retry button: the ack is B's next packet
    const back = await waitForEvent<PeerChange>(
      a,
      'peer',
      (c) => c.peer.id === b.id && c.peer.responding === undefined,
      5_000,
    );
    expect(back.peer.online).toBe(true);
    await delivered;
    expect(changes.every((c) => c.change === 'updated')).toBe(true);
  });
});

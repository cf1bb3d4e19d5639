import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNode,
  defaultCryptoProvider,
  generateIdentity,
  type NodeOptions,
  type NodeWarning,
  type PacketChatNode,
} from '../../../electron/net/index';
import type { MessageStateChange, PeerChange, ChatMessage } from '../../../shared/domain';
import { encodePacket } from '../../../shared/protocol/codec';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { startUdpRelay } from '../../helpers/udp-relay';
import { waitForEvent, waitUntil } from '../../helpers/wait';

const open: PacketChatNode[] = [];
const rawSockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close()));
  for (const s of rawSockets.splice(0)) s.close();
});

async function startNode(options: NodeOptions): Promise<PacketChatNode> {
  const node = createNode({ broadcast: [LOOPBACK_BROADCAST], ...options });
  open.push(node);
  await node.start();
  return node;
}

async function rawSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  rawSockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

function sendRaw(socket: Socket, bytes: Uint8Array | string, port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
  );
}

const seesPeer = (node: PacketChatNode, id: string): boolean =>
  node.peerList().some((p) => p.id === id && p.online);

function delivered(node: PacketChatNode, id: string): Promise<MessageStateChange> {
  return waitForEvent<MessageStateChange>(
    node,
    'message-state',
    (u) => u.id === id && u.state === 'delivered',
  );
}

describe('nodes on loopback', () => {
  it('three nodes discover each other through 127.255.255.255 and chat both ways', async () => {
    const ports = testPorts();
    const [a, b, c] = (await Promise.all(
      ['alice', 'bob', '小红'].map((nick) => startNode({ ...ports, nick })),
    )) as [PacketChatNode, PacketChatNode, PacketChatNode];
    const nodes = [a, b, c];
    await waitUntil(
      () => nodes.every((n) => nodes.every((m) => m === n || seesPeer(n, m.id))),
      5_000,
      'all three nodes to see each other',
    );
    const bAtA = a.peerList().find((p) => p.id === b.id);
    expect(bAtA).toMatchObject({ nick: 'bob', address: '127.0.0.1', port: b.info().clientPort });
    expect(c.peerList().find((p) => p.id === a.id)?.port).toBe(a.info().clientPort);

    const text = '你好，世界 👋🏽 — héllo';
    const atB = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === text);
    const sent = await a.sendText(b.id, text);
    const [message, ack] = await Promise.all([atB, delivered(a, sent.id)]);
    expect(message).toMatchObject({
      peerId: a.id,
      direction: 'in',
      remote: `127.0.0.1:${a.info().clientPort}`,
      transport: 'udp',
    });
    expect(ack.transport).toBe('udp');

    const reply = waitForEvent<ChatMessage>(a, 'message', (m) => m.peerId === c.id);
    const back = await c.sendText(`127.0.0.1:${a.info().clientPort}`, '收到 ✅');
    expect((await reply).text).toBe('收到 ✅');
    await delivered(c, back.id);
  });

  it('makes one session of a pair that heard each other announce, not two', async () => {
    const ports = testPorts();
    // Bob starts first and announces every ~55 ms, so each hears the other's announce. The node
    // with the lower id starts the handshake; the other answers with an announce and starts none.
    const replyMaxDelayMs = 100;
    const fast = { ...ports, replyMaxDelayMs, announceIntervalMs: 50 };
    const b = await startNode({ ...fast, nick: 'bob', random: () => 0.99 });
    const a = await startNode({ ...fast, nick: 'alice', random: () => 0 });
    await waitUntil(
      () => seesPeer(a, b.id) && seesPeer(b, a.id),
      5_000,
      'alice and bob to see each other',
    );
    // Past both reply windows and the wait that follows them (answerAnnounce).
    await new Promise((resolve) => setTimeout(resolve, 2 * replyMaxDelayMs + 1_200));
    const inits = (node: PacketChatNode) =>
      node.packets().filter((p) => p.direction === 'out' && p.sealed?.type === 'handshake-init');
    const [lead, other] = a.id < b.id ? [a, b] : [b, a];
    expect(inits(lead)).toHaveLength(1);
    expect(inits(other)).toHaveLength(0);
    const sent = await b.sendText(a.id, 'one session');
    await delivered(b, sent.id);
  });

  it('leaves the handshake to a peer with a lower id, and starts it when that peer does not', async () => {
    const ports = testPorts();
    let clock = 1_000_000;
    await startNode({ ...ports, replyMaxDelayMs: 0, now: () => clock });
    const ghost = await rawSocket();
    const heard: Buffer[] = [];
    ghost.on('message', (bytes) => heard.push(bytes));
    const announce = encodePacket({ kind: 'announce', from: '0'.repeat(32), port: 1, tcp: 0 });
    await sendRaw(ghost, announce, ports.serverPort);
    // The lower id leads: a tells it where a is (an announce, in the clear), and waits.
    await waitUntil(() => heard.length > 0, 3_000, 'an answer to the announce');
    expect(heard[0]?.toString()).toContain('"announce"');
    // Still no session once the wait is over: at the peer's next announce, a starts one itself.
    clock += 6_000;
    await sendRaw(ghost, announce, ports.serverPort);
    await waitUntil(() => heard.some((b) => b[0] === 0xf8), 3_000, 'a handshake initiation');
    expect(heard.filter((b) => b[0] === 0xf8)).toHaveLength(1);
  });

  it('starts no more handshakes at once than its window, one per IP, the rest as places free', async () => {
    const ports = testPorts();
    let clock = 1_000_000;
    await startNode({ ...ports, replyMaxDelayMs: 0, now: () => clock });
    // 20 would-be peers on 20 loopback addresses announce ids above any a can have, so a starts
    // every handshake, and none of them ever answers. The first address announces three ids.
    const inits: string[] = [];
    const ghosts = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const socket = createSocket('udp4');
        rawSockets.push(socket);
        await new Promise<void>((resolve) => socket.bind(0, `127.0.3.${i + 1}`, resolve));
        socket.on('message', (bytes) => {
          if (bytes[0] === 0xf8) inits.push(`127.0.3.${i + 1}`);
        });
        return socket;
      }),
    );
    const announce = async (socket: Socket, n: number): Promise<void> => {
      const id = `ff${n.toString(16).padStart(30, '0')}`;
      const bytes = encodePacket({ kind: 'announce', from: id, port: 1, tcp: 0 });
      await new Promise<void>((resolve, reject) =>
        socket.send(bytes, ports.serverPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    };
    for (const [i, socket] of ghosts.entries()) {
      await announce(socket, i);
      if (i === 0) for (const n of [100, 101]) await announce(socket, n);
    }
    // The clock stands still, so no place frees: the window's 8 go out, one per address.
    await waitUntil(() => inits.length >= 8, 3_000, 'the first handshakes');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(inits).toHaveLength(8);
    expect(new Set(inits).size).toBe(8);
    // A second later the answers are overdue: the places free and the next 8 go out. The window
    // stays (no answer is no sign of load), and the first address gets its second handshake.
    clock += 1_000;
    await waitUntil(() => inits.length >= 16, 3_000, 'the next handshakes');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(inits).toHaveLength(16);
    expect(inits.filter((ip) => ip === '127.0.3.1')).toHaveLength(2);
  });

  it('delivers a burst of messages exactly once and in order', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([startNode(ports), startNode(ports)]);
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    const got: string[] = [];
    const acked = new Set<string>();
    b.on('message', (m) => got.push(m.text));
    a.on('message-state', (u) => u.state === 'delivered' && acked.add(u.id));
    const sent = await Promise.all(
      Array.from({ length: 200 }, (_, i) => a.sendText(b.id, `m${i}`)),
    );
    const ids = sent.map((m) => m.id);
    await waitUntil(() => ids.every((id) => acked.has(id)), 10_000, 'every message acked');
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('gives copies on one host consecutive client ports from the base', async () => {
    const ports = testPorts();
    const first = await startNode(ports);
    const second = await startNode(ports);
    const third = await startNode({ ...ports, tcp: false });
    expect([first, second, third].map((n) => n.info().clientPort)).toEqual([
      ports.clientPort,
      ports.clientPort + 1,
      ports.clientPort + 2,
    ]);
    expect(first.info().tcpPort).toBe(ports.clientPort);
    expect(third.info().tcpPort).toBeNull();
    expect(first.info().serverPort).toBe(ports.serverPort);
  });

  it('skips a client port whose TCP twin is taken', async () => {
    const ports = testPorts();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.clientPort, '0.0.0.0', resolve));
    try {
      const node = await startNode(ports);
      expect(node.info().clientPort).toBe(ports.clientPort + 1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('marks a peer offline at once when it says bye', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([startNode(ports), startNode(ports)]);
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    const offline = waitForEvent<PeerChange>(
      a,
      'peer',
      (c) => c.change === 'offline' && c.peer.id === b.id,
      2_000,
    );
    await b.close();
    await offline;
  });

  it('marks a silent peer offline after the peer timeout', async () => {
    const ports = testPorts();
    const quick = { ...ports, broadcast: [], peerTimeoutMs: 600, announceIntervalMs: 200 };
    const b = await startNode(quick);
    // a reaches b only through a relay, so b can fall silent without saying bye.
    const relay = await startUdpRelay(b.info().clientPort);
    const a = await startNode(quick);
    a.addPeer(`127.0.0.1:${relay.port}`);
    const added = await waitForEvent<PeerChange>(a, 'peer', (c) => c.peer.id === b.id);
    relay.filter = () => false;
    const gone = await waitForEvent<PeerChange>(
      a,
      'peer',
      (c) => c.peer.id === b.id && c.change === 'offline',
      3_000,
    );
    expect(Date.now() - added.peer.lastSeen).toBeGreaterThanOrEqual(600);
    expect(gone.peer.online).toBe(false);
    await relay.close();
  });

  it('takes an announce only as a hint: a node that cannot complete a handshake is no peer', async () => {
    const ports = testPorts();
    const a = await startNode(ports);
    const ghost = await rawSocket();
    // The highest id there is: a, with a lower one, starts the handshake (Discovery.leads).
    const id = 'f'.repeat(32);
    const handshake = new Promise<Buffer>((resolve) => ghost.once('message', resolve));
    await sendRaw(
      ghost,
      encodePacket({ kind: 'announce', from: id, port: 1, tcp: 0 }),
      ports.serverPort,
    );
    // a asks whoever announced to prove who it is: a handshake initiation (first byte 0xF8).
    expect((await handshake)[0]).toBe(0xf8);
    expect(a.peerList()).toEqual([]);
  });

  it('reports a peer whose IP:port changed', async () => {
    const ports = testPorts();
    const a = await startNode(ports);
    const bIdentity = generateIdentity(defaultCryptoProvider().provider);
    const b = await startNode({ ...ports, identity: bIdentity });
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    const oldPort = b.info().clientPort;
    await b.close();
    const moved = waitForEvent<PeerChange>(
      a,
      'peer',
      (c) => c.change === 'moved' && c.peer.id === b.id,
    );
    await startNode({ ...ports, identity: bIdentity, clientPort: ports.clientPort + 7 });
    const change = await moved;
    expect(change.previous).toEqual({ address: '127.0.0.1', port: oldPort });
    expect(change.peer.port).toBe(ports.clientPort + 7);
  });

  it('finds a peer added by hand with no broadcast at all', async () => {
    const ports = testPorts();
    const a = await startNode({ ...ports, broadcast: [] });
    const b = await startNode({ ...ports, broadcast: [] });
    expect(a.info().discoveryTargets).toEqual([]);
    a.addPeer(`127.0.0.1:${b.info().clientPort}`);
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'manual discovery');
  });

  it('survives garbage and hostile datagrams and keeps chatting', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([startNode(ports), startNode(ports)]);
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    const warnings: NodeWarning[] = [];
    b.on('warning', (w) => warnings.push(w));
    const attacker = await rawSocket();
    const junk: (Uint8Array | string)[] = [
      new Uint8Array([0xff, 0x00, 0xfe]),
      new Uint8Array(60_000).fill(0x7b),
      '{"proto":"pchat","v":1,"kind":"text"',
      JSON.stringify({
        proto: 'pchat',
        v: 1,
        kind: 'text',
        from: a.id,
        id: 'x',
        epoch: 'e',
        seq: -1,
        floor: 1,
        ts: 0,
        text: 'x',
      }),
      JSON.stringify({
        proto: 'pchat',
        v: 1,
        kind: 'ack',
        from: a.id,
        id: 'x',
        epoch: 'e',
        seq: 1e300,
      }),
      JSON.stringify({
        proto: 'pchat',
        v: 1,
        kind: 'announce',
        from: a.id,
        nick: { toString: 1 },
        host: 'h',
        port: 1,
        tcp: 0,
        status: 'online',
      }),
      JSON.stringify({ proto: 'pchat', v: 99, kind: 'future-thing', from: a.id }),
      '["__proto__"]',
    ];
    for (const port of [ports.serverPort, b.info().clientPort]) {
      for (const datagram of junk) await sendRaw(attacker, datagram, port);
    }
    await waitUntil(() => b.info().counters.junkDropped >= 14, 3_000, 'junk to be counted');
    // Protocol v1 packets and future versions are dropped, never taken for a stranger's text.
    expect(b.info().counters.unknownKindsIgnored).toBe(0);
    expect(b.info().counters.plainReceived).toBe(2); // the JSON array is text a person could send
    expect(warnings.some((w) => w.code === 'junk' && w.remote?.address === '127.0.0.1')).toBe(true);
    const got = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === 'still here?');
    const sent = await a.sendText(b.id, 'still here?');
    await Promise.all([got, delivered(a, sent.id)]);
  });

  it('rate-limits a flooding source without starving real peers', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([
      startNode(ports),
      startNode({ ...ports, rateLimit: { perSecond: 100, burst: 100 } }),
    ]);
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    const flooder = await rawSocket();
    for (let i = 0; i < 1_000; i += 1) flooder.send('spam', b.info().clientPort, '127.0.0.1');
    await waitUntil(() => b.info().counters.rateLimited > 0, 3_000, 'rate limiting');
    const sent = await a.sendText(b.id, 'real message');
    await delivered(a, sent.id);
  });

  it('carries a stream far beyond the unknown-source burst without dropping a record', async () => {
    // Default limits: an unknown source gets 800 datagrams of burst, a session's host far more.
    const ports = testPorts();
    const [a, b] = await Promise.all([startNode(ports), startNode(ports)]);
    await waitUntil(() => b.isEncrypted(a.id) && seesPeer(a, b.id), 5_000, 'a session');
    const acked = new Set<string>();
    a.on('message-state', (u) => u.state === 'delivered' && acked.add(u.id));
    const ids: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      const sent = await Promise.all(
        Array.from({ length: 50 }, (_, i) => a.sendText(b.id, `burst ${round}.${i}`)),
      );
      ids.push(...sent.map((m) => m.id));
    }
    await waitUntil(() => ids.every((id) => acked.has(id)), 60_000, 'all 2,000 acked');
    expect(b.info().counters.rateLimited).toBe(0);
    expect(a.info().counters.rateLimited).toBe(0);
  });

  it('does not charge records of a live session to their source IP’s budget', async () => {
    const ports = testPorts();
    const [a, b] = await Promise.all([
      startNode(ports),
      startNode({ ...ports, rateLimit: { perSecond: 1, burst: 20 } }),
    ]);
    await waitUntil(() => b.isEncrypted(a.id) && seesPeer(a, b.id), 5_000, 'a session');
    // Junk from alice's own address (127.0.0.1) spends that address's budget at bob, and goes on.
    const flooder = await rawSocket();
    const flood = setInterval(() => {
      for (let i = 0; i < 20; i += 1) flooder.send('spam', b.info().clientPort, '127.0.0.1');
    }, 10);
    try {
      await waitUntil(() => b.info().counters.rateLimited > 100, 3_000, 'rate limiting');
      const acked = new Set<string>();
      a.on('message-state', (u) => u.state === 'delivered' && acked.add(u.id));
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) => a.sendText(b.id, `through ${i}`)),
      );
      const ids = sent.map((m) => m.id);
      await waitUntil(() => ids.every((id) => acked.has(id)), 5_000, 'every message acked');
      expect(a.info().counters.retransmitted).toBe(0);
    } finally {
      clearInterval(flood);
    }
  });

  it('frees every port on close, and close is idempotent', async () => {
    const ports = testPorts();
    const node = await startNode(ports);
    const port = node.info().clientPort;
    await Promise.all([node.close(), node.close()]);
    await node.close();
    const again = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind({ port, address: '0.0.0.0', exclusive: true }, resolve);
    });
    again.close();
    const tcp = createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, '0.0.0.0', resolve);
    });
    await new Promise((resolve) => tcp.close(resolve));
    await expect(node.sendText('x', 'y')).rejects.toThrow(/closed/);
  });

  it('rejects start when the client port range is exhausted, leaving nothing bound', async () => {
    const ports = testPorts();
    const holder = await startNode({ ...ports, tcp: false });
    const node = createNode({ ...ports, tcp: false, broadcast: [], clientPortAttempts: 1 });
    await expect(node.start()).rejects.toMatchObject({ code: 'no-free-client-port' });
    await node.close();
    expect(holder.info().clientPort).toBe(ports.clientPort);
  });

  it('tells a peer we are typing, at most once per interval, and carries the custom status', async () => {
    const ports = testPorts();
    const a = await startNode({
      ...ports,
      nick: 'alice',
      statusText: 'In a meeting',
      avatarHue: 120,
    });
    const b = await startNode({ ...ports, nick: 'bob' });
    await waitUntil(() => seesPeer(a, b.id) && seesPeer(b, a.id), 5_000, 'discovery');
    expect(b.peerList().find((p) => p.id === a.id)).toMatchObject({
      statusText: 'In a meeting',
      avatarHue: 120,
    });
    const typing = waitForEvent<{ peerId: string }>(b, 'typing', (t) => t.peerId === a.id);
    expect(a.sendTyping(b.id)).toBe(true);
    expect(a.sendTyping(b.id)).toBe(false);
    await typing;
    expect(a.packets().filter((p) => p.kind === 'typing' && p.direction === 'out')).toHaveLength(1);
    const cleared = waitForEvent<PeerChange>(
      b,
      'peer',
      (c) => c.peer.id === a.id && c.peer.statusText === undefined,
    );
    a.setProfile({ statusText: '' });
    await cleared;
  });
});

/**
 * Records to a live session are charged to that session's budget, not to their source IP's (so a
 * flood forged from a peer's address cannot crowd out the peer's records). The other side of it:
 * an authenticated host flooding sealed texts, from several identities at once, still shares one
 * budget, and alice on another address chats on.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../electron/net/node';
import { testPorts } from '../helpers/ports';
import { waitUntil } from '../helpers/wait';
import { HostilePeer, type HostileSession } from './hostile-peer';
import { nodeChatter, report } from './measure';

const RATE = { perSecond: 100, burst: 200 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('an authenticated flood of sealed texts', () => {
  it('four identities of one host share one budget; alice is not slowed', async () => {
    const ports = testPorts();
    const common = { ...ports, broadcast: [], bindAddress: '127.0.0.1', tcp: false };
    const bob = createNode({
      ...common,
      nick: 'bob',
      rateLimit: RATE,
      sessionRateLimit: RATE,
    });
    const alice = createNode({ ...common, nick: 'alice', clientPort: ports.clientPort + 10 });
    cleanup.push(() => Promise.all([alice.close(), bob.close()]).then(() => undefined));
    await Promise.all([bob.start(), alice.start()]);
    alice.addPeer(`127.0.0.1:${bob.info().clientPort}`);
    await waitUntil(() => bob.isEncrypted(alice.id), 5_000, 'alice and bob in session');
    const to = { address: '127.0.0.1', port: bob.info().clientPort };
    const floods: { peer: HostilePeer; session: HostileSession }[] = [];
    for (let i = 0; i < 4; i += 1) {
      const socket: Socket = createSocket('udp4');
      cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
      const peer = new HostilePeer(socket);
      const session = await peer.handshake(to, {
        nick: `flooder ${i}`,
        host: 'mallory',
        port: socket.address().port,
        tcp: 0,
        status: 'online',
      });
      floods.push({ peer, session });
    }
    const got = (node: PacketChatNode, from: Set<string>): (() => number) => {
      let n = 0;
      node.on('message', (m) => {
        if (from.has(m.peerId)) n += 1;
      });
      return () => n;
    };
    const fromMallory = got(bob, new Set(floods.map((f) => f.peer.id)));
    const started = performance.now();
    const SENT_EACH = 1_000;
    for (let seq = 1; seq <= SENT_EACH; seq += 1) {
      for (const { peer, session } of floods)
        peer.sendSealed(session, {
          kind: 'text',
          from: peer.id,
          id: `f${seq}`,
          epoch: 'floodepoch01',
          seq,
          floor: seq,
          ts: Date.now(),
          text: `flood ${seq}`,
        });
      if (seq % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    const latency = await nodeChatter(alice, bob.id).send('alice, unhindered');
    await new Promise((r) => setTimeout(r, 300));
    const seconds = (performance.now() - started) / 1000;
    const bound = RATE.burst + RATE.perSecond * seconds;
    expect(fromMallory()).toBeLessThanOrEqual(bound);
    expect(bob.info().counters.rateLimited).toBeGreaterThan(0);
    expect(latency).toBeLessThan(1_000);
    report('authenticated sealed-text flood (4 identities, one host)', {
      sent: SENT_EACH * floods.length,
      delivered: fromMallory(),
      bound: Math.floor(bound),
      aliceMessageToAckMs: latency,
    });
  });
});

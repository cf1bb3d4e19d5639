/**
 * Attack 9: fragment-slot flooding ("64 fragment datagrams a second from one host, each opening a
 * partial message, kept honest long messages from arriving" in v1). Fragments travel sealed now:
 * mallory's fragments in the clear, or record-shaped ones it cannot seal, open no partial message,
 * and alice's long messages (TCP off, so they go as fragments) reach bob during the flood. An
 * authenticated host with many identities cannot take every slot either.
 */
import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../electron/net/node';
import type { ChatMessage } from '../../shared/domain';
import { MAX_PARTIAL_MESSAGES } from '../../shared/protocol/constants';
import { testPorts } from '../helpers/ports';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { waitForEvent, waitUntil } from '../helpers/wait';
import { SERVER_PORT } from './attack-lan';
import { useAttackLan } from './fixture';
import { HostilePeer } from './hostile-peer';
import { cliChatter, nodeChatter, report, underAttack, type Chatter } from './measure';

const LONG = 'fragment me '.repeat(300); // about 3.6 KB: four fragments

const fixture = useAttackLan({ args: { alice: ['--no-tcp'], bob: ['--no-tcp'] } });
const { check } = fixture;

function longChatter(chatter: Chatter): Chatter {
  return { send: (text) => chatter.send(`${text} ${LONG}`) };
}

describe('attack 9: fragment slots', () => {
  it(
    nameWithSkipReason(
      'unauthenticated fragments take no slot; honest long messages arrive',
      check,
    ),
    async (ctx) => {
      requireOrSkip(ctx, check);
      const { lan, alice, bob } = fixture.aliceAndBob();
      const mallory = lan.mallory;
      bob.cli.send({ cmd: 'info' });
      const before = (await bob.cli.waitForType('info')).counters;
      const targets = [bob.endpoint, { address: bob.host.address, port: SERVER_PORT }];
      const run = await underAttack(
        '9 fragment flood',
        bob.cli.pid,
        longChatter(cliChatter(alice.cli, bob.ready.nodeId)),
        () =>
          Promise.all([
            mallory.flood('frag-clear', targets, 5_000, 5_000, { sourcePorts: 16 }),
            mallory.flood('frag-sealed-random', targets, 5_000, 5_000, { sourcePorts: 16 }),
          ]),
        { intervalMs: 250, minMessages: 15 },
      );
      const infoAt = bob.cli.events.length;
      bob.cli.send({ cmd: 'info' });
      const after = (await bob.cli.waitForType('info', (e) => bob.cli.events.indexOf(e) >= infoAt))
        .counters;
      const honestFragments = after.fragmentsReceived - before.fragmentsReceived;
      // Only alice's (authenticated) fragments reach the reassembler: four per long message, a
      // few more for retransmissions.
      expect(honestFragments).toBeLessThan(run.chat.sent * 4 * 3);
      report('9 fragment flood (bob)', {
        malloryFragments: run.attack.reduce((n, r) => n + r.sent, 0),
        fragmentsReassembled: honestFragments,
        honestLongMessages: run.chat.sent,
      });
    },
  );

  it('an authenticated host with 16 identities, 8 partial messages each, cannot starve alice', async () => {
    const ports = testPorts();
    const common = { ...ports, broadcast: [], bindAddress: '127.0.0.1', tcp: false };
    const bob = createNode({ ...common, nick: 'bob' });
    const alice = createNode({ ...common, nick: 'alice', clientPort: ports.clientPort + 10 });
    const sockets: Socket[] = [];
    try {
      await bob.start();
      await alice.start();
      alice.addPeer(`127.0.0.1:${bob.info().clientPort}`);
      await waitUntil(() => bob.isEncrypted(alice.id), 5_000, 'alice and bob in session');
      const to = { address: '127.0.0.1', port: bob.info().clientPort };
      // Mallory: 16 identities (the per-IP bound), each opening 8 partial messages (the per-peer
      // bound) that it never finishes: 128 partial messages wanted, 64 slots in all.
      let opened = 0;
      for (let i = 0; i < 16; i += 1) {
        const socket = createSocket('udp4');
        sockets.push(socket);
        // Mallory's own address: alice's (127.0.0.1) has its own identity budget.
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
        const peer = new HostilePeer(socket);
        const session = await peer.handshake(to, {
          nick: `mallory ${i}`,
          host: 'mallory',
          port: socket.address().port,
          tcp: 0,
          status: 'online',
        });
        for (let m = 0; m < 8; m += 1) {
          peer.sendSealed(session, {
            kind: 'frag',
            from: peer.id,
            id: `hold${i}x${m}`,
            epoch: 'mallory',
            seq: 1 + m,
            floor: 1,
            ts: Date.now(),
            index: 0,
            count: 256,
            data: 'never finished',
          });
          opened += 1;
        }
      }
      await waitUntil(
        () => bob.info().counters.fragmentsReceived >= opened,
        5_000,
        'mallory’s fragments at bob',
      );
      const started = performance.now();
      const arrived = waitForEvent<ChatMessage>(
        bob,
        'message',
        (m) => m.peerId === alice.id,
        10_000,
      );
      const latency = await nodeChatter(alice, bob.id).send(`starved? ${LONG}`);
      await arrived;
      report('9 authenticated partial messages', {
        identities: 16,
        partialsOpened: opened,
        slots: MAX_PARTIAL_MESSAGES,
        honestLongMessageMs: latency,
        waitedMs: performance.now() - started,
      });
      expect(latency).toBeLessThan(1_000);
    } finally {
      for (const socket of sockets) socket.close();
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

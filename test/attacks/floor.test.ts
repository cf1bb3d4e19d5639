/**
 * Attack 12: floor poisoning. In v1 anyone could send a text with a floor near 2^53 in a peer's
 * name and silence that peer's stream for good (every later message looked like a duplicate). Now
 * only the authenticated peer itself can send one, so the test plays a buggy or hostile
 * authenticated peer at the packet level (a real handshake, then sealed texts with any floor) and
 * shows its stream is not silenced: later messages arrive, also after bob restarts with the
 * poisoned stream in his database.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../helpers/cli-node';
import { loopbackArgs, testPorts } from '../helpers/ports';
import { HostilePeer, type HostileSession } from './hostile-peer';
import { report } from './measure';

const NEAR_2_53 = Number.MAX_SAFE_INTEGER - 7;
const EPOCH = 'poisonepoch1';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('attack 12: floor poisoning by an authenticated peer', () => {
  it('a floor near 2^53 silences nothing, before or after bob restarts', async () => {
    const ports = testPorts();
    const dir = await mkdtemp(join(tmpdir(), 'pc-attack-floor-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const startBob = async (): Promise<CliNode> => {
      const cli = startCliNode({
        args: [...loopbackArgs(ports), '--data-dir', dir, '--nick', 'bob'],
      });
      cleanup.push(async () => {
        await cli.stop();
      });
      await cli.ready();
      return cli;
    };
    let bob = await startBob();
    const socket: Socket = createSocket('udp4');
    cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
    const mallory = new HostilePeer(socket);
    const to = { address: '127.0.0.1', port: (await bob.ready()).clientPort };
    const connect = (): Promise<HostileSession> =>
      mallory.handshake(to, {
        nick: 'buggy peer',
        host: 'buggy',
        port: socket.address().port,
        tcp: 0,
        status: 'online',
      });
    let session = await connect();
    const text = (seq: number, floor: number, body: string): Record<string, unknown> => ({
      kind: 'text',
      from: mallory.id,
      id: `m${seq}`,
      epoch: EPOCH,
      seq,
      floor,
      ts: Date.now(),
      text: body,
    });
    const arrives = (node: CliNode, body: string): Promise<unknown> =>
      node.waitForType(
        'message',
        (e) => e.message.from === mallory.id && e.message.text === body,
        5_000,
        `"${body}" at bob`,
      );
    const send = async (node: CliNode, seq: number, floor: number, body: string): Promise<void> => {
      mallory.sendSealed(session, text(seq, floor, body));
      await arrives(node, body);
    };

    await send(bob, 1, 1, 'one');
    await send(bob, 2, NEAR_2_53, 'poison');
    // The sender goes on as an honest one would: every later message still arrives, in order.
    for (let seq = 3; seq <= 12; seq += 1) await send(bob, seq, seq, `after poison ${seq}`);
    // A sender stuck on the huge floor: its messages arrive too.
    for (let seq = 13; seq <= 15; seq += 1) await send(bob, seq, NEAR_2_53, `stuck floor ${seq}`);
    await send(bob, 16, 16, 'back to normal');

    // Poisoned again right before bob goes away: the stream is stored that way.
    await send(bob, 17, NEAR_2_53, 'poison before restart');
    await bob.stop();
    bob = await startBob();
    session = await connect();
    await send(bob, 18, 18, 'after bob restarted');
    for (let seq = 19; seq <= 22; seq += 1) await send(bob, seq, seq, `later ${seq}`);
    const texts = bob.eventsOf('message').filter((e) => e.message.from === mallory.id);
    expect(texts.map((e) => e.message.text)).toEqual([
      'after bob restarted',
      'later 19',
      'later 20',
      'later 21',
      'later 22',
    ]);
    const acks = mallory.inbox.filter((p) => p['kind'] === 'ack').length;
    report('12 floor poisoning', {
      poisonedTexts: 5,
      laterMessagesDelivered: 17 + texts.length - 1,
      silenced: 0,
      acksToTheBuggyPeer: acks,
    });
  });
});

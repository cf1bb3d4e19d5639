/**
 * Attacks on who a peer is, against alice and bob as CLI nodes on loopback (the app's trust layer
 * included) and mallory as a packet-level peer with its own key (hostile-peer.ts):
 *
 * 7. Key change. Mallory announces bob's id and answers the handshake with its own key; mallory
 *    claims bob's id as an old alias in its handshake payload; mallory comes with bob's name and
 *    host while bob is away. Mallory gets no message; messages to bob are held only when bob is
 *    away and a new key claims him, and go out only when the user accepts.
 * 14. Look-alike nicknames: invisible format characters (RLO, zero-width space) are stripped by
 *    the codec; what alice's node shows for each is recorded (a short fingerprint tells the
 *    rest apart in the UI).
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePacket } from '../../shared/protocol/codec';
import type { HandshakePayload } from '../../shared/protocol/packets';
import { startCliNode, type CliNode, type ReadyEvent } from '../helpers/cli-node';
import { loopbackArgs, testPorts } from '../helpers/ports';
import { HostilePeer } from './hostile-peer';
import { report } from './measure';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Honest {
  readonly cli: CliNode;
  readonly ready: ReadyEvent;
}

async function honest(
  ports: { serverPort: number; clientPort: number },
  nick: string,
): Promise<Honest> {
  const dir = await mkdtemp(join(tmpdir(), `pc-attack-${nick}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const cli = startCliNode({ args: [...loopbackArgs(ports), '--data-dir', dir, '--nick', nick] });
  cleanup.push(async () => {
    await cli.stop();
  });
  return { cli, ready: await cli.ready() };
}

/** Mallory on its own loopback address (127.0.0.2): a socket and a key of its own. */
async function mallory(): Promise<{ peer: HostilePeer; socket: Socket }> {
  const socket = createSocket('udp4');
  cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
  return { peer: new HostilePeer(socket), socket };
}

function profile(socket: Socket, fields: Partial<HandshakePayload>): HandshakePayload {
  return {
    nick: 'bob',
    host: 'bob',
    port: socket.address().port,
    tcp: 0,
    status: 'online',
    ...fields,
  };
}

async function pair(): Promise<{
  alice: Honest;
  bob: Honest;
  aliceAt: { address: string; port: number };
}> {
  const ports = testPorts();
  const alice = await honest(ports, 'alice');
  const bob = await honest(ports, 'bob');
  await alice.cli.waitForType('peer', (e) => e.peer.id === bob.ready.nodeId && e.peer.online);
  await bob.cli.waitForType('peer', (e) => e.peer.id === alice.ready.nodeId && e.peer.online);
  return { alice, bob, aliceAt: { address: '127.0.0.1', port: alice.ready.clientPort } };
}

/** Alice sends `text` to bob's id; resolves with the status it reaches first: delivered or held. */
async function sendToBob(
  alice: Honest,
  bobId: string,
  text: string,
): Promise<'delivered' | 'held'> {
  const before = alice.cli.events.length;
  alice.cli.send({ cmd: 'send', to: bobId, text });
  const sent = await alice.cli.waitForType('sent', (e) => alice.cli.events.indexOf(e) >= before);
  const status = await alice.cli.waitForType(
    'status',
    (e) => e.id === sent.id && (e.status === 'delivered' || e.status === 'held'),
    10_000,
  );
  return status.status === 'held' ? 'held' : 'delivered';
}

describe('attack 7: key change', () => {
  it('mallory announcing bob’s id and answering with its own key gets no session and no message', async () => {
    const { alice, bob, aliceAt } = await pair();
    const bobId = bob.ready.nodeId;
    const { peer, socket } = await mallory();
    peer.answerWith(profile(socket, {}));
    const announce = encodePacket({
      kind: 'announce',
      from: bobId,
      port: socket.address().port,
      tcp: 0,
    });
    for (let i = 0; i < 5; i += 1) socket.send(announce, aliceAt.port, aliceAt.address);
    socket.send(announce, alice.ready.serverPort, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await sendToBob(alice, bobId, 'for bob only')).toBe('delivered');
    await bob.cli.waitForType('message', (e) => e.message.text === 'for bob only');
    // Alice did start a handshake toward mallory (the announce named bob) but refused its answer.
    expect(peer.accepted).toEqual([]);
    expect(peer.inbox).toEqual([]);
    alice.cli.send({ cmd: 'peers' });
    const peers = (await alice.cli.waitForType('peers')).peers;
    expect(peers.find((p) => p.id === bobId)).toMatchObject({
      address: '127.0.0.1',
      port: bob.ready.clientPort,
    });
    expect(alice.cli.eventsOf('key-changed')).toEqual([]);
    report('7a announcing bob’s id', {
      announces: 6,
      sessionsMalloryGot: peer.accepted.length,
      messagesMalloryGot: peer.inbox.length,
      keyChangeWarnings: 0,
    });
  });

  it('mallory claiming bob’s id as an old alias while bob is online changes nothing', async () => {
    const { alice, bob, aliceAt } = await pair();
    const bobId = bob.ready.nodeId;
    const { peer, socket } = await mallory();
    await peer.handshake(aliceAt, profile(socket, { aliases: [bobId] }));
    await new Promise((r) => setTimeout(r, 500));
    // Bob is right there, proving his key: messages to him keep going to him.
    expect(await sendToBob(alice, bobId, 'still for bob')).toBe('delivered');
    expect(peer.inbox.filter((p) => p['kind'] === 'text')).toEqual([]);
    expect(alice.cli.eventsOf('key-changed')).toEqual([]);
    report('7b alias claim while bob is online', {
      keyChangeWarnings: alice.cli.eventsOf('key-changed').length,
      messagesMalloryGot: peer.inbox.filter((p) => p['kind'] === 'text').length,
    });
  });

  it('a new key claiming bob while he is away: warning, messages held, mallory gets none unless the user accepts', async () => {
    const { alice, bob, aliceAt } = await pair();
    const bobId = bob.ready.nodeId;
    await bob.cli.stop();
    await alice.cli.waitForType('peer', (e) => e.peer.id === bobId && e.change === 'offline');
    const { peer, socket } = await mallory();
    // Bob's name and host, and his id as an alias: every way to claim to be him.
    await peer.handshake(aliceAt, profile(socket, { host: bob.ready.host, aliases: [bobId] }));
    const warning = await alice.cli.waitForType('key-changed', () => true, 5_000);
    expect(warning).toMatchObject({ peer: bobId, to: peer.id });
    const held = await Promise.all([1, 2, 3].map((i) => sendToBob(alice, bobId, `held ${i}`)));
    expect(held).toEqual(['held', 'held', 'held']);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(peer.inbox.filter((p) => p['kind'] === 'text')).toEqual([]);
    // Only the user's acceptance sends them to the new key.
    alice.cli.send({ cmd: 'accept-key', peer: bobId });
    await alice.cli.waitForType('key-accepted');
    const deadline = Date.now() + 10_000;
    while (peer.inbox.filter((p) => p['kind'] === 'text').length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const afterAccept = peer.inbox.filter((p) => p['kind'] === 'text').length;
    expect(afterAccept).toBe(3);
    report('7c key change while bob is away', {
      keyChangeWarnings: alice.cli.eventsOf('key-changed').length,
      held: held.length,
      messagesMalloryGotBeforeAccept: 0,
      messagesMalloryGotAfterTheUserAccepted: afterAccept,
    });
  });
});

describe('attack 14: look-alike nicknames', () => {
  it('strips invisible characters from what a peer calls itself; records what alice shows', async () => {
    const ports = testPorts();
    const alice = await honest(ports, 'alice');
    const aliceAt = { address: '127.0.0.1', port: alice.ready.clientPort };
    const claims = [
      { nick: '\u202Eecila', expected: 'ecila' },
      { nick: 'ali\u200Bce', expected: 'alice' },
      { nick: 'alice', expected: 'alice' },
      { nick: 'bob\u202Etxt.exe', expected: 'bobtxt.exe' },
      { nick: '\u0430lice', expected: '\u0430lice' }, // Cyrillic а: visible, the UI's concern
      { nick: '\u2066\u2067b\u00ADo\uFEFFb\u2069', expected: 'bob' },
    ];
    const shown: string[] = [];
    for (const claim of claims) {
      const { peer, socket } = await mallory();
      const session = await peer.handshake(
        aliceAt,
        profile(socket, { nick: claim.nick, host: `${claim.nick}-host` }),
      );
      const event = await alice.cli.waitForType('peer', (e) => e.peer.id === peer.id, 5_000);
      expect(event.peer.nick).toBe(claim.expected);
      expect(event.peer.nick).not.toMatch(/\p{Cf}/u);
      shown.push(
        `${JSON.stringify(claim.nick)} -> ${JSON.stringify(event.peer.nick)} [${event.peer.fingerprint.slice(0, 7).replace(' ', '')}]`,
      );
      // A hello (sealed) cannot bring the characters back either.
      peer.sendSealed(session, {
        kind: 'hello',
        from: peer.id,
        nick: `\u202E${claim.expected}`,
        host: 'h',
        port: socket.address().port,
        tcp: 0,
        status: 'online',
      });
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const e of alice.cli.eventsOf('peer')) expect(e.peer.nick).not.toMatch(/\p{Cf}/u);
    console.log(
      `[attack] 14 look-alike nicks as alice shows them (nick [short fingerprint]):\n  ${shown.join('\n  ')}`,
    );
  });
});

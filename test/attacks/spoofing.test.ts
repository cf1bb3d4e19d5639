/**
 * Attacks that need a third host and forged source addresses: alice, bob and mallory on one
 * bridge (network namespaces), alice and bob real CLI nodes with the real defaults, mallory the
 * hostile agent with nftables source NAT as its spoofer (attack-lan.ts explains why).
 *
 * 1. Hijack: forged texts and hellos in alice's name, from mallory's address and from alice's.
 * 2. Silent loss: forged acks (exact message ids) from bob's address while bob hears nothing.
 * 3e-style reflection: announces from a forged source make bob send handshakes there; how many
 *    is bounded per source IP, whatever the announce rate and however many ports.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { CLIENT_PORT, nft, nftScript } from './attack-lan';
import { SOAK, useAttackLan } from './fixture';
import { startHostileHost, type HostileHost } from './hostile-host';
import { innerPacket } from './hostile-peer';
import { cliChatter, chatDuring, latencySummary, report, underAttack } from './measure';

const fixture = useAttackLan({ spoofing: true });
const { check } = fixture;

const hex = (n: number): string =>
  Array.from({ length: n * 2 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** A clear packet in `from`'s name, as protocol v1 would have taken it. */
function forged(fields: Record<string, unknown>): Uint8Array {
  return innerPacket(fields);
}

describe(nameWithSkipReason('attacks with a third host and forged sources', check), () => {
  it('1: forged texts in alice’s name move nothing; bob’s next 20 messages all reach alice, none mallory', async (ctx) => {
    requireOrSkip(ctx, check);
    const { honest, mallory, spoof } = fixture.lan();
    const alice = honest['alice'];
    const bob = honest['bob'];
    if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
    const aliceId = alice.ready.nodeId;
    const movedBefore = bob.cli.eventsOf('peer').filter((e) => e.change === 'moved').length;
    // What v1 took: a text and a hello carrying alice's id, and an announce pointing at mallory.
    const lies = Array.from({ length: 20 }, (_, i) => [
      forged({
        kind: 'text',
        from: aliceId,
        id: hex(6),
        epoch: hex(6),
        seq: 1 + i,
        floor: 1,
        ts: Date.now(),
        text: `I am alice ${i}`,
      }),
      forged({
        kind: 'hello',
        from: aliceId,
        nick: 'alice',
        host: 'alice',
        port: CLIENT_PORT,
        tcp: 0,
        status: 'online',
      }),
      forged({ kind: 'announce', from: aliceId, port: CLIENT_PORT, tcp: 0 }),
    ]).flat();
    await mallory.listen(CLIENT_PORT);
    await mallory.flood('raw', bob.endpoint, lies.length, 500, { raw: lies });
    // The same lies from alice's own address (mallory's source port 25001 leaves as alice:4000).
    // Forged source ports stay below Linux's ephemeral range (32768-60999): a socket the kernel
    // numbered earlier in mallory's namespace could hold one of them (EADDRINUSE, seen once).
    await spoof([{ sourcePort: 25_001, as: { address: alice.host.address, port: CLIENT_PORT } }]);
    await mallory.flood('raw', bob.endpoint, lies.length, 500, {
      raw: lies,
      sourcePortBase: 25_001,
    });

    const chat = await chatDuring(
      cliChatter(bob.cli, aliceId),
      new Promise((r) => setTimeout(r, 1_000)),
      {
        minMessages: 20,
        label: 'bob to alice',
      },
    );
    expect(chat.lost).toBe(0);
    await alice.cli.waitForType(
      'message',
      (e) => e.message.text === chat.texts.at(-1),
      5_000,
      'the last honest message at alice',
    );
    const atAlice = alice.cli
      .eventsOf('message')
      .filter((e) => e.message.from === bob.ready.nodeId);
    expect(atAlice.map((e) => e.message.text)).toEqual(expect.arrayContaining([...chat.texts]));
    const got = await mallory.received();
    expect(got['record'] ?? 0, 'sealed records bob sent to mallory').toBe(0);
    bob.cli.send({ cmd: 'peers' });
    const peers = await bob.cli.waitForType('peers');
    expect(peers.peers.find((p) => p.id === aliceId)).toMatchObject({
      address: alice.host.address,
      port: CLIENT_PORT,
    });
    expect(bob.cli.eventsOf('peer').filter((e) => e.change === 'moved').length).toBe(movedBefore);
    expect(
      bob.cli.eventsOf('message').filter((e) => e.message.text.startsWith('I am alice')),
    ).toEqual([]);
    report('1 hijack', {
      forged: lies.length * 2,
      honestMessages: chat.sent,
      atAlice: atAlice.length,
      recordsToMallory: got['record'] ?? 0,
      handshakesToMallory: got['init'] ?? 0,
      moved: 0,
      ...latencySummary(chat),
    });
  });

  it('2: forged acks from bob’s address make no message delivered that bob did not receive', async (ctx) => {
    requireOrSkip(ctx, check);
    const { honest, mallory, spoof } = fixture.lan();
    const alice = honest['alice'];
    const bob = honest['bob'];
    if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
    const bobId = bob.ready.nodeId;
    // Bob goes deaf to alice: her messages cannot arrive, so any `delivered` now is a lie.
    await nftScript(
      bob.host.netns,
      [
        'table inet deaf {',
        '  chain in {',
        '    type filter hook input priority 0; policy accept;',
        `    ip saddr ${alice.host.address} drop`,
        '  }',
        '}',
      ].join('\n'),
    );
    try {
      const before = alice.cli.events.length;
      for (let i = 0; i < 10; i += 1)
        alice.cli.send({ cmd: 'send', to: bobId, text: `while bob is deaf ${i}` });
      await alice.cli.waitFor(
        () =>
          alice.cli.eventsOf('sent').filter((e) => alice.cli.events.indexOf(e) >= before).length ===
          10,
        5_000,
        'ten sent replies',
      );
      const ids = alice.cli
        .eventsOf('sent')
        .filter((e) => alice.cli.events.indexOf(e) >= before)
        .map((e) => e.id);
      // Mallory knows everything but the keys: the ids, the stream's epoch, the numbers.
      const db = new DatabaseSync(join(alice.dataDir, 'packetchat.db'), { readOnly: true });
      const epoch = (
        db.prepare('SELECT epoch FROM outbound_streams WHERE peer_id = ?').get(bobId) as
          { epoch: string } | undefined
      )?.epoch;
      const rows = db
        .prepare('SELECT id, seq FROM messages WHERE peer_id = ? AND direction = ?')
        .all(bobId, 'out') as { id: string; seq: number }[];
      db.close();
      const seqOf = new Map(rows.map((r) => [r.id, r.seq]));
      const acks = ids.map((id) =>
        forged({ kind: 'ack', from: bobId, id, epoch: epoch ?? hex(6), seq: seqOf.get(id) ?? 1 }),
      );
      const sealedLooking = ids.map(() => {
        const bytes = new Uint8Array(80);
        crypto.getRandomValues(bytes);
        bytes[0] = 0xfb;
        return bytes;
      });
      await spoof([{ sourcePort: 25_002, as: { address: bob.host.address, port: CLIENT_PORT } }]);
      for (let round = 0; round < 10; round += 1) {
        await mallory.flood('raw', alice.endpoint, acks.length * 2, 100, {
          raw: [...acks, ...sealedLooking],
          sourcePortBase: 25_002,
        });
        await mallory.flood('raw', alice.endpoint, acks.length, 100, { raw: acks });
      }
      await new Promise((r) => setTimeout(r, 1_000));
      const falseDelivered = alice.cli
        .eventsOf('status')
        .filter((e) => ids.includes(e.id) && e.status === 'delivered');
      expect(falseDelivered).toEqual([]);

      await nft(bob.host.netns, ['delete', 'table', 'inet', 'deaf']);
      await Promise.all(
        ids.map((id) =>
          alice.cli.waitForType(
            'status',
            (e) => e.id === id && e.status === 'delivered',
            20_000,
            `delivery of ${id} once bob hears again`,
          ),
        ),
      );
      // Bob's events come on another pipe than alice's: give them the time to be read.
      const heardAtBob = (): Set<string> =>
        new Set(bob.cli.eventsOf('message').map((e) => e.message.id));
      await bob.cli
        .waitFor(() => ids.every((id) => heardAtBob().has(id)), 5_000, 'the messages at bob')
        .catch(() => undefined); // the assertion below names what is missing
      const atBob = heardAtBob();
      const deliveredNotReceived = ids.filter((id) => !atBob.has(id));
      expect(deliveredNotReceived).toEqual([]);
      report('2 forged acks', {
        messages: ids.length,
        forgedAcks: 10 * (acks.length * 2 + acks.length),
        falseDelivered: falseDelivered.length,
        deliveredAfterwards: ids.length,
        deliveredButNotReceived: deliveredNotReceived.length,
      });
    } finally {
      await nft(bob.host.netns, ['delete', 'table', 'inet', 'deaf']).catch(() => undefined);
    }
  });

  it('announces from a forged source: bob sends that source a bounded number of handshakes, no 1:1 reflection', async (ctx) => {
    requireOrSkip(ctx, check);
    const { honest, mallory, spoof } = fixture.lan();
    const alice = honest['alice'];
    const bob = honest['bob'];
    if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
    // The reflected traffic lands on alice's host: a listener there counts it.
    let victim: HostileHost | undefined;
    try {
      victim = await startHostileHost({ netns: alice.host.netns });
      const PORTS = 50;
      for (let i = 0; i < PORTS; i += 1) await victim.listen(6_000 + i);
      await spoof([
        {
          sourcePort: [26_000, 26_000 + PORTS - 1],
          as: { address: alice.host.address, port: [6_000, 6_000 + PORTS - 1] },
        },
      ]);
      const SECONDS = 3;
      const flood = await mallory.flood(
        'announce-invented',
        [{ address: bob.host.address, port: 8_000 }, bob.endpoint],
        4_000,
        SECONDS * 1_000,
        { sourcePorts: PORTS, sourcePortBase: 26_000 },
      );
      await new Promise((r) => setTimeout(r, 1_000)); // replies wait up to 250 ms
      const reflected = await victim.received();
      const inits = reflected['init'] ?? 0;
      const total = Object.values(reflected).reduce((a, b) => a + b, 0);
      const seconds = flood.ms / 1000 + 1;
      // Per destination IP: a burst of 10, then 5 a second (secure-channel.ts INITIATIONS_PER_IP).
      expect(total).toBeLessThanOrEqual(10 + Math.ceil(5 * seconds));
      report('announce reflection to a forged source', {
        announces: flood.sent,
        sourcePorts: PORTS,
        seconds: Number(seconds.toFixed(1)),
        handshakesToVictim: inits,
        datagramsToVictim: total,
        bound: 10 + Math.ceil(5 * seconds),
      });
    } finally {
      await victim?.stop();
    }
  });

  it('a flood forged from alice’s address: her session’s records still reach bob; the chat keeps its p99', async (ctx) => {
    requireOrSkip(ctx, check);
    const { honest, mallory, spoof } = fixture.lan();
    const alice = honest['alice'];
    const bob = honest['bob'];
    if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
    await spoof([
      { sourcePort: [27_000, 27_063], as: { address: alice.host.address, port: [7_000, 7_063] } },
    ]);
    // 10,000 INITs a second "from alice": her address's budget at bob is spent many times over.
    await underAttack(
      'INITs forged from alice’s address',
      bob.cli.pid,
      cliChatter(alice.cli, bob.ready.nodeId),
      () =>
        mallory.flood('init', bob.endpoint, 40_000, 4_000, {
          sourcePorts: 64,
          sourcePortBase: 27_000,
        }),
    );
  });

  it.runIf(SOAK)(
    'known limit: a session that must be made during a flood forged from alice’s address waits for its end',
    async (ctx) => {
      requireOrSkip(ctx, check);
      const l = fixture.lan();
      const alice = l.honest['alice'];
      if (alice === undefined) throw new Error('no alice');
      await l.spoof([
        { sourcePort: [27_000, 27_063], as: { address: alice.host.address, port: [7_000, 7_063] } },
      ]);
      const FLOOD_MS = 20_000;
      const started = performance.now();
      const flood = l.mallory.flood(
        'init',
        l.honest['bob']?.endpoint ?? alice.endpoint,
        200_000,
        FLOOD_MS,
        {
          sourcePorts: 64,
          sourcePortBase: 27_000,
        },
      );
      // Bob restarts: alice and bob need a new handshake while the flood goes on.
      const bob = await l.restart('bob');
      const before = alice.cli.events.length;
      alice.cli.send({ cmd: 'send', to: bob.ready.nodeId, text: 'new session?' });
      const sent = await alice.cli.waitForType(
        'sent',
        (e) => alice.cli.events.indexOf(e) >= before,
      );
      let floodOverAt = 0;
      void flood.then(() => (floodOverAt = performance.now()));
      await alice.cli.waitForType(
        'status',
        (e) => e.id === sent.id && e.status === 'delivered',
        90_000,
        'the message over a new session',
      );
      const deliveredAt = performance.now();
      await flood;
      report('known limit: handshake during a forged flood', {
        floodSeconds: FLOOD_MS / 1000,
        deliveredAfterStartSeconds: (deliveredAt - started) / 1000,
        deliveredAfterFloodEndSeconds: floodOverAt === 0 ? -1 : (deliveredAt - floodOverAt) / 1000,
      });
    },
    120_000,
  );
});

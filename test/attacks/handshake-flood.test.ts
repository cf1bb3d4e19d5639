/**
 * Attack 6: a flood of handshake INITs (real ones, fresh ephemeral keys) from many source ports
 * and a few IPs of mallory's host while alice and bob chat: the chat keeps its p99, and bob
 * answers a bounded number of them (per source IP and in all; secure-channel.ts).
 * Attack 15, second half: mallory completes real handshakes with 40 generated keys from one IP;
 * bob takes at most 16 identities from it.
 */
import { describe, expect, it } from 'vitest';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { SOAK, useAttackLan } from './fixture';
import { cliChatter, report, underAttack } from './measure';

const FLOOD_MS = SOAK ? 60_000 : 5_000;
const INITS_PER_IP = SOAK ? 300_000 : 20_000;

const fixture = useAttackLan();
const { check } = fixture;

describe(nameWithSkipReason('attacks 6 and 15: handshakes', check), () => {
  it(
    '6: an INIT flood from 3 IPs and 192 source ports: chat goes on, bob answers a bounded number',
    async (ctx) => {
      requireOrSkip(ctx, check);
      const l = fixture.lan();
      const alice = l.honest['alice'];
      const bob = l.honest['bob'];
      if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
      const ips = [l.malloryHost.address, ...(await l.addMalloryAddresses(2))];
      const run = await underAttack(
        '6 handshake INIT flood',
        bob.cli.pid,
        cliChatter(alice.cli, bob.ready.nodeId),
        () =>
          Promise.all(
            ips.map((bindAddress) =>
              l.mallory.flood('init', bob.endpoint, INITS_PER_IP, FLOOD_MS, {
                sourcePorts: 64,
                bindAddress,
              }),
            ),
          ),
      );
      await new Promise((r) => setTimeout(r, 500));
      const answered = (await l.mallory.received())['resp'] ?? 0;
      const seconds = run.victim.wallSeconds + 1;
      // Per IP: a burst of 20 and 10 a second; in all: 400 and 200 a second. In practice fewer:
      // at most 16 handshakes per IP wait for their third message at once, for 10 s each.
      const perIpBound = ips.length * (20 + 10 * seconds);
      const totalBound = 400 + 200 * seconds;
      expect(answered).toBeLessThanOrEqual(Math.min(perIpBound, totalBound));
      expect(answered).toBeGreaterThan(0);
      report('6 handshakes answered', {
        inits: run.attack.reduce((n, r) => n + r.sent, 0),
        ips: ips.length,
        sourcePorts: 64 * ips.length,
        answered,
        bound: Math.floor(Math.min(perIpBound, totalBound)),
      });
    },
    SOAK ? 300_000 : 60_000,
  );

  it('15b: 40 real identities from one IP: at most 16 become peers', async (ctx) => {
    requireOrSkip(ctx, check);
    const l = fixture.lan();
    const bob = l.honest['bob'];
    if (bob === undefined) throw new Error('no bob');
    const [bindAddress = ''] = await l.addMalloryAddresses(1);
    const peersBefore = bob.cli.eventsOf('peer').length;
    const result = await l.mallory.identities(bob.endpoint, 40, { bindAddress });
    await new Promise((r) => setTimeout(r, 500));
    const added = bob.cli
      .eventsOf('peer')
      .slice(peersBefore)
      .filter((e) => e.change === 'added' && e.peer.address === bindAddress);
    bob.cli.send({ cmd: 'peers' });
    const listed = (await bob.cli.waitForType('peers')).peers.filter(
      (p) => p.address === bindAddress,
    );
    expect(added.length).toBeLessThanOrEqual(16);
    expect(listed.length).toBeLessThanOrEqual(16);
    report('15b identities from one IP', {
      handshakesDone: result.completed,
      peersAdded: added.length,
      peersListed: listed.length,
      bound: 16,
    });
  });
});

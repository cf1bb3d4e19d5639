/**
 * Attack 15, first half: one host announces thousands of invented node ids ("the table filled
 * (4,096), RSS 80→120 MB, 4,161 junk peers stored for ever, the contact list filled" in v1). An
 * announce is only a hint now: bob (a CLI node in a namespace) adds and stores no peer for any of
 * them, chats on with alice, and the handshakes the hints make him start toward mallory are
 * bounded per IP (no 1:1 reflector).
 */
import { describe, expect, it } from 'vitest';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { SERVER_PORT } from './attack-lan';
import { SOAK, useAttackLan } from './fixture';
import { cliChatter, report, storedCounts, underAttack } from './measure';

const ANNOUNCES = SOAK ? 200_000 : 20_000;
const FLOOD_MS = SOAK ? 50_000 : 5_000;

const fixture = useAttackLan();
const { check } = fixture;

describe(nameWithSkipReason('attack 15: peer-table flood by announces', check), () => {
  it(
    `${ANNOUNCES} announces under invented ids: no peer added or stored`,
    async (ctx) => {
      requireOrSkip(ctx, check);
      const { lan, alice, bob } = fixture.aliceAndBob();
      const mallory = lan.mallory;
      const peersBefore = bob.cli.eventsOf('peer').length;
      const run = await underAttack(
        '15 announce flood',
        bob.cli.pid,
        cliChatter(alice.cli, bob.ready.nodeId),
        () =>
          mallory.flood(
            'announce-invented',
            [{ address: bob.host.address, port: SERVER_PORT }, bob.endpoint],
            ANNOUNCES,
            FLOOD_MS,
            { sourcePorts: 64 },
          ),
      );
      await new Promise((r) => setTimeout(r, 500)); // announce replies wait up to 250 ms
      const answers = await mallory.received();
      const newPeers = bob.cli
        .eventsOf('peer')
        .slice(peersBefore)
        .filter((e) => e.peer.id !== alice.ready.nodeId);
      expect(newPeers).toEqual([]);
      bob.cli.send({ cmd: 'peers' });
      expect((await bob.cli.waitForType('peers')).peers.map((p) => p.id)).toEqual([
        alice.ready.nodeId,
      ]);
      // Handshakes bob started toward mallory: a burst of 10, then 5 a second, per IP.
      const seconds = run.victim.wallSeconds + 1;
      const bound = 10 + Math.ceil(5 * seconds);
      const toMallory = Object.values(answers).reduce((a, b) => a + b, 0);
      expect(toMallory).toBeLessThanOrEqual(bound);
      await bob.cli.stop();
      const stored = storedCounts(bob.dataDir);
      expect(stored.peers).toEqual([alice.ready.nodeId]);
      report('15 announce flood (bob)', {
        announces: run.attack.sent,
        peersAdded: newPeers.length,
        peersStored: stored.peers.length,
        datagramsToMallory: toMallory,
        handshakesToMallory: answers['init'] ?? 0,
        bound,
      });
    },
    SOAK ? 300_000 : 60_000,
  );
});

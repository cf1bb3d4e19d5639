/**
 * Attack 10: stranger spam. Plain UDP text from 5,000 source ports of mallory's host: bob (a CLI
 * node in a namespace) keeps chatting with alice, stores nothing of it until someone looks at one
 * stranger's conversation (then only that one), and an in-process node on loopback shows the
 * table's bounds (at most 256 strangers, at most 16 per source IP) while it happens.
 */
import { describe, expect, it } from 'vitest';
import { createNode } from '../../electron/net/node';
import { MAX_STRANGERS } from '../../shared/protocol/constants';
import { MAX_STRANGERS_PER_IP } from '../../electron/net/strangers';
import { testPorts } from '../helpers/ports';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { SERVER_PORT } from './attack-lan';
import { useAttackLan } from './fixture';
import { startHostileHost } from './hostile-host';
import { cliChatter, report, storedCounts, underAttack } from './measure';

const SOURCE_PORTS = 5_000;

const fixture = useAttackLan();
const { check } = fixture;

describe('attack 10: stranger spam', () => {
  it(
    nameWithSkipReason(
      'from 5,000 source ports: chat goes on, nothing stored until looked at',
      check,
    ),
    async (ctx) => {
      requireOrSkip(ctx, check);
      const { lan, alice, bob } = fixture.aliceAndBob();
      const mallory = lan.mallory;
      const strangersBefore = bob.cli.eventsOf('stranger').length;
      const run = await underAttack(
        '10 stranger spam',
        bob.cli.pid,
        cliChatter(alice.cli, bob.ready.nodeId),
        () =>
          mallory.flood(
            'stranger-text',
            [bob.endpoint, { address: bob.host.address, port: SERVER_PORT }],
            20_000,
            5_000,
            { sourcePorts: SOURCE_PORTS },
          ),
      );
      const seen = bob.cli.eventsOf('stranger').slice(strangersBefore);
      expect(seen.length).toBeGreaterThan(0);
      // Someone opens one stranger's conversation: from then on (only) its messages are stored.
      const looked = seen.at(-1)?.stranger.id ?? '';
      bob.cli.send({ cmd: 'history', with: looked, limit: 100 });
      await bob.cli.waitForType('history');
      await bob.cli.stop();
      const stored = storedCounts(bob.dataDir);
      const storedStrangers = Object.keys(stored.messagesByPeer).filter((p) =>
        p.startsWith('stranger:'),
      );
      expect(storedStrangers).toEqual([looked]);
      expect(stored.messagesByPeer[looked] ?? 0).toBeLessThanOrEqual(50);
      expect(stored.peers).toEqual([alice.ready.nodeId]);
      report('10 stranger spam (stored at bob)', {
        datagrams: run.attack.sent,
        sourcePorts: SOURCE_PORTS,
        strangerEvents: seen.length,
        strangersStored: storedStrangers.length,
        messagesStoredOfTheOneLookedAt: stored.messagesByPeer[looked] ?? 0,
      });
    },
  );

  it('the stranger table stays within 256 entries and 16 per source IP', async () => {
    const ports = testPorts();
    const victim = createNode({ ...ports, broadcast: [], bindAddress: '127.0.0.1', tcp: false });
    const mallory = await startHostileHost();
    try {
      await victim.start();
      let largest = 0;
      let largestPerIp = 0;
      const sample = (): void => {
        const list = victim.strangerList();
        largest = Math.max(largest, list.length);
        const perIp = new Map<string, number>();
        for (const s of list) perIp.set(s.address, (perIp.get(s.address) ?? 0) + 1);
        largestPerIp = Math.max(largestPerIp, ...perIp.values());
      };
      victim.on('stranger', sample);
      const to = { address: '127.0.0.1', port: victim.info().clientPort };
      // One address with 500 ports: the per-IP bound.
      await mallory.flood('stranger-text', to, 1_000, 500, {
        sourcePorts: 500,
        bindAddress: '127.0.0.9',
      });
      sample();
      const oneIp = largestPerIp;
      expect(oneIp).toBe(MAX_STRANGERS_PER_IP);
      // 40 source addresses (127.0.0.x) with 50 ports each: the total bound is reached too.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          mallory.flood('stranger-text', to, 300, 1_500, {
            sourcePorts: 50,
            bindAddress: `127.0.0.${i + 10}`,
          }),
        ),
      );
      sample();
      expect(largest).toBeLessThanOrEqual(MAX_STRANGERS);
      expect(largestPerIp).toBeLessThanOrEqual(MAX_STRANGERS_PER_IP);
      report('10 stranger table bounds', {
        fromOneIp: oneIp,
        largest,
        largestPerIp,
        bound: MAX_STRANGERS,
      });
    } finally {
      await mallory.stop();
      await victim.close();
    }
  });
});

/**
 * Attack 5: 100,000 random sealed-looking datagrams (first byte 0xF8–0xFC, random rest) from
 * mallory's host, rotating 64 source sockets, to bob's client and server ports while alice chats
 * with bob. Nothing is accepted, bob's memory stays bounded, the honest chat keeps its p99, and
 * warnings stay throttled per kind and source IP however many source ports mallory rotates
 * (v1: "52,454 unthrottled warnings in 45 s").
 */
import { describe, expect, it } from 'vitest';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { SERVER_PORT } from './attack-lan';
import { SOAK, useAttackLan } from './fixture';
import { cliChatter, underAttack } from './measure';

const DATAGRAMS = SOAK ? 1_000_000 : 100_000;
const FLOOD_MS = SOAK ? 50_000 : 5_000;

const fixture = useAttackLan();
const { check } = fixture;

describe(nameWithSkipReason('attack 5: random sealed-looking datagrams', check), () => {
  it(
    `${DATAGRAMS} random 0xF8–0xFC datagrams: nothing accepted, memory bounded, chat goes on, warnings throttled`,
    async (ctx) => {
      requireOrSkip(ctx, check);
      const { honest, mallory } = fixture.lan();
      const alice = honest['alice'];
      const bob = honest['bob'];
      if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
      bob.cli.send({ cmd: 'info' });
      const before = (await bob.cli.waitForType('info')).counters;
      const warningsBefore = bob.cli.eventsOf('warning').length;
      const messagesBefore = bob.cli.eventsOf('message').length;
      const peersBefore = bob.cli.eventsOf('peer').length;
      const run = await underAttack(
        '5 random sealed-looking flood',
        bob.cli.pid,
        cliChatter(alice.cli, bob.ready.nodeId),
        () =>
          mallory.flood(
            'sealed-random',
            [bob.endpoint, { address: bob.host.address, port: SERVER_PORT }],
            DATAGRAMS,
            FLOOD_MS,
            { sourcePorts: 64 },
          ),
      );
      const infoAt = bob.cli.events.length;
      bob.cli.send({ cmd: 'info' });
      const after = (await bob.cli.waitForType('info', (e) => bob.cli.events.indexOf(e) >= infoAt))
        .counters;
      const honestTexts = new Set(run.chat.texts);
      const strays = bob.cli
        .eventsOf('message')
        .slice(messagesBefore)
        .filter((e) => !honestTexts.has(e.message.text));
      const warnings = bob.cli.eventsOf('warning').slice(warningsBefore);
      const seconds = run.victim.wallSeconds + 1;
      const kinds = new Set(warnings.map((w) => `${w.code} ${w.remote?.address ?? ''}`));
      // One warning per kind and source IP per second (node.ts warn(), WarningGate).
      const bound = kinds.size * Math.ceil(seconds);
      expect(strays, 'messages from the flood').toEqual([]);
      expect(bob.cli.eventsOf('peer').slice(peersBefore), 'peers from the flood').toEqual([]);
      expect(bob.cli.eventsOf('stranger')).toEqual([]);
      expect(warnings.length).toBeLessThanOrEqual(bound);
      expect(after.handshakesCompleted - before.handshakesCompleted).toBeLessThanOrEqual(2);
      console.log(
        `[attack] 5 counters: sent=${run.attack.sent} received=${after.datagramsReceived - before.datagramsReceived} rateLimited=${after.rateLimited - before.rateLimited} recordsRejected=${after.recordsRejected - before.recordsRejected} junk=${after.junkDropped - before.junkDropped} warnings=${warnings.length} (bound ${bound}, ${kinds.size} kinds and sources) suppressed=${warnings.reduce((n, w) => n + w.suppressed, 0)}`,
      );
    },
    SOAK ? 300_000 : 60_000,
  );
});

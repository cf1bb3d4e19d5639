/**
 * Groups under faults (issue 15, "Tests"): ten members, every pair of them joined by its own
 * impairment proxy with 10 % loss, duplication and reordering, five senders of 300 messages
 * each; then twenty membership changes while messages flow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PacketChatNode } from '../../electron/net/index';
import type { GroupChange } from '../../shared/domain';
import { waitForEvent, waitUntil } from '../helpers/wait';
import { startGroupMesh, type GroupMesh } from './group-mesh';
import { chatText, seedFromEnv } from './mesh';
import { LOSSY_LINK } from './scenarios';
import { mulberry32 } from '../helpers/impairment-proxy';

const MEMBERS = 10;
const SENDERS = 5;
const PER_SENDER = 300;

let mesh: GroupMesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

async function everyoneJoins(m: GroupMesh): Promise<string> {
  const [creator, ...others] = m.nodes as [PacketChatNode, ...PacketChatNode[]];
  const joined = others.map((n) =>
    waitForEvent<GroupChange>(n, 'group', (g) => g.change === 'joined', 30_000),
  );
  const group = creator.createGroup(
    'ten',
    others.map((n) => n.id),
  );
  await Promise.all(joined);
  return group.id;
}

describe('groups under 10 % loss, duplication and reordering', () => {
  it('5 senders x 300 messages to 10 members: each shown once, in sender order, causally', async () => {
    const seed = seedFromEnv(20240615);
    mesh = await startGroupMesh({ count: MEMBERS, seed, faults: LOSSY_LINK });
    const m = mesh;
    const { monitorEventLoopDelay } = await import('node:perf_hooks');
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    const groupId = await everyoneJoins(m);
    const random = mulberry32(seed ^ 0x5eed);
    for (let round = 0; round < PER_SENDER; round += 1) {
      for (let s = 0; s < SENDERS; s += 1)
        await m.log.post(s * 2, groupId, chatText(round * SENDERS + s, random, 0));
      if (round % 5 === 4) await new Promise((r) => setTimeout(r, 150));
    }
    const total = SENDERS * PER_SENDER;
    try {
      await waitUntil(
        () => m.log.shown.every((list) => list.length >= total),
        180_000,
        'every member to show every message',
      );
    } catch (error) {
      throw new Error(
        `${String(error)}\nshown: ${m.log.shown.map((l) => l.length).join(', ')}\n${m.describe()}`,
      );
    }
    const senders = Array.from({ length: SENDERS }, (_, s) => m.nodes[s * 2]!.id);
    let gaps = 0;
    for (let i = 0; i < MEMBERS; i += 1) {
      const shown = m.log.shown[i]!;
      expect(new Set(shown.map((s) => s.mid)).size, `member ${i}: exactly once`).toBe(total);
      expect(shown, `member ${i}: nothing else`).toHaveLength(total);
      const bySender = m.log.bySender(i);
      for (const sender of senders)
        expect(bySender.get(sender), `member ${i}, sender ${sender.slice(0, 6)}: in order`).toEqual(
          Array.from({ length: PER_SENDER }, (_, k) => k + 1),
        );
      expect(m.log.causalViolations(i), `member ${i}: ${m.describe()}`).toEqual([]);
      gaps += m.log.gaps(i);
    }
    // Every loss, duplication and reordering really happened on the links.
    const counters = m.proxies.flatMap((p) => [p.counters.forward, p.counters.back]);
    const sum = (f: (c: (typeof counters)[number]) => number) =>
      counters.reduce((a, c) => a + f(c), 0);
    expect(sum((c) => c.dropped.loss)).toBeGreaterThan(0);
    expect(sum((c) => c.duplicated)).toBeGreaterThan(0);
    expect(sum((c) => c.reordered)).toBeGreaterThan(0);
    lag.disable();
    console.log(
      `groups: ${total} messages to ${MEMBERS} members, ${gaps} shown with a gap marker in all; event loop delay p99 ${Math.round(lag.percentile(99) / 1e6)} ms; ${m.describe()}`,
    );
  }, 300_000);
});

describe('membership changes under 10 % loss, duplication and reordering', () => {
  it('20 changes during traffic: nothing reaches a removed member, everyone agrees soon after', async () => {
    const seed = seedFromEnv(20240616);
    mesh = await startGroupMesh({ count: MEMBERS, seed, faults: LOSSY_LINK });
    const m = mesh;
    const groupId = await everyoneJoins(m);
    const [first, second] = m.nodes as [PacketChatNode, PacketChatNode];
    const admins = [first, second];
    first.changeGroup(groupId, { op: 'admin', member: second.id });
    await waitUntil(
      () => second.group(groupId)?.admins.includes(second.id) === true,
      10_000,
      'the second admin to know it is one',
    );
    // Who each message was sent to: its sender's members when it was sent.
    const audience = new Map<string, Set<string>>();
    const senders = [2, 3, 4, 5];
    const flow = { sending: true };
    const random = mulberry32(seed ^ 0xc4a9);
    const traffic = (async () => {
      for (let k = 0; flow.sending && k < 2_000; k += 1) {
        const i = senders[k % senders.length]!;
        const members = m.nodes[i]!.group(groupId)?.members.map((x) => x.id) ?? [];
        if (m.nodes[i]!.group(groupId)?.status !== 'member') continue;
        const sent = await m.log.post(i, groupId, chatText(k, random, 0));
        audience.set(sent.id, new Set(members));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Twenty changes by two admins, on members 6-9; every fifth round both change at once.
    const churn = [6, 7, 8, 9];
    let changes = 1;
    let lastChange = Date.now();
    let agreedAfter = 0;
    const final = () => first.group(groupId)!;
    try {
      const changeBy = (admin: PacketChatNode, k: number): void => {
        const view = admin.group(groupId);
        const target = m.nodes[churn[k % churn.length]!]!.id;
        const inside = view?.members.some((x) => x.id === target) === true;
        admin.changeGroup(
          groupId,
          k % 7 === 3
            ? { op: 'rename', name: `change ${String(changes)} by ${admin.info().nick}` }
            : inside
              ? { op: 'remove', member: target }
              : { op: 'add', member: target },
        );
        changes += 1;
      };
      for (let k = 0; changes < 20; k += 1) {
        if (k % 5 === 4 && changes <= 18) {
          changeBy(first, k);
          changeBy(second, k + 1);
        } else {
          changeBy(admins[k % 2]!, k);
        }
        lastChange = Date.now();
        await new Promise((r) => setTimeout(r, 400));
      }
      // Every node the winning snapshot lists agrees on it within 10 s of the last change.
      await waitUntil(
        () => {
          const want = final();
          const key = (g: typeof want | undefined) =>
            g === undefined ? '' : `${g.version} ${g.members.map((x) => x.id).join(',')}`;
          return m.nodes
            .filter((n) => want.members.some((x) => x.id === n.id))
            .every((n) => key(n.group(groupId)) === key(want));
        },
        10_000,
        'every member to agree on the membership',
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}\n${m.nodes.map((n, i) => `${i}: v${n.group(groupId)?.version ?? '-'} ${n.group(groupId)?.status ?? ''}`).join('\n')}\n${m.describe()}`,
        );
      });
      agreedAfter = Date.now() - lastChange;
    } finally {
      flow.sending = false;
      await traffic;
    }
    // Nodes outside the final membership know they were removed.
    for (const n of m.nodes)
      if (!final().members.some((x) => x.id === n.id))
        expect(n.group(groupId)?.status, n.info().nick).toBe('removed');
    // Let the last messages arrive, then: nothing reached anyone it was not sent to.
    await new Promise((r) => setTimeout(r, 2_000));
    const strays: string[] = [];
    m.log.shown.forEach((list, i) => {
      for (const s of list) {
        const to = audience.get(s.mid);
        if (to !== undefined && !to.has(m.nodes[i]!.id) && s.sender !== m.nodes[i]!.id)
          strays.push(`node ${i} got ${s.sender.slice(0, 6)}#${s.seq}`);
      }
    });
    expect(strays, m.describe()).toEqual([]);
    const removedSometime = churn.filter((i) =>
      [...audience.values()].some((to) => !to.has(m.nodes[i]!.id)),
    );
    expect(removedSometime.length).toBeGreaterThan(0);
    console.log(
      `groups: ${changes} membership changes, final version ${final().version}, ${audience.size} messages meanwhile; every member agreed ${agreedAfter} ms after the last change`,
    );
  }, 300_000);
});

/**
 * Five PacketChat CLI nodes on five "hosts" (network namespaces joined by a bridge, the real
 * defaults: ports 8000/4000, discovery by the subnet broadcast) form a group and chat in it; one
 * is killed with SIGKILL in the middle and started again on its profile. Afterwards all five
 * have the same group history: the same messages, once each, in the same order. Every message is
 * written after its writer has seen the ones before it, so the causal order is a total order here
 * and the display order must be it everywhere, the restarted node included. Needs root and
 * iproute2 (skipped outside CI without them, a failure in CI).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/domain';
import { startCliNode, type CliNode } from '../helpers/cli-node';
import { canUseNetns, createLan, type Lan } from '../helpers/netns';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';

const HOSTS = 5;
const KILLED = 3;
const ROUNDS = 6;
const WAIT_MS = 20_000;
const TEST_TIMEOUT_MS = 180_000;

const netns = canUseNetns();
const suiteName = nameWithSkipReason('groups on a five-host LAN (network namespaces)', netns);

describe(suiteName, () => {
  let lan: Lan | undefined;
  let creation: Promise<Lan> | undefined;
  const homes: string[] = [];
  const nodes: CliNode[] = [];
  const ids: string[] = [];

  function start(i: number): CliNode {
    const host = lan?.hosts[i];
    if (host === undefined || homes[i] === undefined) throw new Error('no LAN');
    const node = startCliNode({
      netns: host.netns,
      args: ['--nick', `host${String(i + 1)}`],
      configHome: homes[i],
    });
    nodes[i] = node;
    return node;
  }

  beforeAll(async () => {
    if (!netns.ok) return;
    creation = createLan(HOSTS);
    lan = await creation;
    for (let i = 0; i < HOSTS; i += 1) homes.push(mkdtempSync(join(tmpdir(), 'pc-group-host-')));
    const ready = await Promise.all(
      Array.from({ length: HOSTS }, (_, i) => start(i).ready(WAIT_MS)),
    );
    ids.push(...ready.map((r) => r.nodeId));
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    const made = lan ?? (await creation?.catch(() => undefined));
    await made?.destroy();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }, TEST_TIMEOUT_MS);

  async function history(node: CliNode, groupId: string): Promise<readonly ChatMessage[]> {
    const before = node.events.length;
    node.send({ cmd: 'history', with: `group:${groupId}`, limit: 500 });
    const page = await node.waitForType(
      'history',
      (e) => node.events.indexOf(e) >= before,
      WAIT_MS,
      'the group history',
    );
    return page.messages;
  }

  /** Asks for the group history until it holds `count` messages (history has no event). */
  async function historyOf(i: number, groupId: string, count: number) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const list = await history(nodes[i]!, groupId);
      if (list.length >= count) return list;
      if (Date.now() > deadline)
        throw new Error(`host${String(i + 1)} shows ${list.length} of ${count} messages`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function everyoneShows(which: readonly number[], text: string): Promise<void> {
    await Promise.all(
      which.map((i) =>
        nodes[i]!.waitForType(
          'message',
          (e) => e.message.text === text,
          WAIT_MS,
          `host${String(i + 1)} to show "${text}"`,
        ),
      ),
    );
  }

  it(
    'forms a group; one member is killed and restarted; all five end with the same history',
    async (ctx) => {
      requireOrSkip(ctx, netns);
      for (const [i, node] of nodes.entries())
        for (const [j, id] of ids.entries())
          if (i !== j)
            await node.waitForType('peer', (e) => e.peer.id === id && e.peer.online, WAIT_MS);
      const creator = nodes[0]!;
      creator.send({ cmd: 'group-create', name: 'five', members: ids.slice(1) });
      const groupId = (await creator.waitForType('group', (e) => e.change === 'created')).group.id;
      await Promise.all(
        nodes.slice(1).map((n) => n.waitForType('group', (e) => e.group.id === groupId, WAIT_MS)),
      );
      const all = Array.from({ length: HOSTS }, (_, i) => i);
      const texts: string[] = [];
      // Round robin: each host writes once it has seen everything before (a causal chain).
      let alive = all;
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const i of alive) {
          const text = `round ${String(round)} from host${String(i + 1)} 你好`;
          nodes[i]!.send({ cmd: 'send', to: `group:${groupId}`, text });
          texts.push(text);
          await everyoneShows(
            alive.filter((j) => j !== i),
            text,
          );
          if (round === 2 && i === KILLED) {
            // Killed the moment its message is out: its acks may not all have come back.
            process.kill(nodes[KILLED]!.pid!, 'SIGKILL');
            await nodes[KILLED]!.exited;
            alive = all.filter((j) => j !== KILLED);
          }
        }
        if (round === 4) {
          // Back on its profile: it meets every other host again (the others may not even have
          // noticed it was gone: it said no bye).
          const back = start(KILLED);
          await back.ready(WAIT_MS);
          await Promise.all(
            ids
              .filter((_, j) => j !== KILLED)
              .map((id) =>
                back.waitForType('peer', (e) => e.peer.id === id && e.peer.online, WAIT_MS),
              ),
          );
          // It catches up on what it missed before it writes again (the chain stays a chain).
          await historyOf(KILLED, groupId, texts.length);
          alive = all;
        }
      }
      // Everyone has everything: the restarted host too (what it missed came when it returned).
      const histories = await Promise.all(all.map((i) => historyOf(i, groupId, texts.length)));
      const reference = histories[0]!.map((m) => m.id);
      for (const [i, list] of histories.entries()) {
        expect(list.map((m) => m.text).sort(), `host${String(i + 1)}`).toEqual([...texts].sort());
        expect(
          list.map((m) => m.id),
          `host${String(i + 1)}: the same order`,
        ).toEqual(reference);
        expect(list.filter((m) => m.group?.gap === true)).toEqual([]);
      }
      expect(histories[0]!.map((m) => m.text)).toEqual(texts);
    },
    TEST_TIMEOUT_MS,
  );
});

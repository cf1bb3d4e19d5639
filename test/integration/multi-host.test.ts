/**
 * Three PacketChat CLI nodes on three "hosts" (network namespaces joined by a bridge), each with
 * the real defaults: server port 8000, client port 4000, discovery to the subnet broadcast address
 * of its interface. Needs root and iproute2; without them every test is skipped with the reason
 * (outside CI) or fails with it (in CI), see test/helpers/require-tool.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCliNode,
  type CliNode,
  type ErrorEvent,
  type ReadyEvent,
  type SentEvent,
} from '../helpers/cli-node';
import { canUseNetns, createLan, type Lan } from '../helpers/netns';
import { nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';

const HOSTS = 3;
const SERVER_PORT = 8000;
const CLIENT_PORT = 4000;
const TEST_TIMEOUT_MS = 30_000;
/** Per awaited event; everything here normally takes well under a second. */
const WAIT_MS = 10_000;
/** A peer that just goes silent is marked offline after 45 s; a bye must do it at once. */
const BYE_WAIT_MS = 5_000;

const netns = canUseNetns();
const suiteName = nameWithSkipReason('multi-host LAN (network namespaces)', netns);

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (setup did not finish?)`);
  return item;
}

/** Sends a text command and returns the node's `sent` reply (an `error` reply throws). */
async function sendText(node: CliNode, to: string, text: string): Promise<SentEvent> {
  const before = node.events.length;
  node.send({ cmd: 'send', to, text });
  const reply = await node.waitFor(
    (e): e is SentEvent | ErrorEvent =>
      (e.type === 'sent' || e.type === 'error') && node.events.indexOf(e) >= before,
    WAIT_MS,
    `the reply to "send to ${to}"`,
  );
  if (reply.type === 'error') {
    throw new Error(`[${node.label}] send to ${to} failed: ${reply.message} (${reply.code ?? ''})`);
  }
  return reply;
}

describe(suiteName, () => {
  let lanCreation: Promise<Lan> | undefined;
  let lan: Lan | undefined;
  let tornDown = false;
  const nodes: CliNode[] = [];
  const ready: ReadyEvent[] = [];

  beforeAll(async () => {
    // Each test then skips (or, in CI, fails) with the reason.
    if (!netns.ok) return;
    lanCreation = createLan(HOSTS);
    lan = await lanCreation;
    if (tornDown) return; // afterAll already ran (hook timeout); do not start anything
    lan.hosts.forEach((host, i) => {
      // No --broadcast, --server-port or --client-port: the defaults are what is under test.
      nodes.push(startCliNode({ netns: host.netns, args: ['--nick', `node${i + 1}`] }));
    });
    ready.push(...(await Promise.all(nodes.map((node) => node.ready(WAIT_MS)))));
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    tornDown = true;
    const stops = await Promise.allSettled(nodes.map((node) => node.stop()));
    const made = lan ?? (await lanCreation?.catch(() => undefined));
    await made?.destroy();
    for (const result of stops) if (result.status === 'rejected') throw result.reason;
  }, TEST_TIMEOUT_MS);

  it('starts every node on ports 8000/4000, discovering via its own subnet broadcast', (ctx) => {
    requireOrSkip(ctx, netns);
    if (lan === undefined) throw new Error('LAN was not created');
    const { hosts, broadcast, subnetPrefix } = lan;
    expect(ready).toHaveLength(HOSTS);
    ready.forEach((info, i) => {
      expect(info.serverPort).toBe(SERVER_PORT);
      expect(info.clientPort).toBe(CLIENT_PORT);
      expect(info.addresses).toContain(at(hosts, i).address);
      expect(info.discoveryTargets).toContain(`${broadcast}:${SERVER_PORT}`);
      // Only the namespace's own LAN: never a broadcast address of the real machine.
      const ownSubnet = new RegExp(`^${subnetPrefix.replaceAll('.', '\\.')}\\.\\d+:\\d+$`);
      for (const target of info.discoveryTargets) expect(target).toMatch(ownSubnet);
    });
    expect(new Set(ready.map((r) => r.nodeId)).size).toBe(HOSTS);
  });

  it(
    'each node sees the other two with their namespace IP and client port 4000',
    async (ctx) => {
      requireOrSkip(ctx, netns);
      if (lan === undefined) throw new Error('LAN was not created');
      const { hosts } = lan;
      const checks: Promise<void>[] = [];
      nodes.forEach((node, i) => {
        ready.forEach((other, j) => {
          if (i === j) return;
          checks.push(
            node
              .waitForType(
                'peer',
                (e) => e.peer.id === other.nodeId && e.peer.online,
                WAIT_MS,
                `peer node${j + 1} (${other.nodeId}) to be online`,
              )
              .then((event) => {
                expect(event.peer).toMatchObject({
                  address: at(hosts, j).address,
                  port: CLIENT_PORT,
                  nick: `node${j + 1}`,
                  online: true,
                });
              }),
          );
        });
      });
      await Promise.all(checks);

      // The `peers` command lists the same two, and nobody else (not even itself).
      for (const [i, node] of nodes.entries()) {
        const before = node.events.length;
        node.send({ cmd: 'peers' });
        const list = await node.waitForType(
          'peers',
          (e) => node.events.indexOf(e) >= before,
          WAIT_MS,
          'the peers list',
        );
        const expected = ready
          .map((other, j) => ({ other, j }))
          .filter(({ j }) => j !== i)
          .map(({ other, j }) => ({
            id: other.nodeId,
            address: at(hosts, j).address,
            port: CLIENT_PORT,
            online: true,
          }));
        const actual = list.peers
          .map(({ id, address, port, online }) => ({ id, address, port, online }))
          .sort((a, b) => a.address.localeCompare(b.address));
        expect(actual).toEqual(expected);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'delivers text by peer id and by IP:PORT, with the sender address and delivery status',
    async (ctx) => {
      requireOrSkip(ctx, netns);
      if (lan === undefined) throw new Error('LAN was not created');
      const { hosts } = lan;
      const [n1, n2, n3] = [at(nodes, 0), at(nodes, 1), at(nodes, 2)];
      const [r1, r2, r3] = [at(ready, 0), at(ready, 1), at(ready, 2)];
      const toTwo = '你好，二号！局域网消息 🎉';
      const toThree = '三号你好 👋 — 测试中文和表情';
      const reply = '收到啦，一号 😀🚀';

      const sentTwo = await sendText(n1, r2.nodeId, toTwo);
      const sentThree = await sendText(n1, r3.nodeId, toThree);
      expect(sentTwo.to).toBe(r2.nodeId);
      expect(sentThree.to).toBe(r3.nodeId);
      // Reply by address, the way a user types it.
      const sentReply = await sendText(n2, `${at(hosts, 0).address}:${CLIENT_PORT}`, reply);
      expect(sentReply.to).toBe(r1.nodeId);

      const received = await Promise.all([
        n2.waitForType('message', (e) => e.message.text === toTwo, WAIT_MS, 'the text from 1'),
        n3.waitForType('message', (e) => e.message.text === toThree, WAIT_MS, 'the text from 1'),
        n1.waitForType('message', (e) => e.message.text === reply, WAIT_MS, 'the reply from 2'),
      ]);
      const senders = [
        { ready: r1, host: at(hosts, 0) },
        { ready: r1, host: at(hosts, 0) },
        { ready: r2, host: at(hosts, 1) },
      ];
      received.forEach(({ message }, k) => {
        const sender = at(senders, k);
        expect(message).toMatchObject({
          from: sender.ready.nodeId,
          nick: sender.ready.nick,
          address: sender.host.address,
          port: CLIENT_PORT,
          transport: 'udp',
        });
      });

      const delivered = await Promise.all(
        [
          { node: n1, sent: sentTwo },
          { node: n1, sent: sentThree },
          { node: n2, sent: sentReply },
        ].map(({ node, sent }) =>
          node.waitForType(
            'status',
            (e) => e.id === sent.id && e.status === 'delivered',
            WAIT_MS,
            `"delivered" for message ${sent.id}`,
          ),
        ),
      );
      for (const status of delivered) {
        expect(status.transport).toBe('udp');
        expect(status.attempts).toBeGreaterThanOrEqual(1);
      }
      for (const node of nodes) {
        expect(node.eventsOf('error')).toEqual([]);
        // Every message reached `delivered`, and nothing ended as failed.
        expect(node.eventsOf('status').filter((s) => s.status === 'failed')).toEqual([]);
        // Each message is delivered exactly once (no duplicates shown to the user).
        const ids = node.eventsOf('message').map((m) => m.message.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'marks a node offline on the others as soon as it quits (bye)',
    async (ctx) => {
      requireOrSkip(ctx, netns);
      if (lan === undefined) throw new Error('LAN was not created');
      const three = at(ready, 2);
      const exit = await at(nodes, 2).stop();
      expect(exit).toEqual({ code: 0, signal: null, killed: false });
      const offline = await Promise.all(
        [at(nodes, 0), at(nodes, 1)].map((node) =>
          node.waitForType(
            'peer',
            (e) => e.change === 'offline' && e.peer.id === three.nodeId,
            BYE_WAIT_MS,
            'node3 to go offline after its bye',
          ),
        ),
      );
      for (const event of offline) {
        expect(event.peer).toMatchObject({
          address: at(lan.hosts, 2).address,
          port: CLIENT_PORT,
          online: false,
        });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

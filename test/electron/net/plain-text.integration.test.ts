import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../../electron/net/node';
import type { Stranger } from '../../../electron/net/index';
import type { MessageStateChange, ChatMessage } from '../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import {
  allOf,
  findTool,
  nameWithSkipReason,
  requireOrSkip,
  TOOLS,
} from '../../helpers/require-tool';
import { waitForEvent, waitUntil } from '../../helpers/wait';

const nodes: PacketChatNode[] = [];
const tools: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const tool of tools.splice(0)) tool.kill('SIGKILL');
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

/** These tests chat with a real UDP tool; the listening one also needs `ss` to see it bind. */
const NETCAT = findTool(TOOLS.nc);
const NETCAT_AND_SS = allOf(NETCAT, findTool(TOOLS.ss));

/** `nc -u 127.0.0.1 PORT`: stdin lines go out as datagrams, datagrams come out on stdout. */
function netcat(port: number): { tool: ChildProcessWithoutNullStreams; output: () => string } {
  const tool = spawn('nc', ['-u', '127.0.0.1', String(port)]);
  tools.push(tool);
  let out = '';
  tool.stdout.setEncoding('utf8');
  tool.stdout.on('data', (chunk: string) => (out += chunk));
  return { tool, output: () => out };
}

async function start(): Promise<PacketChatNode> {
  const node = createNode({ ...testPorts(), broadcast: [LOOPBACK_BROADCAST] });
  nodes.push(node);
  await node.start();
  return node;
}

describe('plain datagrams (chatting with nc -u)', () => {
  it.for(['server', 'client'] as const)(
    nameWithSkipReason('chats both ways through the %s port', NETCAT),
    async (which, ctx) => {
      requireOrSkip(ctx, NETCAT);
      const node = await start();
      const port = which === 'server' ? node.info().serverPort : node.info().clientPort;
      const nc = netcat(port);
      const strangerSeen = waitForEvent<{ stranger: Stranger }>(node, 'stranger');
      const got = waitForEvent<ChatMessage>(node, 'message', (m) => m.text === '你好 from nc');
      nc.tool.stdin.write('你好 from nc\n');
      const message = await got;
      const { stranger } = await strangerSeen;
      expect(message.peerId).toBe(`stranger:127.0.0.1:${stranger.port}`);
      expect(message).toMatchObject({
        remote: `127.0.0.1:${stranger.port}`,
        transport: 'udp',
        direction: 'in',
      });
      expect(stranger.via).toBe(which);

      const sent = await node.sendText(message.peerId, 'hello, netcat 👋');
      await waitForEvent<MessageStateChange>(
        node,
        'message-state',
        (u) => u.id === sent.id && u.state === 'delivered',
      );
      await waitUntil(
        () => nc.output().includes('hello, netcat 👋'),
        3_000,
        'nc to print the reply',
      );
      expect(node.info().counters.plainReceived).toBe(1);
      expect(node.packets().some((p) => p.kind === 'plain' && p.direction === 'in')).toBe(true);
      expect(
        node
          .packets()
          .some((p) => p.kind === 'plain' && p.direction === 'out' && p.local.endsWith(`:${port}`)),
      ).toBe(true);
    },
  );

  it('drops binary junk and counts it', async () => {
    const node = await start();
    const socket = createSocket('udp4');
    const port = node.info().serverPort;
    for (const junk of [Buffer.from([0xc3, 0x28, 0xff, 0x0a]), Buffer.from('bin\u0000ary\n')]) {
      await new Promise((resolve) => socket.send(junk, port, '127.0.0.1', resolve));
    }
    socket.close();
    await waitUntil(() => node.info().counters.junkDropped === 2, 3_000, 'junk counted');
    expect(node.strangerList()).toEqual([]);
  });

  it(
    nameWithSkipReason(
      'sends to an address that is no peer as plain text (a listening nc)',
      NETCAT_AND_SS,
    ),
    async (ctx) => {
      requireOrSkip(ctx, NETCAT_AND_SS);
      const node = await start();
      const listenPort = testPorts().clientPort;
      const tool = spawn('nc', ['-u', '-l', '127.0.0.1', String(listenPort)]);
      tools.push(tool);
      let out = '';
      tool.stdout.setEncoding('utf8');
      tool.stdout.on('data', (chunk: string) => (out += chunk));
      await waitUntil(
        () => spawnSync('ss', ['-uln']).stdout.toString().includes(`:${listenPort}`),
        3_000,
        'nc -l to bind',
      );
      const sent = await node.sendText(`127.0.0.1:${listenPort}`, 'ping');
      expect(sent.peerId).toBe(`stranger:127.0.0.1:${listenPort}`);
      await waitUntil(() => out.includes('ping'), 3_000, 'nc -l to print');
    },
  );
});

describe('packet log and counters', () => {
  it('records what went over the wire, both ways, with addresses and kinds', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    // both started with different random server ports: introduce them by hand
    a.addPeer(`127.0.0.1:${b.info().clientPort}`);
    await waitUntil(
      () => a.peerList().some((p) => p.id === b.id) && b.peerList().some((p) => p.id === a.id),
      5_000,
      'discovery',
    );
    const sent = await a.sendText(b.id, 'logged');
    await waitForEvent<MessageStateChange>(
      a,
      'message-state',
      (u) => u.id === sent.id && u.state === 'delivered',
    );
    const aLocal = `0.0.0.0:${a.info().clientPort}`;
    const bRemote = `127.0.0.1:${b.info().clientPort}`;
    const text = a.packets().find((p) => p.kind === 'text' && p.direction === 'out');
    expect(text).toMatchObject({ transport: 'udp', local: aLocal, remote: bRemote, peerId: b.id });
    expect(text?.size).toBeGreaterThan(100);
    expect(text?.fields).toMatchObject({ text: 'logged', seq: 1 });
    expect(a.packets().find((p) => p.kind === 'ack' && p.direction === 'in')).toMatchObject({
      remote: bRemote,
      peerId: b.id,
    });
    const inAtB = b.packets().filter((p) => p.direction === 'in');
    expect(inAtB.map((p) => p.kind)).toEqual(expect.arrayContaining(['announce', 'text']));
    const counters = a.info().counters;
    expect(counters.messagesSent).toBe(1);
    expect(counters.datagramsSent).toBe(
      a.packets().filter((p) => p.direction === 'out' && p.transport === 'udp').length,
    );
    expect(b.info().counters.messagesReceived).toBe(1);
    const sockets = a.sockets();
    expect(sockets.sockets.map((s) => s.role)).toEqual([
      'udp-server',
      'udp-client',
      'tcp-listener',
    ]);
    expect(sockets.interfaces.some((i) => i.address === '127.0.0.1')).toBe(true);
  });
});

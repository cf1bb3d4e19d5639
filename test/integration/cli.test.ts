import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCliNode, type CliNode } from '../helpers/cli-node';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';
import { waitUntil } from '../helpers/wait';

const nodes: CliNode[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function cli(ports: { serverPort: number; clientPort: number }, ...args: string[]): CliNode {
  const node = startCliNode({
    args: [
      '--server-port',
      String(ports.serverPort),
      '--client-port',
      String(ports.clientPort),
      '--broadcast',
      LOOPBACK_BROADCAST,
      ...args,
    ],
  });
  nodes.push(node);
  return node;
}

describe('packet-chat --json', () => {
  it('two nodes on one machine get consecutive ports, find each other and chat', async () => {
    const ports = testPorts();
    const alice = cli(ports, '--nick', 'alice');
    const aliceReady = await alice.ready();
    const bob = cli(ports, '--nick', 'bob');
    const bobReady = await bob.ready();
    expect(aliceReady).toMatchObject({
      serverPort: ports.serverPort,
      clientPort: ports.clientPort,
      tcpPort: ports.clientPort,
    });
    expect(bobReady.clientPort).toBe(ports.clientPort + 1);

    const bobSeen = await alice.waitForType('peer', (e) => e.peer.id === bobReady.nodeId);
    expect(bobSeen.peer).toMatchObject({
      nick: 'bob',
      address: '127.0.0.1',
      port: ports.clientPort + 1,
      online: true,
    });
    await bob.waitForType(
      'peer',
      (e) => e.peer.id === aliceReady.nodeId && e.peer.port === ports.clientPort,
    );

    alice.send({ cmd: 'send', to: bobReady.nodeId, text: '你好 bob 🐱' });
    const sent = await alice.waitForType('sent');
    expect(sent.to).toBe(bobReady.nodeId);
    const got = await bob.waitForType('message', (e) => e.message.text === '你好 bob 🐱');
    expect(got.message).toMatchObject({
      from: aliceReady.nodeId,
      nick: 'alice',
      address: '127.0.0.1',
      port: ports.clientPort,
      transport: 'udp',
    });
    await alice.waitForType('status', (e) => e.id === sent.id && e.status === 'delivered');

    bob.send({ cmd: 'send', to: `127.0.0.1:${ports.clientPort}`, text: 'hi alice' });
    await alice.waitForType(
      'message',
      (e) => e.message.text === 'hi alice' && e.message.port === ports.clientPort + 1,
    );

    bob.send({ cmd: 'peers' });
    const list = await bob.waitForType('peers');
    expect(list.peers).toEqual([
      expect.objectContaining({ id: aliceReady.nodeId, port: ports.clientPort }),
    ]);

    await bob.stop();
    await alice.waitForType('peer', (e) => e.change === 'offline' && e.peer.id === bobReady.nodeId);
  });

  it('reports bad flags and bad command lines as error events and keeps running', async () => {
    const ports = testPorts();
    const node = cli(ports, '--colour', 'red', '--client-port', 'abc', '--peer', 'not-an-ip');
    await node.ready();
    const errors = node.eventsOf('error').map((e) => e.message);
    expect(errors).toEqual(
      expect.arrayContaining([
        'unknown flag: --colour',
        '--client-port must be a port number 1..65535, got "abc"',
        '--peer must be an IPv4 address or IP:PORT, got "not-an-ip"',
      ]),
    );
    const badLines: object[] = [
      { cmd: 'fly' },
      { cmd: 'send', to: 'x' },
      [],
      { cmd: 'add', address: 7 },
    ];
    for (const line of badLines) node.send(line);
    node.send({ cmd: 'send', to: 'nobody', text: 'hi' });
    await node.waitForType('error', (e) => e.code === 'unknown-peer');
    expect(node.eventsOf('error').filter((e) => e.code === 'bad-command')).toHaveLength(
      badLines.length,
    );
    node.send({ cmd: 'peers' });
    await node.waitForType('peers');
    expect(node.hasExited).toBe(false);
  });

  it('keeps its node id across restarts with --data-dir, and recovers from a broken identity file', async () => {
    const ports = testPorts();
    const dir = await mkdtemp(join(tmpdir(), 'pc-cli-'));
    dirs.push(dir);
    const first = cli(ports, '--data-dir', dir, '--nick', 'carol');
    const id = (await first.ready()).nodeId;
    await first.stop();
    const second = cli(ports, '--data-dir', dir);
    expect(await second.ready()).toMatchObject({ nodeId: id, nick: 'carol' });
    await second.stop();
    await writeFile(join(dir, 'identity.json'), '{"nodeId": 42');
    const third = cli(ports, '--data-dir', dir);
    const fresh = await third.ready();
    expect(fresh.nodeId).not.toBe(id);
    expect(third.eventsOf('error').some((e) => e.code === 'identity-reset')).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8'))).toMatchObject({
      nodeId: fresh.nodeId,
    });
  });
});

describe('packet-chat interactive', () => {
  it('prints who it is and chats with a JSON node', async () => {
    const ports = testPorts();
    const peer = cli(ports, '--nick', 'json-peer');
    const peerReady = await peer.ready();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        '--server-port',
        String(ports.serverPort),
        '--client-port',
        String(ports.clientPort),
        '--broadcast',
        LOOPBACK_BROADCAST,
        '--nick',
        'term',
      ],
      { cwd: REPO_ROOT },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await peer.waitForType('peer', (e) => e.peer.nick === 'term');
      await waitUntil(() => out.includes('+ json-peer'), 5_000, 'the terminal to list json-peer');
      child.stdin.write('/peers\n');
      child.stdin.write('hello from the terminal\n');
      await peer.waitForType('message', (e) => e.message.text === 'hello from the terminal');
      peer.send({ cmd: 'send', to: `127.0.0.1:${ports.clientPort + 1}`, text: 'hi terminal' });
      await peer.waitForType('status', (e) => e.status === 'delivered');
      child.stdin.write('/quit\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(out).toContain(`talking from port ${ports.clientPort + 1}`);
    expect(out).toMatch(new RegExp(`1\\. json-peer 127\\.0\\.0\\.1:${ports.clientPort} online`));
    expect(out).toContain(`[json-peer 127.0.0.1:${ports.clientPort}] hi terminal`);
    expect(peerReady.nodeId).toMatch(/^[0-9a-f]{32}$/);
  });
});

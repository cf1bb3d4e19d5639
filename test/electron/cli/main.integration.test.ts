import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { cliCommand, REPO_ROOT, startCliNode, type CliNode } from '../../helpers/cli-node';
import { loopbackArgs, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

const nodes: CliNode[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const delivered = new Set<string>();

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pc-cli-'));
  dirs.push(dir);
  return dir;
}

function cli(
  ports: { serverPort: number; clientPort: number },
  ...rest: (string | { configHome: string })[]
): CliNode {
  const options = rest.find((r) => typeof r !== 'string');
  const args = rest.filter((r) => typeof r === 'string');
  const node = startCliNode({
    ...(options === undefined ? {} : { configHome: options.configHome }),
    args: [...loopbackArgs(ports), ...args],
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

    // Two copies on one host: each says once which port a netcat user should write to.
    for (const [node, ready] of [
      [alice, aliceReady],
      [bob, bobReady],
    ] as const) {
      const notes = node.eventsOf('notice').filter((e) => e.code === 'other-copy');
      expect(notes).toHaveLength(1);
      expect(notes[0]?.message).toContain(
        `to write to this one, use port ${String(ready.clientPort)}: nc -u `,
      );
    }

    await bob.stop();
    const offline = await alice.waitForType(
      'peer',
      (e) => e.change === 'offline' && e.peer.id === bobReady.nodeId,
    );
    expect(offline.peer).toMatchObject({ status: 'offline', online: false });
    alice.send({ cmd: 'peers' });
    const after = await alice.waitForType('peers');
    expect(after.peers).toEqual([
      expect.objectContaining({ id: bobReady.nodeId, status: 'offline', online: false }),
    ]);
  });

  it('refuses a bad nick (flag and command) and answers bad-address and empty with their codes', async () => {
    const node = cli(testPorts(), '--nick', 'a\x07b');
    const ready = await node.ready();
    expect(ready.nick).toBe(hostname());
    expect(node.eventsOf('error')).toContainEqual({
      type: 'error',
      code: 'bad-flag',
      message: '--nick must be 1 to 32 characters without control characters, got "a\\u0007b"',
    });
    node.send({ cmd: 'nick', nick: 'a\u0007' });
    await node.waitForType('error', (e) => e.code === 'bad-nick');
    node.send({ cmd: 'add', address: 'notanaddress' });
    await node.waitForType('error', (e) => e.code === 'bad-address');
    node.send({ cmd: 'send', to: 'anyone', text: '' });
    await node.waitForType('error', (e) => e.code === 'empty');
    node.send({ cmd: 'info' });
    expect((await node.waitForType('info')).nick).toBe(hostname());
  });

  it('ends quietly with exit 0 when its reader goes away (`| head -1`)', async () => {
    const [command, args] = cliCommand(['--json', ...loopbackArgs(testPorts())]);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: await tempDir() },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined);
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const first = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      expect(first).toMatch(/^\{"type":"ready"/);
      // As `head -1` does: read one line, close the pipe. The next line the node writes fails.
      const closed = new Promise((resolve) => child.stdout.once('close', resolve));
      child.stdout.destroy();
      await closed;
      child.stdin.write('{"cmd":"info"}\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
  });

  it('keeps its profile private: the directory 0700, every file in it 0600', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'profile');
    const node = cli(testPorts(), '--data-dir', dir);
    await node.ready();
    node.send({ cmd: 'nick', nick: 'private' });
    await node.waitForType('nick');
    const files = await readdir(dir);
    expect(files).toEqual(
      expect.arrayContaining(['packetchat.db', 'packetchat.lock', 'identity.json']),
    );
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of files)
      expect([file, (await stat(join(dir, file))).mode & 0o777]).toEqual([file, 0o600]);
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

  it('keeps its node id and nickname across restarts of one profile', async () => {
    const ports = testPorts();
    const dir = await tempDir();
    const first = cli(ports, '--data-dir', dir, '--nick', 'carol');
    const id = (await first.ready()).nodeId;
    await first.stop();
    const second = cli(ports, '--data-dir', dir);
    expect(await second.ready()).toMatchObject({ nodeId: id, nick: 'carol' });
  });

  it('moves a corrupt database aside, says so, and starts a fresh one', async () => {
    const ports = testPorts();
    const dir = await tempDir();
    const junk = Buffer.from('this is not a database '.repeat(200));
    await writeFile(join(dir, 'packetchat.db'), junk);
    const node = cli(ports, '--data-dir', dir, '--nick', 'dave');
    await node.ready();
    const notice = node.eventsOf('error').find((e) => e.code === 'database-moved-aside');
    expect(notice?.message).toMatch(/moved to .*packetchat\.db\.corrupt-/);
    const aside = (await readdir(dir)).filter((f) => f.startsWith('packetchat.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0] ?? ''))).toEqual(junk);
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const dir = await tempDir();
    const file = join(dir, 'packetchat.db');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE future (x); PRAGMA user_version = 99');
    db.close();
    const before = await readFile(file);
    const node = cli(testPorts(), '--data-dir', dir);
    const exit = await node.exited;
    expect(exit.code).toBe(1);
    expect(node.eventsOf('error').find((e) => e.code === 'newer-schema')?.message).toMatch(
      /newer PacketChat/,
    );
    expect(await readFile(file)).toEqual(before);
  });

  it('refuses a profile another running copy holds', async () => {
    const ports = testPorts();
    const dir = await tempDir();
    const owner = cli(ports, '--data-dir', dir, '--nick', 'owner');
    await owner.ready();
    const second = cli(ports, '--data-dir', dir);
    expect((await second.exited).code).toBe(1);
    expect(second.eventsOf('error').find((e) => e.code === 'profile-locked')?.message).toMatch(
      /is in use by process \d+/,
    );
  });

  it('gives two copies with no profile flag their own profiles, and they chat', async () => {
    const ports = testPorts();
    const configHome = await tempDir();
    const one = cli(ports, { configHome }, '--nick', 'one');
    const oneReady = await one.ready();
    const two = cli(ports, { configHome }, '--nick', 'two');
    const twoReady = await two.ready();
    expect(twoReady.nodeId).not.toBe(oneReady.nodeId);
    expect(twoReady.clientPort).toBe(oneReady.clientPort + 1);
    const profiles = join(configHome, 'PacketChat', 'profiles');
    expect((await readdir(profiles)).sort()).toEqual(['default', 'default-2']);
    await two.waitForType('peer', (e) => e.peer.id === oneReady.nodeId && e.peer.online);
    two.send({ cmd: 'send', to: oneReady.nodeId, text: 'hello from the second copy' });
    await one.waitForType('message', (e) => e.message.text === 'hello from the second copy');
    one.send({ cmd: 'history', with: twoReady.nodeId, limit: 10 });
    const history = await one.waitForType('history');
    expect(history.messages.map((m) => m.text)).toEqual(['hello from the second copy']);
  });

  it('answers history, search and read from its store', async () => {
    const ports = testPorts();
    const alice = cli(ports, '--nick', 'alice');
    const aliceReady = await alice.ready();
    const bob = cli(ports, '--nick', 'bob');
    const bobReady = await bob.ready();
    await alice.waitForType('peer', (e) => e.peer.id === bobReady.nodeId && e.peer.online);
    const texts = ['first 你好世界', 'second message', 'third: the search target'];
    for (const text of texts) {
      alice.send({ cmd: 'send', to: bobReady.nodeId, text });
      await alice.waitForType('status', (e) => e.status === 'delivered' && !delivered.has(e.id));
      delivered.add(alice.eventsOf('status').at(-1)?.id ?? '');
    }
    await bob.waitForType('message', (e) => e.message.text === texts[2]);
    bob.send({ cmd: 'history', with: `127.0.0.1:${String(aliceReady.clientPort)}`, limit: 2 });
    const page = await bob.waitForType('history');
    expect(page.messages.map((m) => m.text)).toEqual(texts.slice(1));
    expect(page.nextCursor).not.toBeNull();
    bob.send({ cmd: 'search', query: 'search target' });
    const found = await bob.waitForType('search');
    expect(found.results).toHaveLength(1);
    expect(found.results[0]).toMatchObject({ peerId: aliceReady.nodeId });
    expect(found.results[0]?.snippet).toContain('[search target]');
    bob.send({ cmd: 'search', query: '世界' });
    expect((await bob.waitForType('search', (e) => e !== found)).results).toHaveLength(1);
    bob.send({ cmd: 'read', with: aliceReady.nodeId });
    expect(await bob.waitForType('read')).toMatchObject({ with: aliceReady.nodeId, unread: 0 });
  });
});

describe('packet-chat interactive', () => {
  it('prints who it is and chats with a JSON node', async () => {
    const ports = testPorts();
    const peer = cli(ports, '--nick', 'json-peer');
    const peerReady = await peer.ready();
    const child = spawn(...cliCommand([...loopbackArgs(ports), '--nick', 'term']), {
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: await tempDir() },
    });
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

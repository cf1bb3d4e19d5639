// The --json contract for protocol v2's trust: fingerprints, safety numbers, verify, key changes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { loopbackArgs, testPorts } from '../../helpers/ports';

const nodes: CliNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function cli(
  ports: { serverPort: number; clientPort: number },
  dir: string,
  nick: string,
): CliNode {
  const node = startCliNode({ args: [...loopbackArgs(ports), '--data-dir', dir, '--nick', nick] });
  nodes.push(node);
  return node;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pc-cli-trust-'));
  dirs.push(dir);
  return dir;
}

describe('packet-chat --json: trust', () => {
  it('shows fingerprints, agrees on the safety number, verifies, and holds messages across a key change', async () => {
    const ports = testPorts();
    const alice = cli(ports, await tempDir(), 'alice');
    const aliceReady = await alice.ready();
    const bobDir = await tempDir();
    const bob = cli(ports, bobDir, 'bob');
    const bobReady = await bob.ready();
    expect(aliceReady.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(aliceReady.fingerprint.replace(/ /g, '').startsWith(aliceReady.nodeId)).toBe(true);

    const seen = await alice.waitForType('peer', (e) => e.peer.id === bobReady.nodeId);
    expect(seen.peer).toMatchObject({
      fingerprint: bobReady.fingerprint,
      encrypted: true,
      verified: false,
    });
    await bob.waitForType('peer', (e) => e.peer.id === aliceReady.nodeId && e.peer.online);

    alice.send({ cmd: 'safety-number', peer: bobReady.nodeId });
    bob.send({ cmd: 'safety-number', peer: aliceReady.nodeId });
    const [atAlice, atBob] = await Promise.all([
      alice.waitForType('safety-number'),
      bob.waitForType('safety-number'),
    ]);
    expect(atAlice.number).toMatch(/^\d{60}$/);
    expect(atAlice.number).toBe(atBob.number);
    alice.send({ cmd: 'verify', peer: bobReady.nodeId });
    expect(await alice.waitForType('verified')).toEqual({
      type: 'verified',
      peer: bobReady.nodeId,
    });
    alice.send({ cmd: 'peers' });
    expect((await alice.waitForType('peers')).peers).toEqual([
      expect.objectContaining({ id: bobReady.nodeId, verified: true, encrypted: true }),
    ]);

    // Bob's key is lost; he comes back with a new one under the same name.
    await bob.stop();
    await alice.waitForType('peer', (e) => e.peer.id === bobReady.nodeId && e.change === 'offline');
    await writeFile(join(bobDir, 'identity.json'), '');
    const bob2 = cli(ports, bobDir, 'bob');
    const bob2Ready = await bob2.ready();
    const changed = await alice.waitForType('key-changed');
    expect(changed).toMatchObject({
      peer: bobReady.nodeId,
      previous: bobReady.fingerprint,
      fingerprint: bob2Ready.fingerprint,
      to: bob2Ready.nodeId,
    });
    alice.send({ cmd: 'send', to: bobReady.nodeId, text: 'prove it' });
    const sent = await alice.waitForType('sent');
    await alice.waitForType('status', (e) => e.id === sent.id && e.status === 'held');
    alice.send({ cmd: 'accept-key', peer: bobReady.nodeId });
    expect(await alice.waitForType('key-accepted')).toMatchObject({ to: bob2Ready.nodeId });
    await alice.waitForType('status', (e) => e.id === sent.id && e.status === 'delivered', 10_000);
    await bob2.waitForType('message', (e) => e.message.text === 'prove it');
  });
});

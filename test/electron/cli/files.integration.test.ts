/**
 * Files through the built CLI in --json mode (issue 14, "CLI --json additions"): send-file on one
 * node, --accept-files DIR on the other, `transfer` lines to `done` with each file's SHA-256.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { loopbackArgs, testPorts } from '../../helpers/ports';
import { randomFile, sha256Of, writeFile } from '../net/files/helpers/trees';

const nodes: CliNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function cli(ports: { serverPort: number; clientPort: number }, ...args: string[]): CliNode {
  const node = startCliNode({ args: [...loopbackArgs(ports), ...args] });
  nodes.push(node);
  return node;
}

describe('packet-chat --json files', () => {
  it('send-file to a node with --accept-files: transfer lines end done with SHA-256', async () => {
    const ports = testPorts();
    const src = await tempDir('pc-cli-files-src-');
    const dest = await tempDir('pc-cli-files-dest-');
    const big = randomFile(join(src, 'big.bin'), 1024 * 1024 + 5);
    const small = writeFile(join(src, '笔记.txt'), 'hello from the CLI');
    const alice = cli(ports, '--nick', 'alice');
    await alice.ready();
    const bob = cli(ports, '--nick', 'bob', '--accept-files', dest);
    const bobReady = await bob.ready();
    await alice.waitForType('peer', (e) => e.peer.id === bobReady.nodeId);

    alice.send({ cmd: 'send-file', to: bobReady.nodeId, paths: [big, small] });
    const offered = await alice.waitForType('transfer', (e) => e.transfer.state === 'offered');
    expect(offered.transfer).toMatchObject({
      direction: 'send',
      files: 2,
      bytes: 1024 * 1024 + 5 + 18,
    });
    const id = offered.transfer.id;
    const done = await bob.waitForType(
      'transfer',
      (e) => e.transfer.id === id && e.transfer.state === 'done',
      30_000,
    );
    expect(new Map(done.files?.map((f) => [f.path, f.sha256]))).toEqual(
      new Map([
        ['big.bin', sha256Of(big)],
        ['笔记.txt', sha256Of(small)],
      ]),
    );
    expect(sha256Of(join(dest, 'big.bin'))).toBe(sha256Of(big));
    await alice.waitForType('transfer', (e) => e.transfer.id === id && e.transfer.state === 'done');

    // Bob saw the offer as a message (its card, named by its files); Alice's own card is no
    // message from Bob.
    expect(bob.events.filter((e) => e.type === 'message').map((e) => e.message.text)).toEqual([
      'big.bin, 笔记.txt',
    ]);
    expect(alice.events.filter((e) => e.type === 'message')).toEqual([]);
    bob.send({ cmd: 'transfers' });
    const list = await bob.waitForType('transfers');
    expect(list.transfers.map((t) => [t.id, t.direction, t.state])).toEqual([
      [id, 'receive', 'done'],
    ]);
    bob.send({ cmd: 'decline', id: 'f'.repeat(32) });
    expect(await bob.waitForType('error')).toMatchObject({ code: 'unknown-transfer' });
  });
});

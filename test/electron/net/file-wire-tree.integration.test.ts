/**
 * A whole tree through protocol v2 (issue 14, "Tests"): 2,000 files with CJK and emoji names, 6
 * levels deep, 20 empty folders, between two real nodes on loopback. The offer travels in the
 * reliable sealed stream; the manifest (too big for the offer) and every file over sealed TCP
 * lanes. The engine-only version with a test channel is files/tree.integration.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  createNode,
  createNodeFileEngine,
  MemoryTransferStore,
  type NodeFileEngine,
  type PacketChatNode,
} from '../../../electron/net/index';
import type { TransferDone, TransferInfo } from '../../../shared/files/types';
import { makeTree, treeDigest } from '../../helpers/file-trees';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitForPeer } from '../../helpers/peers';
import { waitForEvent } from '../../helpers/wait';

const FILES = 2_000;
const DEPTH = 6;
const EMPTY_FOLDERS = 20;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function side(
  nick: string,
  ports: { serverPort: number; clientPort: number },
): Promise<{ node: PacketChatNode; files: NodeFileEngine }> {
  const node = createNode({ ...ports, nick, broadcast: [LOOPBACK_BROADCAST] });
  const files = createNodeFileEngine(node, { store: new MemoryTransferStore() });
  cleanups.push(async () => {
    await files.close();
    await node.close();
  });
  await node.start();
  files.engine.start();
  return { node, files };
}

it('sends 2,000 files with CJK and emoji names, 6 levels deep, 20 empty folders, over sealed lanes', async () => {
  const ports = testPorts();
  const alice = await side('alice', ports);
  const bob = await side('bob', ports);
  await Promise.all([waitForPeer(alice.node, bob.node.id), waitForPeer(bob.node, alice.node.id)]);

  const src = tempDir('pc-wire-tree-src-');
  makeTree(join(src, '树 🌳'), { files: FILES, depth: DEPTH, emptyFolders: EMPTY_FOLDERS });
  const before = await treeDigest(src);
  expect([...before.keys()].filter((k) => k.endsWith('/'))).toHaveLength(EMPTY_FOLDERS);
  expect(Math.max(...[...before.keys()].map((k) => k.split('/').length))).toBeGreaterThanOrEqual(
    DEPTH + 1,
  );

  const offered = waitForEvent<TransferInfo>(
    bob.files.engine,
    'transfer',
    (t) => t.state === 'offered',
    20_000,
  );
  const sent = await alice.files.engine.sendFiles(bob.node.id, [join(src, '树 🌳')]);
  if (!sent.ok) throw new Error(sent.message);
  const { id } = await offered;
  const dest = tempDir('pc-wire-tree-dest-');
  const done = waitForEvent<TransferDone>(
    bob.files.engine,
    'done',
    (d) => d.transfer.id === id,
    120_000,
  );
  expect(await bob.files.engine.accept(id, dest)).toMatchObject({ ok: true });
  const result = await done;
  expect(result.transfer).toMatchObject({
    state: 'done',
    files: FILES,
    filesDone: FILES,
    filesFailed: 0,
    folders: EMPTY_FOLDERS,
  });
  expect(await treeDigest(dest)).toEqual(before);
  // Every file's verified hash is the source's.
  expect(new Map(result.files.map((f) => [f.path, f.sha256]))).toEqual(
    new Map([...before].filter(([path]) => !path.endsWith('/'))),
  );
  // The data went over sealed lanes (the packet log's summaries), not a plain channel.
  expect(bob.node.packets().some((p) => p.kind === 'lane')).toBe(true);
  expect(alice.node.packets().some((p) => p.kind === 'file-data')).toBe(true);
}, 180_000);

/**
 * A whole tree through protocol v2 (issue 14, "Tests"): 2,000 files with CJK and emoji names, 6
 * levels deep, 20 empty folders, between two real nodes on loopback. The offer travels in the
 * reliable sealed stream; the manifest (too big for the offer) and every file over sealed TCP
 * lanes. The engine-only version with a test channel is files/tree.integration.test.ts.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { TransferDone, TransferInfo } from '../../../shared/files/types';
import { useFileSides, type FileSide } from '../../helpers/file-sides';
import { makeTree, treeDigest } from '../../helpers/file-trees';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitForPeer } from '../../helpers/peers';
import { waitForEvent } from '../../helpers/wait';

const FILES = 2_000;
const DEPTH = 6;
const EMPTY_FOLDERS = 20;

const { side: start, tempDir } = useFileSides();

function side(nick: string, ports: { serverPort: number; clientPort: number }): Promise<FileSide> {
  return start({ ...ports, nick, broadcast: [LOOPBACK_BROADCAST] });
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

/**
 * Files between two built CLI nodes on two "hosts" (network namespaces joined by a bridge),
 * through the real protocol v2 path: the offer in the reliable sealed stream, the data over sealed
 * TCP lanes (docs/FILES.md). Both ends are killed with SIGKILL in the middle and started again on
 * their profiles. Needs root, iproute2 and tc's tbf queue; without them the tests are skipped
 * with the reason (outside CI) or fail with it (in CI), see test/helpers/require-tool.ts.
 *
 * The kill run is the issue's: 256 MiB, the receiver SIGKILLed 5 times and the sender 5 times
 * (about 30 s on an idle 2-core machine). FILES_KILL_MIB and FILES_KILLS change it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTree, treeDigest } from '../helpers/file-trees';
import { canUseNetns } from '../helpers/netns';
import { canLimitRate, limitRate } from '../helpers/netns-link';
import { allOf, nameWithSkipReason, requireOrSkip } from '../helpers/require-tool';
import { FilesLan, killRun, meet, MIB, offer, partsUnder, WAIT_MS } from './files-lan';

const netns = canUseNetns();
const check = netns.ok ? allOf(netns, canLimitRate()) : netns;
const suiteName = nameWithSkipReason('files between CLI nodes in network namespaces', check);

const KILL_MIB = Number(process.env['FILES_KILL_MIB'] ?? 256);
const KILLS = Number(process.env['FILES_KILLS'] ?? 10);

let lan: FilesLan | undefined;
afterEach(async () => {
  await lan?.close();
  lan = undefined;
});

describe(suiteName, () => {
  it('a folder: both nodes SIGKILLed halfway, restarted on their profiles, every file equal', async (ctx) => {
    requireOrSkip(ctx, check);
    lan = await FilesLan.create();
    const src = lan.dir('src');
    const folder = join(src, '项目 🚀');
    makeTree(folder, { files: 300, depth: 4, emptyFolders: 6, bigFileBytes: 24 * MIB, seed: 7 });
    const expected = await treeDigest(src);
    const dest = lan.dir('dest');
    // About 4 s for the 25 MiB: the kills land in the middle, not after the end.
    await limitRate(lan.host(0), 48);

    const alice = await lan.node(0, 'alice');
    const bob = await lan.node(1, 'bob');
    await meet(alice, bob);
    const { id, bytes } = await offer(alice, bob, [folder]);
    await bob.transfer(id, (t) => t.state === 'offered', WAIT_MS, 'the offer');
    bob.node.send({ cmd: 'accept', id, dir: dest });

    const half = await bob.transfer(
      id,
      (t) => t.bytesDone >= bytes / 2 || t.state === 'done',
      WAIT_MS,
      'half of the bytes',
    );
    expect(half.transfer.state).toBe('active');
    await Promise.all([alice.kill(), bob.kill()]);
    expect(partsUnder(dest).length).toBeGreaterThan(0);

    await Promise.all([alice.restart(), bob.restart()]);
    const done = await bob.transfer(id, (t) => t.state === 'done', WAIT_MS * 2, 'done');
    expect(done.transfer).toMatchObject({ files: 301, filesDone: 301, folders: 6, bytes });
    const received = await treeDigest(dest);
    expect(received).toEqual(expected);
    expect([...received.keys()].filter((k) => k.endsWith('/'))).toHaveLength(6);
    // The done line names every file with the hash the receiver verified.
    const hashes = new Map(done.files?.map((f) => [f.path, f.sha256]));
    expect(hashes).toEqual(new Map([...expected].filter(([path]) => !path.endsWith('/'))));
    expect(partsUnder(dest)).toEqual([]);
    await alice.transfer(id, (t) => t.state === 'done', WAIT_MS, 'the sender to see done');
  }, 240_000);

  it(`${KILL_MIB} MiB with ${KILLS} SIGKILLs, receiver and sender in turn: equal, bounded on the wire`, async (ctx) => {
    requireOrSkip(ctx, check);
    lan = await FilesLan.create();
    await killRun(lan, { mib: KILL_MIB, kills: KILLS });
  }, 480_000);
});

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
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bigFile, makeTree, sha256File, treeDigest } from '../helpers/file-trees';
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

/** Writes until the disk is full (ENOSPC); returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full, as wanted
  } finally {
    closeSync(fd);
  }
  return path;
}

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
    const { id, bytes } = await offer(alice, bob.nodeId, [folder]);
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

  it('a full disk: paused with disk-full, no corrupt file, resumed once space is freed', async (ctx) => {
    requireOrSkip(ctx, check);
    lan = await FilesLan.create();
    const source = bigFile(join(lan.dir('src'), 'big.bin'), 8 * MIB);
    // Room for the accept's check (8 MiB plus its 16 MiB margin), not for what the test adds.
    const tmpfs = lan.mountTmpfs('disk', 32);
    if (!tmpfs.ok) requireOrSkip(ctx, tmpfs);
    const disk = join(lan.root, 'disk');
    // About 4 s for the 8 MiB, so the disk fills up while the file is on its way.
    await limitRate(lan.host(0), 16);
    const alice = await lan.node(0, 'alice');
    const bob = await lan.node(1, 'bob');
    await meet(alice, bob);
    const { id } = await offer(alice, bob.nodeId, [source]);
    await bob.transfer(id, (t) => t.state === 'offered', WAIT_MS, 'the offer');
    bob.node.send({ cmd: 'accept', id, dir: disk });
    const moving = await bob.transfer(
      id,
      (t) => t.bytesDone >= MIB || t.state === 'done',
      WAIT_MS,
      '1 MiB received',
    );
    expect(moving.transfer.state).toBe('active');

    const filler = fill(disk);
    const paused = await bob.transfer(id, (t) => t.state === 'paused', WAIT_MS, 'a pause');
    expect(paused.transfer.reason).toBe('disk-full');
    await alice.transfer(id, (t) => t.reason === 'peer-paused', WAIT_MS, 'the sender told');
    // Nothing but the filler and a part that is exactly a prefix of the source.
    expect(readdirSync(disk).sort()).toEqual(['big.bin.pchat-part', 'filler']);
    const part = readFileSync(join(disk, 'big.bin.pchat-part'));
    expect(part.byteLength).toBeGreaterThanOrEqual(MIB);
    expect(part.byteLength).toBeLessThan(8 * MIB);
    expect(part.equals(readFileSync(source).subarray(0, part.byteLength))).toBe(true);

    rmSync(filler);
    // The engine looks at the free space again every 5 s and resumes by itself.
    const done = await bob.transfer(id, (t) => t.state === 'done', WAIT_MS, 'done');
    const expected = await sha256File(source);
    expect(done.files?.map((f) => [f.path, f.sha256])).toEqual([['big.bin', expected]]);
    expect(readdirSync(disk)).toEqual(['big.bin']);
    expect(await sha256File(join(disk, 'big.bin'))).toBe(expected);
    await alice.transfer(id, (t) => t.state === 'done', WAIT_MS, 'the sender to see done');
  }, 120_000);
});

/**
 * A full disk, for real: the target folder is a 4 MiB tmpfs (needs root and mount(8); without
 * them the tests are skipped, and fail in CI, as docs/TESTING.md says for tools from the OS).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { requireOrSkip } from '../../../helpers/require-tool';
import { TestNet } from './helpers/peers';
import { slowChannel } from './helpers/slow-channel';
import { randomFile, sha256Of } from './helpers/trees';

const MIB = 1024 * 1024;
let net: TestNet | undefined;
let mounted = '';

afterEach(async () => {
  await net?.close();
  net = undefined;
  if (mounted !== '') {
    spawnSync('umount', ['-l', mounted]);
    rmdirSync(mounted);
    mounted = '';
  }
});

/** A fresh 4 MiB tmpfs, or a skip (a failure in CI) when this machine cannot mount one. */
function smallDisk(ctx: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'pc-tmpfs-'));
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
  if (result.status === 0) {
    mounted = dir;
    return dir;
  }
  rmdirSync(dir);
  const why = result.stderr.toString().trim() || String(result.error);
  requireOrSkip(ctx, { ok: false, reason: `needs root and mount(8) for a tmpfs: ${why}` });
  return '';
}

/** Writes until the disk is full; returns the filler's path. */
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

describe('a full disk', () => {
  it('is refused before accepting: the offer stays offered', async (ctx) => {
    const disk = smallDisk(ctx);
    net = new TestNet();
    const alice = await net.peer('alice');
    const bob = await net.peer('bob', { spaceMarginBytes: 0 });
    const src = net.tempDir();
    randomFile(join(src, 'five.bin'), 5 * MIB);
    const incoming = bob.waitOffer();
    await alice.engine.sendFiles('bob', [join(src, 'five.bin')]);
    const { id } = await incoming;
    expect(await bob.engine.accept(id, disk)).toMatchObject({ ok: false, code: 'no-space' });
    expect(bob.engine.get(id)?.state).toBe('offered');
    expect(readdirSync(disk)).toEqual([]);
  });

  it('pauses with the reason, leaves no corrupt file, resumes once space is freed', async (ctx) => {
    const disk = smallDisk(ctx);
    net = new TestNet();
    const alice = await net.peer('alice', { wrapData: slowChannel(5) });
    const bob = await net.peer('bob', {
      spaceMarginBytes: 0,
      diskRetryMs: 100,
      progressIntervalMs: 50,
    });
    const src = net.tempDir();
    const source = randomFile(join(src, 'big.bin'), 3 * MIB);
    const incoming = bob.waitOffer();
    await alice.engine.sendFiles('bob', [source]);
    const { id } = await incoming;
    expect(await bob.engine.accept(id, disk)).toMatchObject({ ok: true });
    await bob.waitFor((t) => t.id === id && t.bytesDone > MIB, 10_000, 'progress');

    const filler = fill(disk);
    const paused = await bob.waitFor((t) => t.id === id && t.state === 'paused', 10_000, 'a pause');
    expect(paused.reason).toBe('disk-full');
    await alice.waitFor((t) => t.id === id && t.reason === 'peer-paused', 5_000, 'sender told');
    // Nothing but the filler and a part that is exactly a prefix of the source.
    expect(readdirSync(disk).sort()).toEqual(['big.bin.pchat-part', 'filler']);
    const part = readFileSync(join(disk, 'big.bin.pchat-part'));
    expect(part.byteLength).toBeGreaterThan(0);
    expect(part.equals(readFileSync(source).subarray(0, part.byteLength))).toBe(true);

    rmSync(filler);
    await bob.waitState(id, 'done', 20_000);
    expect(readdirSync(disk)).toEqual(['big.bin']);
    expect(sha256Of(join(disk, 'big.bin'))).toBe(sha256Of(source));
    await alice.waitState(id, 'done');
  });
});

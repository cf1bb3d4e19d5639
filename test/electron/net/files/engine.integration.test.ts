/**
 * Two engines on real loopback TCP with real files: offer, accept, decline, cancel, pause,
 * resume, retry, restarts, auto-accept, tampering, and junk from a peer.
 */
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFileTransferStore } from '../../../../electron/net/files/json-file-store';
import { waitUntil } from '../../../helpers/wait';
import { TestNet, type TestPeer } from './helpers/peers';
import { slowChannel } from './helpers/slow-channel';
import { randomFile, sha256Of, snapshot, writeFile } from './helpers/trees';

const MIB = 1024 * 1024;
let net: TestNet;
afterEach(async () => {
  await net.close();
});

async function pair(
  tweaks: { slowSender?: number; json?: boolean } = {},
): Promise<{ alice: TestPeer; bob: TestPeer }> {
  net = new TestNet();
  const stores = (name: string) =>
    tweaks.json === true ? new JsonFileTransferStore(net.tempDir(`pc-store-${name}-`)) : undefined;
  const slow = tweaks.slowSender === undefined ? {} : { wrapData: slowChannel(tweaks.slowSender) };
  const alice = await net.peer('alice', { ...slow, progressIntervalMs: 50 }, stores('alice'));
  const bob = await net.peer('bob', { progressIntervalMs: 50 }, stores('bob'));
  return { alice, bob };
}

function parts(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.pchat-part')) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

async function offerAndWait(alice: TestPeer, bob: TestPeer, paths: string[]): Promise<string> {
  const incoming = bob.waitOffer();
  const offer = await alice.engine.sendFiles('bob', paths);
  if (!offer.ok) throw new Error(offer.message);
  return (await incoming).id;
}

describe('file engine over loopback TCP', () => {
  it('sends a small tree: offer, accept, done, equal, sha256 per file', async () => {
    const { alice, bob } = await pair();
    const src = net.tempDir();
    randomFile(join(src, 'tree', 'a.bin'), 300_000);
    randomFile(join(src, 'tree', 'sub', 'b.bin'), 5);
    writeFile(join(src, 'tree', 'empty.txt'), '');
    const id = await offerAndWait(alice, bob, [join(src, 'tree')]);
    await alice.waitFor((t) => t.id === id && t.delivered === true, 5_000, 'the offer delivered');
    const dst = net.tempDir();
    const done = new Promise((resolve) => bob.engine.once('done', resolve));
    expect(await bob.engine.accept(id, dst)).toMatchObject({ ok: true });
    await bob.waitState(id, 'done');
    await alice.waitState(id, 'done');
    expect(snapshot(dst)).toEqual(snapshot(src));
    expect(await done).toMatchObject({
      files: expect.arrayContaining([
        { path: 'tree/a.bin', size: 300_000, sha256: sha256Of(join(src, 'tree', 'a.bin')) },
      ]) as unknown,
    });
    expect(bob.engine.get(id)).toMatchObject({ bytes: 300_005, bytesDone: 300_005, filesDone: 3 });
  });

  it('decline: the sender sees it, nothing is written', async () => {
    const { alice, bob } = await pair();
    const src = net.tempDir();
    randomFile(join(src, 'x.bin'), 1000);
    const id = await offerAndWait(alice, bob, [join(src, 'x.bin')]);
    expect(bob.engine.decline(id)).toMatchObject({ ok: true });
    await alice.waitState(id, 'declined');
    expect(await bob.engine.accept(id, net.tempDir())).toMatchObject({ code: 'wrong-state' });
  });

  it('cancel by the receiver mid-transfer removes its part files; the sender sees it', async () => {
    const { alice, bob } = await pair({ slowSender: 5 });
    const src = net.tempDir();
    randomFile(join(src, 'd', 'one.bin'), 4 * MIB);
    randomFile(join(src, 'd', 'two.bin'), 4 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 'd')]);
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    await bob.waitFor((t) => t.id === id && t.bytesDone > MIB, 10_000, 'progress');
    expect(parts(dst).length).toBeGreaterThan(0);
    expect(await bob.engine.cancel(id)).toMatchObject({ ok: true });
    await alice.waitState(id, 'cancelled');
    expect(parts(dst)).toEqual([]);
  });

  it('cancel by the sender mid-transfer: the receiver removes its parts', async () => {
    const { alice, bob } = await pair({ slowSender: 5 });
    const src = net.tempDir();
    randomFile(join(src, 'big.bin'), 6 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 'big.bin')]);
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    await bob.waitFor((t) => t.id === id && t.bytesDone > MIB, 10_000, 'progress');
    await alice.engine.cancel(id);
    await bob.waitState(id, 'cancelled');
    expect(readdirSync(dst)).toEqual([]);
  });

  it('pause and resume on either side; the file arrives whole', async () => {
    const { alice, bob } = await pair({ slowSender: 2 });
    const src = net.tempDir();
    randomFile(join(src, 'p.bin'), 6 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 'p.bin')]);
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    await bob.waitFor((t) => t.id === id && t.bytesDone > MIB, 10_000, 'progress');
    await bob.engine.pause(id);
    await alice.waitFor((t) => t.id === id && t.reason === 'peer-paused', 5_000, 'peer-paused');
    expect(await bob.engine.resume(id)).toMatchObject({ ok: true });
    await bob.waitFor((t) => t.id === id && t.bytesDone > 3 * MIB, 10_000, 'more progress');
    await alice.engine.pause(id);
    await bob.waitFor((t) => t.id === id && t.reason === 'peer-paused', 5_000, 'sender paused');
    expect(await bob.engine.resume(id)).toMatchObject({ code: 'paused-by-peer' });
    await alice.engine.resume(id);
    await bob.waitState(id, 'done');
    expect(sha256Of(join(dst, 'p.bin'))).toBe(sha256Of(join(src, 'p.bin')));
  });

  it('an offer survives restarts of both sides and is accepted afterwards', async () => {
    const { alice, bob } = await pair({ json: true });
    const src = net.tempDir();
    randomFile(join(src, 'later', 'f.bin'), 2 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 'later')]);
    await alice.restart();
    await bob.restart();
    expect(bob.engine.get(id)).toMatchObject({ state: 'offered', direction: 'receive' });
    expect(alice.engine.get(id)).toMatchObject({ state: 'offered', direction: 'send' });
    const dst = net.tempDir();
    expect(await bob.engine.accept(id, dst)).toMatchObject({ ok: true });
    await bob.waitState(id, 'done');
    await alice.waitState(id, 'done');
    expect(snapshot(dst)).toEqual(snapshot(src));
  });

  it('resumes after the receiver restarts mid-file, re-verifying its part', async () => {
    const { alice, bob } = await pair({ slowSender: 2, json: true });
    const src = net.tempDir();
    randomFile(join(src, 'r.bin'), 8 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 'r.bin')]);
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    await bob.waitFor((t) => t.id === id && t.bytesDone > 2 * MIB, 10_000, 'progress');
    await bob.restart();
    await bob.waitState(id, 'done', 20_000);
    expect(sha256Of(join(dst, 'r.bin'))).toBe(sha256Of(join(src, 'r.bin')));
  });

  it('detects a tampered part on resume and fetches that file again', async () => {
    const { alice, bob } = await pair({ slowSender: 2 });
    const src = net.tempDir();
    randomFile(join(src, 't.bin'), 6 * MIB);
    const id = await offerAndWait(alice, bob, [join(src, 't.bin')]);
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    await bob.waitFor((t) => t.id === id && t.bytesDone > 2 * MIB, 10_000, 'progress');
    await bob.engine.pause(id);
    const part = join(dst, 't.bin.pchat-part');
    const bytes = readFileSync(part);
    bytes.writeUInt8(bytes.readUInt8(1000) ^ 0xff, 1000);
    writeFileSync(part, bytes);
    // The prefix check fails, so the file starts again from 0 instead of growing a bad copy.
    const restarted = bob.waitFor((t) => t.id === id && t.state === 'active' && t.bytesDone < MIB);
    await bob.engine.resume(id);
    await restarted;
    await bob.waitState(id, 'done', 20_000);
    expect(sha256Of(join(dst, 't.bin'))).toBe(sha256Of(join(src, 't.bin')));
  });

  it('a file changed after the offer fails alone; retry fetches only it', async () => {
    const { alice, bob } = await pair();
    const src = net.tempDir();
    const keep = randomFile(join(src, 'set', 'keep.bin'), 100_000);
    const changed = randomFile(join(src, 'set', 'changed.bin'), 2 * MIB);
    const original = readFileSync(changed);
    const mtime = statSync(changed).mtimeMs / 1000; // a Date would round to the millisecond
    const id = await offerAndWait(alice, bob, [join(src, 'set')]);
    writeFileSync(changed, Buffer.alloc(original.byteLength, 1));
    const dst = net.tempDir();
    await bob.engine.accept(id, dst);
    const failed = await bob.waitState(id, 'failed');
    expect(failed).toMatchObject({ reason: 'files-failed', filesDone: 1, filesFailed: 1 });
    expect(bob.engine.files(id).find((f) => f.state === 'failed')).toMatchObject({
      path: 'set/changed.bin',
      error: 'source-changed',
    });
    await alice.waitState(id, 'failed');
    writeFileSync(changed, original);
    utimesSync(changed, mtime, mtime);
    expect(await bob.engine.retry(id)).toMatchObject({ ok: true });
    await bob.waitState(id, 'done');
    await alice.waitState(id, 'done');
    expect(sha256Of(join(dst, 'set', 'changed.bin'))).toBe(sha256Of(changed));
    expect(sha256Of(join(dst, 'set', 'keep.bin'))).toBe(sha256Of(keep));
  });

  it('auto-accepts into the folder the policy names', async () => {
    const dst = { dir: '' };
    net = new TestNet();
    dst.dir = net.tempDir();
    const alice = await net.peer('alice');
    const bob = await net.peer('bob', {
      autoAccept: ({ transfer }) => (transfer.peerId === 'alice' ? { dir: dst.dir } : undefined),
    });
    const src = net.tempDir();
    randomFile(join(src, 'auto.bin'), 10_000);
    const offer = await alice.engine.sendFiles('bob', [join(src, 'auto.bin')]);
    expect(offer.ok).toBe(true);
    if (!offer.ok) return;
    await bob.waitState(offer.transfer.id, 'done');
    expect(existsSync(join(dst.dir, 'auto.bin'))).toBe(true);
  });

  it('clashes in the target folder get " (1)", nothing is overwritten', async () => {
    const { alice, bob } = await pair();
    const src = net.tempDir();
    randomFile(join(src, 'same.txt'), 100);
    const dst = net.tempDir();
    writeFile(join(dst, 'same.txt'), 'mine');
    const id = await offerAndWait(alice, bob, [join(src, 'same.txt')]);
    await bob.engine.accept(id, dst);
    await bob.waitState(id, 'done');
    expect(readFileSync(join(dst, 'same.txt'), 'utf8')).toBe('mine');
    expect(sha256Of(join(dst, 'same (1).txt'))).toBe(sha256Of(join(src, 'same.txt')));
    expect(bob.engine.files(id)[0]).toMatchObject({ savedAs: 'same (1).txt' });
  });

  it('junk control messages and wrong peers are warnings, never crashes', async () => {
    const { alice, bob } = await pair();
    const warnings: string[] = [];
    bob.engine.on('warning', (w) => warnings.push(w.code));
    const src = net.tempDir();
    randomFile(join(src, 'j.bin'), 100);
    const id = await offerAndWait(alice, bob, [join(src, 'j.bin')]);
    for (const body of [
      null,
      7,
      'x',
      [],
      { type: 'file-offer' },
      { type: 'file-cancel', transfer: 'zz' },
    ])
      net.hub.inject('mallory', 'bob', body);
    net.hub.inject('mallory', 'bob', { type: 'file-cancel', transfer: id });
    await waitUntil(() => warnings.length >= 7, 5_000, 'seven warnings');
    expect(warnings.filter((w) => w === 'bad-control')).toHaveLength(6);
    expect(warnings).toContain('wrong-peer');
    expect(bob.engine.get(id)?.state).toBe('offered');
  });
});

/**
 * The window's file features behind the call handlers: a pasted image saved in the profile and
 * offered, a received image's thumbnail, and auto-accept from verified contacts into the download
 * folder. Two real backends (SQLite profiles, protocol v2 nodes) on loopback, real files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppHandlers } from '../../../electron/ipc/app-handlers';
import { hasState, useBackends, type BackendHarness as Harness } from '../../helpers/backend-pair';
import { waitUntil } from '../../helpers/wait';
import { randomFile } from '../net/files/helpers/trees';

/** A 1x1 PNG (the smallest valid one) followed by some bytes so each test's file differs. */
const PNG = Buffer.concat([
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
  Buffer.from('pasted'),
]);

const { tempDir, pair } = useBackends('pc-file-extras-');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('pasted images, thumbnails and auto-accept over the backend', () => {
  it('saves a pasted image in the profile, offers it, and the receiver gets its thumbnail', async () => {
    const [a, b] = await pair();
    const offered = await a.backend.handlers['files:sendImage']({
      peerId: b.id,
      data: PNG.toString('base64'),
    });
    const [saved] = readdirSync(join(a.dataDir, 'pasted'));
    expect(saved).toMatch(/^Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
    expect(offered).toMatchObject({ direction: 'send', state: 'offered', names: [saved] });
    expect(readFileSync(join(a.dataDir, 'pasted', saved ?? ''))).toEqual(PNG);

    const dest = await tempDir('pc-file-extras-dest-');
    await waitUntil(() => hasState(b, offered.id, 'offered'), 10_000, 'b has the offer');
    // Not done yet: no thumbnail.
    expect(await b.backend.handlers['files:thumbnail']({ id: offered.id, index: 0 })).toBeNull();
    await b.backend.handlers['files:accept']({ id: offered.id, dir: dest });
    await waitUntil(() => hasState(b, offered.id, 'done'), 30_000, 'done');
    const thumb = await b.backend.handlers['files:thumbnail']({ id: offered.id, index: 0 });
    expect(thumb?.mime).toBe('image/png');
    expect(sha256(Buffer.from(thumb?.base64 ?? '', 'base64'))).toBe(sha256(PNG));
    // The sender's own side is not a received file.
    expect(await a.backend.handlers['files:thumbnail']({ id: offered.id, index: 0 })).toBeNull();
  });

  it('offers one pasted image, saved once, to several peers (a group), and names the ones refused', async () => {
    const [a, b] = await pair();
    const result = await a.backend.handlers['files:sendImageMany']({
      peerIds: [b.id, 'f'.repeat(32)],
      data: PNG.toString('base64'),
    });
    const saved = readdirSync(join(a.dataDir, 'pasted'));
    expect(saved).toHaveLength(1);
    expect(result.sent).toEqual([
      expect.objectContaining({ peerId: b.id, state: 'offered', names: saved }),
    ]);
    expect(result.failed).toEqual([
      { peerId: 'f'.repeat(32), message: expect.any(String) as unknown },
    ]);
    const id = result.sent[0]?.id ?? '';
    await waitUntil(() => hasState(b, id, 'offered'), 10_000, 'b has the offer');
  });

  it('refuses a paste that is not an image and writes nothing', async () => {
    const [a, b] = await pair();
    const text = Buffer.from('#!/bin/sh\nrm -rf ~\n').toString('base64');
    await expect(
      a.backend.handlers['files:sendImage']({ peerId: b.id, data: text }),
    ).rejects.toMatchObject({ code: 'invalid-argument', field: 'data', reason: 'not-an-image' });
    // An image header with junk after it is still judged by its first bytes only: a GIF87 "a"
    // missing is refused too.
    const almostGif = Buffer.from('GIF87b.....').toString('base64');
    await expect(
      a.backend.handlers['files:sendImage']({ peerId: b.id, data: almostGif }),
    ).rejects.toMatchObject({ reason: 'not-an-image' });
    expect(existsSync(join(a.dataDir, 'pasted'))).toBe(false);
    expect(await a.backend.handlers['files:list'](undefined)).toEqual([]);
  });

  it('gives no thumbnail for a received file that is not an image', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-file-extras-src-');
    randomFile(join(src, 'photo.png'), 4096); // named like an image, but random bytes
    const offered = await a.backend.handlers['files:send']({
      peerId: b.id,
      paths: [join(src, 'photo.png')],
    });
    await waitUntil(() => hasState(b, offered.id, 'offered'), 10_000, 'b has the offer');
    await b.backend.handlers['files:accept']({
      id: offered.id,
      dir: await tempDir('pc-file-extras-dest-'),
    });
    await waitUntil(() => hasState(b, offered.id, 'done'), 30_000, 'done');
    expect(await b.backend.handlers['files:thumbnail']({ id: offered.id, index: 0 })).toBeNull();
    await expect(
      b.backend.handlers['files:thumbnail']({ id: 'nope', index: 0 }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('accepts offers from a verified contact into the download folder, and only from one', async () => {
    const [a, b] = await pair();
    const downloads = await tempDir('pc-file-extras-downloads-');
    const settings = await b.backend.handlers['settings:set']({
      downloadDir: downloads,
      autoAcceptVerified: true,
    });
    expect(settings).toMatchObject({ downloadDir: downloads, autoAcceptVerified: true });
    const src = await tempDir('pc-file-extras-src-');
    randomFile(join(src, 'one.bin'), 10_000);
    randomFile(join(src, 'two.bin'), 10_000);

    // Not verified yet: the offer waits.
    const first = await a.backend.handlers['files:send']({
      peerId: b.id,
      paths: [join(src, 'one.bin')],
    });
    await waitUntil(() => hasState(b, first.id, 'offered'), 10_000, 'b has the first offer');

    await b.backend.handlers['contacts:verify']({ peerId: a.id, verified: true });
    const second = await a.backend.handlers['files:send']({
      peerId: b.id,
      paths: [join(src, 'two.bin')],
    });
    await waitUntil(() => hasState(b, second.id, 'done'), 30_000, 'the second is accepted');
    expect(readFileSync(join(downloads, 'two.bin'))).toEqual(readFileSync(join(src, 'two.bin')));
    const states = await b.backend.handlers['files:list'](undefined);
    expect(states.find((t) => t.id === first.id)?.state).toBe('offered');
    expect(
      b.of('transfer').some((t) => t.transfer.id === first.id && t.transfer.state !== 'offered'),
    ).toBe(false);
  });
});

describe('open and show in folder (files:open)', () => {
  /** The desktop handlers over a real backend, with a fake shell that records what it was asked. */
  function desktop(h: Harness) {
    const opened: { path: string; reveal: boolean }[] = [];
    const handlers = createAppHandlers({
      backend: h.backend.handlers,
      started: Promise.resolve(),
      onReady: () => undefined,
      onSettings: () => undefined,
      openInBrowser: () => Promise.resolve(),
      isSafeExternalUrl: () => false,
      openPath: (path, reveal) => {
        opened.push({ path, reveal });
        return Promise.resolve();
      },
    });
    return { open: handlers['files:open'], opened };
  }

  async function received(a: Harness, b: Harness, paths: string[]) {
    const offered = await a.backend.handlers['files:send']({ peerId: b.id, paths });
    await waitUntil(() => hasState(b, offered.id, 'offered'), 10_000, 'b has the offer');
    const dest = await tempDir('pc-file-open-dest-');
    await b.backend.handlers['files:accept']({ id: offered.id, dir: dest });
    await waitUntil(() => hasState(b, offered.id, 'done'), 30_000, 'done');
    return { id: offered.id, dest };
  }

  it('opens the received file and shows the sent one, each from its own record', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-file-open-src-');
    const source = randomFile(join(src, 'report.pdf'), 5_000);
    const { id, dest } = await received(a, b, [source]);
    const bob = desktop(b);
    const alice = desktop(a);

    await expect(bob.open({ id, reveal: false })).resolves.toEqual({
      path: join(dest, 'report.pdf'),
    });
    await bob.open({ id, file: 0, reveal: true });
    expect(bob.opened).toEqual([
      { path: join(dest, 'report.pdf'), reveal: false },
      { path: join(dest, 'report.pdf'), reveal: true },
    ]);
    await alice.open({ id, reveal: true });
    await alice.open({ id, file: 0, reveal: false });
    expect(alice.opened).toEqual([
      { path: source, reveal: true },
      { path: source, reveal: false },
    ]);
  });

  it('opens a received folder as its top folder, and one of its files by index', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-file-open-src-');
    randomFile(join(src, 'photos', 'a.jpg'), 1_000);
    randomFile(join(src, 'photos', 'deep', 'b.jpg'), 1_000);
    const { id, dest } = await received(a, b, [join(src, 'photos')]);
    const bob = desktop(b);
    await bob.open({ id, reveal: false });
    const files = await b.backend.handlers['files:files']({ id });
    const deep = files.find((f) => f.path === 'photos/deep/b.jpg');
    await bob.open({ id, file: deep?.index ?? -1, reveal: true });
    expect(bob.opened).toEqual([
      { path: join(dest, 'photos'), reveal: false },
      { path: join(dest, 'photos', 'deep', 'b.jpg'), reveal: true },
    ]);
  });

  it('refuses an unknown transfer, a file it does not have, an offer not yet received and a file that is gone', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-file-open-src-');
    const one = await received(a, b, [randomFile(join(src, 'one.txt'), 100)]);
    const two = await received(a, b, [
      randomFile(join(src, 'x.txt'), 100),
      randomFile(join(src, 'y.txt'), 100),
    ]);
    const bob = desktop(b);
    // Another transfer's id is not this one's: file 1 exists in `two`, not in `one`.
    await bob.open({ id: two.id, file: 1, reveal: false });
    await expect(bob.open({ id: one.id, file: 1, reveal: false })).rejects.toMatchObject({
      code: 'invalid-argument',
      field: 'file',
      reason: 'unknown-file',
    });
    await expect(bob.open({ id: 'f'.repeat(32), reveal: false })).rejects.toMatchObject({
      code: 'not-found',
    });
    // Several files: the whole transfer opens as the folder they were saved into.
    await bob.open({ id: two.id, reveal: false });

    const waiting = await a.backend.handlers['files:send']({
      peerId: b.id,
      paths: [randomFile(join(src, 'later.txt'), 100)],
    });
    await waitUntil(() => hasState(b, waiting.id, 'offered'), 10_000, 'b has the offer');
    await expect(bob.open({ id: waiting.id, reveal: false })).rejects.toMatchObject({
      code: 'invalid-argument',
      reason: 'not-kept',
    });

    await rename(join(one.dest, 'one.txt'), join(one.dest, 'moved.txt'));
    await expect(bob.open({ id: one.id, reveal: true })).rejects.toMatchObject({
      code: 'not-found',
      reason: 'gone',
      message: 'The file was moved or deleted',
    });
    // A link put in its place is not followed.
    await symlink('/etc/passwd', join(one.dest, 'one.txt'));
    await expect(bob.open({ id: one.id, file: 0, reveal: false })).rejects.toMatchObject({
      reason: 'gone',
    });
    expect(bob.opened).toEqual([
      { path: join(two.dest, 'y.txt'), reveal: false },
      { path: two.dest, reveal: false },
    ]);
  });
});

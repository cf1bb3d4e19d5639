// IPMsg file transfers through the `files:*` calls and `transfer` events (the shape of issue 14):
// a file to an IPMsg peer and a folder from it with equal SHA-256, decline, cancel, and
// `--accept-files` (acceptFilesDir) taking every offer by itself.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IncomingOffer } from '../../../electron/net/ipmsg/index';
import type { TransferEvent, TransferInfo } from '../../../shared/transfers';
import {
  profileDir,
  startBridgeBackend,
  useBridgeBackends,
  valueOf,
  type BridgeBackend,
} from '../../helpers/ipmsg-backend';
import { makePng } from '../../helpers/png';
import { testPorts } from '../../helpers/ports';
import { waitForEvent, waitUntil } from '../../helpers/wait';
import {
  ipmsgNode,
  loopbackHosts,
  useCleanup,
  type LoopbackHost,
  type TestNode,
} from '../net/ipmsg/loopback';

useCleanup();
useBridgeBackends();

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

function transferState(app: BridgeBackend, id: string, state: TransferInfo['state']) {
  return async (): Promise<TransferEvent> => {
    const find = () =>
      app.of('transfer').find((t) => t.transfer.id === id && t.transfer.state === state);
    await waitUntil(() => find() !== undefined, 10_000, `transfer ${id} to be ${state}`);
    return find() as TransferEvent;
  };
}

async function pair(
  acceptFilesDir?: string,
): Promise<{ app: BridgeBackend; peer: TestNode; appId: string; us: LoopbackHost }> {
  const [us, them] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
  const app = await startBridgeBackend({
    host: us,
    serverPort: testPorts().serverPort,
    peers: [them.address],
    ...(acceptFilesDir === undefined ? {} : { acceptFilesDir }),
  });
  const peer = ipmsgNode(them, [us]);
  await peer.node.start();
  await waitUntil(
    () =>
      app.of('contact').some((c) => c.peer.id === peer.id && c.peer.online) &&
      peer.node.findPeer(us.address)?.online === true,
    5_000,
    'the app and the IPMsg peer to know each other',
  );
  return { app, peer, appId: `ipmsg:${us.address}`, us };
}

describe('IPMsg files through files:* and transfer events', () => {
  it('a file to the peer and a folder from it arrive with equal SHA-256', async () => {
    const { app, peer, appId } = await pair();
    const work = profileDir();
    const file = path.join(work, '报告.bin');
    writeFileSync(file, randomBytes(300_000));

    const offered = waitForEvent<IncomingOffer>(peer.node, 'file-offer');
    const sent = valueOf<TransferInfo>(
      await app.call('files:send', { peerId: peer.id, paths: [file] }),
    );
    expect(sent).toMatchObject({
      peerId: peer.id,
      direction: 'send',
      state: 'offered',
      files: 1,
      names: ['报告.bin'],
      bytes: 300_000,
      bytesDone: 0,
    });
    const offer = await offered;
    const inbox = path.join(work, 'peer-inbox');
    mkdirSync(inbox);
    expect(
      await peer.node.acceptFile(offer.offerId, offer.files[0]?.fileId ?? -1, inbox),
    ).toMatchObject({
      state: 'done',
    });
    const done = await transferState(app, sent.id, 'done')();
    expect(done.transfer).toMatchObject({ filesDone: 1, bytesDone: 300_000, rate: 0 });
    expect(done.files).toEqual([{ path: file, size: 300_000, sha256: sha256(file) }]);
    expect(sha256(path.join(inbox, '报告.bin'))).toBe(sha256(file));

    // A folder from the peer: offered, accepted into a folder, every file listed with its hash.
    const folder = path.join(work, '资料');
    mkdirSync(path.join(folder, '子目录'), { recursive: true });
    writeFileSync(path.join(folder, 'a.txt'), '你好\n');
    writeFileSync(path.join(folder, '子目录', 'b.bin'), randomBytes(70_000));
    await peer.node.offerFiles(appId, [folder], '给你');
    await waitUntil(
      () => app.of('transfer').some((t) => t.transfer.direction === 'receive'),
      5_000,
      'the offer',
    );
    const incoming = app.of('transfer').find((t) => t.transfer.direction === 'receive');
    expect(incoming?.transfer).toMatchObject({ state: 'offered', names: ['资料'], files: 1 });
    const id = incoming?.transfer.id ?? '';
    const dest = path.join(work, 'app-inbox');
    mkdirSync(dest);
    expect(valueOf(await app.call('files:accept', { id, dir: dest }))).toMatchObject({
      state: 'accepted',
      dir: dest,
    });
    const received = await transferState(app, id, 'done')();
    expect(received.files?.map((f) => [f.path, f.sha256]).sort()).toEqual([
      [path.join('资料', 'a.txt'), sha256(path.join(folder, 'a.txt'))],
      [path.join('资料', '子目录', 'b.bin'), sha256(path.join(folder, '子目录', 'b.bin'))],
    ]);
    expect(valueOf<TransferInfo[]>(await app.call('files:list')).map((t) => t.state)).toEqual([
      'done',
      'done',
    ]);
    // Open finds each side's item in the transfer's record: the received folder, the sent file.
    expect(await app.call('files:open', { id, reveal: false })).toEqual({
      ok: true,
      value: { path: path.join(dest, '资料') },
    });
    expect(await app.call('files:open', { id: sent.id, file: 0, reveal: true })).toEqual({
      ok: true,
      value: { path: file },
    });
    expect(await app.call('files:open', { id, file: 1, reveal: false })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', field: 'file', reason: 'unknown-file' },
    });
    // Calls that do not fit the transfer's state say so.
    expect(await app.call('files:accept', { id, dir: dest })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', reason: 'wrong-state' },
    });
    expect(await app.call('files:decline', { id: 'ipmsg:1.2.3.4#9' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', reason: 'unknown-transfer' },
    });
  });

  it('declines an offer (RELEASEFILES), cancels one of ours, and refuses files to a PacketChat id', async () => {
    const { app, peer, appId } = await pair();
    const work = profileDir();
    const file = path.join(work, 'x.txt');
    writeFileSync(file, 'x');
    await peer.node.offerFiles(appId, [file]);
    await waitUntil(() => app.of('transfer').length > 0, 5_000, 'the offer');
    const id = app.of('transfer')[0]?.transfer.id ?? '';
    expect(valueOf(await app.call('files:decline', { id }))).toMatchObject({ state: 'declined' });
    await waitUntil(
      () => peer.node.packets().some((p) => p.kind === 'RELEASEFILES' && p.direction === 'in'),
      5_000,
      'RELEASEFILES at the peer',
    );

    const offered = waitForEvent<IncomingOffer>(peer.node, 'file-offer');
    const ours = valueOf<TransferInfo>(
      await app.call('files:send', { peerId: peer.id, paths: [file] }),
    );
    const offer = await offered;
    expect(valueOf(await app.call('files:cancel', { id: ours.id }))).toMatchObject({
      state: 'cancelled',
    });
    expect(await peer.node.acceptFile(offer.offerId, 0, work)).toMatchObject({ state: 'failed' });

    expect(
      await app.call('files:send', { peerId: '0123456789abcdef0123456789abcdef', paths: [file] }),
    ).toMatchObject({ ok: false, error: { code: 'not-found', reason: 'unknown-peer' } });
    expect(
      await app.call('files:send', { peerId: peer.id, paths: ['relative.txt'] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('gives a received picture’s thumbnail and lists the names made safe or changed by a clash', async () => {
    const { app, peer, appId } = await pair();
    const work = profileDir();
    const png = makePng(8, 6, (x, y) => [x * 30, y * 40, 90]);
    const picture = path.join(work, 'whiteboard.png');
    writeFileSync(picture, png);
    const dest = path.join(work, 'app-inbox');
    mkdirSync(dest);
    const receive = async (paths: string[]): Promise<string> => {
      const before = app.of('transfer').length;
      await peer.node.offerFiles(appId, paths);
      await waitUntil(() => app.of('transfer').length > before, 5_000, 'the offer');
      const id = app.of('transfer').at(-1)?.transfer.id ?? '';
      valueOf(await app.call('files:accept', { id, dir: dest }));
      await transferState(app, id, 'done')();
      return id;
    };
    const first = await receive([picture]);
    expect(valueOf(await app.call('files:files', { id: first }))).toEqual([
      { index: 0, path: 'whiteboard.png', size: png.length, bytesDone: png.length, state: 'done' },
    ]);
    const thumb = valueOf<{ mime: string; base64: string } | null>(
      await app.call('files:thumbnail', { id: first, index: 0 }),
    );
    expect(thumb?.mime).toBe('image/png');
    expect(Buffer.from(thumb?.base64 ?? '', 'base64')).toEqual(png);

    // The same name again clashes (" (1)"); a name Windows reserves is made safe ("_con.txt").
    const reserved = path.join(work, 'con.txt');
    writeFileSync(reserved, 'x');
    const second = await receive([picture, reserved]);
    expect(
      valueOf<{ path: string; savedAs?: string }[]>(
        await app.call('files:files', { id: second }),
      ).map((f) => [f.path, f.savedAs]),
    ).toEqual([
      ['whiteboard.png', 'whiteboard (1).png'],
      ['con.txt', '_con.txt'],
    ]);
    expect(readFileSync(path.join(dest, 'whiteboard (1).png'))).toEqual(png);
  });

  it('lists the names inside a received folder that were made safe or changed by a clash, also after a restart', async () => {
    const { app, peer, appId, us } = await pair();
    const work = profileDir();
    // Sent in name order: "a:b.txt" is saved as "a_b.txt", so "a_b.txt" clashes; "con" is reserved.
    const folder = path.join(work, 'mixed');
    mkdirSync(path.join(folder, 'con'), { recursive: true });
    writeFileSync(path.join(folder, 'a:b.txt'), 'unsafe');
    writeFileSync(path.join(folder, 'a_b.txt'), 'clash');
    writeFileSync(path.join(folder, 'con', 'x.txt'), 'inside');
    writeFileSync(path.join(folder, 'ok.txt'), 'kept');
    await peer.node.offerFiles(appId, [folder]);
    await waitUntil(() => app.of('transfer').length > 0, 5_000, 'the offer');
    const id = app.of('transfer')[0]?.transfer.id ?? '';
    const dest = path.join(work, 'app-inbox');
    mkdirSync(path.join(dest, 'mixed'), { recursive: true }); // the folder itself clashes too
    valueOf(await app.call('files:accept', { id, dir: dest }));
    await transferState(app, id, 'done')();
    const listed = [
      {
        index: 0,
        path: 'mixed',
        savedAs: 'mixed (1)',
        size: 21,
        bytesDone: 21,
        state: 'done',
        renamedInside: {
          names: [
            { path: 'mixed/a:b.txt', reasons: ['bad-character'], renamedTo: 'mixed (1)/a_b.txt' },
            { path: 'mixed/a_b.txt', reasons: ['clash'], renamedTo: 'mixed (1)/a_b (1).txt' },
            { path: 'mixed/con', reasons: ['reserved-name'], renamedTo: 'mixed (1)/_con' },
          ],
          more: 0,
        },
      },
    ];
    expect(valueOf(await app.call('files:files', { id }))).toEqual(listed);
    // Each file is where the list says.
    const read = (saved: string) => readFileSync(path.join(dest, saved), 'utf8');
    expect(read('mixed (1)/a_b.txt')).toBe('unsafe');
    expect(read('mixed (1)/a_b (1).txt')).toBe('clash');
    expect(read('mixed (1)/_con/x.txt')).toBe('inside');
    expect(read('mixed (1)/ok.txt')).toBe('kept');

    await app.backend.close();
    const again = await startBridgeBackend({
      host: us,
      serverPort: testPorts().serverPort,
      dataDir: app.dataDir,
    });
    expect(valueOf(await again.call('files:files', { id }))).toEqual(listed);
  });

  it('acceptFilesDir (--accept-files) accepts every offer by itself', async () => {
    const dir = profileDir();
    const { app, peer, appId } = await pair(dir);
    const file = path.join(profileDir(), 'auto.bin');
    writeFileSync(file, randomBytes(10_000));
    await peer.node.offerFiles(appId, [file]);
    await waitUntil(
      () => app.of('transfer').some((t) => t.transfer.state === 'done'),
      10_000,
      'the offer accepted and done',
    );
    expect(app.of('transfer').map((t) => t.transfer.state)).toEqual(
      expect.arrayContaining(['offered', 'accepted', 'done']),
    );
    expect(sha256(path.join(dir, 'auto.bin'))).toBe(sha256(file));
  });
});

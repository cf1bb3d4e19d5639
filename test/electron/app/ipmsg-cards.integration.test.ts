// IPMsg offers as cards in the conversation, kept across a restart (docs/IPMSG.md, "In the app"):
// an offer to us and one of ours are messages with `file` (live and in the history), an offer
// made before a restart can still be accepted after it, a download cut short fails and Retry
// fetches it again, and a `message-read` becomes the history's `readAt`.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, HistoryPage } from '../../../shared/domain';
import type { TransferInfo } from '../../../shared/transfers';
import {
  profileDir,
  startBridgeBackend,
  useBridgeBackends,
  valueOf,
  type BridgeBackend,
} from '../../helpers/ipmsg-backend';
import { testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
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

async function startApp(us: LoopbackHost, them: LoopbackHost, dataDir?: string) {
  return startBridgeBackend({
    host: us,
    serverPort: testPorts().serverPort,
    peers: [them.address],
    ...(dataDir === undefined ? {} : { dataDir }),
  });
}

async function pair(): Promise<{
  app: BridgeBackend;
  peer: TestNode;
  appId: string;
  us: LoopbackHost;
  them: LoopbackHost;
}> {
  const [us, them] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
  const app = await startApp(us, them);
  const peer = ipmsgNode(them, [us]);
  await peer.node.start();
  await waitUntil(
    () =>
      app.of('contact').some((c) => c.peer.id === peer.id && c.peer.online) &&
      peer.node.findPeer(us.address)?.online === true,
    5_000,
    'the app and the IPMsg peer to know each other',
  );
  return { app, peer, appId: `ipmsg:${us.address}`, us, them };
}

const cards = (app: BridgeBackend): ChatMessage[] =>
  app.of('message').filter((m) => m.file !== undefined);

async function history(app: BridgeBackend, peerId: string): Promise<readonly ChatMessage[]> {
  return valueOf<HistoryPage>(await app.call('messages:history', { peerId, limit: 50 })).messages;
}

async function transferIn(app: BridgeBackend, id: string, state: TransferInfo['state']) {
  await waitUntil(
    () => app.of('transfer').some((t) => t.transfer.id === id && t.transfer.state === state),
    10_000,
    `transfer ${id} to be ${state}`,
  );
  return app.of('transfer').find((t) => t.transfer.id === id && t.transfer.state === state);
}

describe('IPMsg offers as cards', () => {
  it('an offer to us is a card after its text, and one of ours is a card too, live and in history', async () => {
    const { app, peer, appId } = await pair();
    const work = profileDir();
    const folder = path.join(work, '资料');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'a.txt'), '你好\n');
    const file = path.join(work, '报告.txt');
    writeFileSync(file, 'quarterly numbers\n');

    await peer.node.offerFiles(appId, [file, folder], '给你');
    await waitUntil(() => cards(app).length === 1, 5_000, 'the card of the offer');
    const card = cards(app)[0];
    const offered = app.of('transfer').find((t) => t.transfer.direction === 'receive');
    expect(card).toMatchObject({
      peerId: peer.id,
      direction: 'in',
      state: 'received',
      file: {
        transferId: offered?.transfer.id,
        names: ['报告.txt', '资料'],
        files: 1,
        folders: 1,
        bytes: 18 + 7,
      },
    });
    // The words that came with the offer show first, then its card.
    const shown = app.of('message').filter((m) => m.peerId === peer.id);
    expect(shown.map((m) => m.file === undefined)).toEqual([true, false]);
    expect(shown[0]?.text).toBe('给你');

    const sent = valueOf<TransferInfo>(
      await app.call('files:send', { peerId: peer.id, paths: [file] }),
    );
    await waitUntil(() => cards(app).length === 2, 5_000, 'the card of our offer');
    expect(cards(app)[1]).toMatchObject({
      peerId: peer.id,
      direction: 'out',
      file: { transferId: sent.id, names: ['报告.txt'], files: 1, folders: 0, bytes: 18 },
    });

    const stored = await history(app, peer.id);
    expect(stored.map((m) => [m.direction, m.text, m.file?.transferId])).toEqual([
      ['in', '给你', undefined],
      ['in', '报告.txt, 资料', offered?.transfer.id],
      ['out', '报告.txt', sent.id],
    ]);
    // A card counts as unread, like any received message.
    const unread = app.of('unread').at(-1)?.total;
    expect(unread).toBe(2);
  });

  it('after a restart an offer to us is still a card and can be accepted; ours is cancelled', async () => {
    const { app, peer, appId, us, them } = await pair();
    const work = profileDir();
    const file = path.join(work, 'data.bin');
    writeFileSync(file, randomBytes(200_000));
    await peer.node.offerFiles(appId, [file]);
    await waitUntil(() => cards(app).length === 1, 5_000, 'the card');
    const id = cards(app)[0]?.file?.transferId ?? '';
    const ours = valueOf<TransferInfo>(
      await app.call('files:send', { peerId: peer.id, paths: [file] }),
    );
    await app.backend.close();

    const again = await startApp(us, them, app.dataDir);
    const list = valueOf<TransferInfo[]>(await again.call('files:list'));
    expect(list.map((t) => [t.id, t.direction, t.state])).toEqual([
      [id, 'receive', 'offered'],
      [ours.id, 'send', 'cancelled'],
    ]);
    expect((await history(again, peer.id)).map((m) => m.file?.transferId)).toEqual([id, ours.id]);

    const dest = path.join(work, 'inbox');
    mkdirSync(dest);
    valueOf(await again.call('files:accept', { id, dir: dest }));
    const done = await transferIn(again, id, 'done');
    expect(done?.files).toEqual([{ path: 'data.bin', size: 200_000, sha256: sha256(file) }]);
    expect(sha256(path.join(dest, 'data.bin'))).toBe(sha256(file));
  });

  it('a failed item is fetched again by Retry', async () => {
    const { app, peer, appId } = await pair();
    const work = profileDir();
    const file = path.join(work, 'again.bin');
    writeFileSync(file, randomBytes(50_000));
    await peer.node.offerFiles(appId, [file]);
    await waitUntil(() => cards(app).length === 1, 5_000, 'the card');
    const id = cards(app)[0]?.file?.transferId ?? '';
    // The folder is gone when the data arrives: the item fails, the transfer says so.
    const dest = path.join(work, 'gone');
    mkdirSync(dest);
    rmSync(dest, { recursive: true });
    valueOf(await app.call('files:accept', { id, dir: dest }));
    const failed = await transferIn(app, id, 'failed');
    expect(failed?.transfer).toMatchObject({ reason: 'files-failed', filesFailed: 1 });

    mkdirSync(dest);
    expect(valueOf<TransferInfo>(await app.call('files:retry', { id }))).toMatchObject({
      state: 'accepted',
    });
    await transferIn(app, id, 'done');
    expect(sha256(path.join(dest, 'again.bin'))).toBe(sha256(file));
  });

  it('a read notice for a sealed message is its readAt in the history', async () => {
    const { app, peer, us } = await pair();
    const sent = valueOf<ChatMessage>(
      await app.call('messages:send', { peerId: peer.id, text: '看完告诉我', sealed: true }),
    );
    await waitUntil(
      () => peer.persistence.messages.size > 0,
      5_000,
      'the sealed message at the peer',
    );
    expect(peer.node.markRead(`ipmsg:${us.address}`)).toBe(1);
    await waitUntil(() => app.of('message-read').length > 0, 5_000, 'the read notice');
    expect(app.of('message-read')[0]).toMatchObject({ messageId: sent.id, peerId: peer.id });
    const stored = (await history(app, peer.id)).find((m) => m.id === sent.id);
    expect(stored?.readAt).toBe(app.of('message-read')[0]?.at);
  });
});

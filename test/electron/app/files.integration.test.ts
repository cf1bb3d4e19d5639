/**
 * File transfers behind the call handlers (files:* calls, `transfer` events): two real backends
 * (SQLite profiles, protocol v2 nodes) on loopback, real files, SHA-256 compared.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasState, useBackends } from '../../helpers/backend-pair';
import { testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
import { randomFile, sha256Of, snapshot, writeFile } from '../net/files/helpers/trees';

const { tempDir, harness, pair } = useBackends('pc-files-backend-');

describe('files:* over the backend', () => {
  it('sends a folder as a card, accepts it, and both sides end done with equal SHA-256', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-files-src-');
    randomFile(join(src, 'project', 'data.bin'), 2 * 1024 * 1024 + 3);
    writeFile(join(src, 'project', '子目录', 'readme 📄.txt'), 'hello');
    const dest = await tempDir('pc-files-dest-');

    const offered = await a.backend.handlers['files:send']({
      peerId: b.id,
      paths: [join(src, 'project')],
    });
    expect(offered).toMatchObject({ direction: 'send', state: 'offered', files: 2 });
    const id = offered.id;
    await waitUntil(() => hasState(b, id, 'offered'), 10_000, 'b has the offer');
    // The offer is a card in both conversations; no control message shows as chat.
    await waitUntil(() => b.of('message').some((m) => m.file?.transferId === id), 10_000, 'card');
    // The sender's card event carries the names as its text, as the history does: the contact
    // list once showed `Me: {"type":"file-offer",…}` from it.
    expect(
      a
        .of('message')
        .filter((m) => m.file?.transferId === id)
        .map((m) => m.text),
    ).toEqual(['project']);
    const bHistory = await b.backend.handlers['messages:history']({ peerId: a.id, limit: 50 });
    expect(bHistory.messages).toHaveLength(1);
    expect(bHistory.messages[0]).toMatchObject({ text: 'project', file: { transferId: id } });

    const accepted = await b.backend.handlers['files:accept']({ id, dir: dest });
    expect(accepted.state).toMatch(/accepted|active/);
    await waitUntil(() => hasState(b, id, 'done') && hasState(a, id, 'done'), 30_000, 'done');
    const done = b.of('transfer').find((t) => t.transfer.id === id && t.transfer.state === 'done');
    const bySha = new Map(done?.files?.map((f) => [f.path, f.sha256]));
    expect(bySha.get(join('project', 'data.bin'))).toBe(sha256Of(join(src, 'project', 'data.bin')));
    expect(snapshot(join(dest, 'project'))).toEqual(snapshot(join(src, 'project')));
    expect(
      readdirSync(join(dest, 'project'), { recursive: true }).filter((n) =>
        String(n).endsWith('.pchat-part'),
      ),
    ).toEqual([]);

    // History on both sides: still the one card; the accept and done messages are not shown.
    for (const [h, peer] of [
      [a, b.id],
      [b, a.id],
    ] as const) {
      const history = await h.backend.handlers['messages:history']({ peerId: peer, limit: 50 });
      expect(history.messages.map((m) => m.file?.transferId)).toEqual([id]);
    }
    // Search finds what people typed, not the offer's control message.
    expect(await b.backend.handlers['messages:search']({ query: 'file-offer', limit: 5 })).toEqual(
      [],
    );
    expect((await a.backend.handlers['files:list'](undefined)).map((t) => t.state)).toEqual([
      'done',
    ]);
    const files = await b.backend.handlers['files:files']({ id });
    expect(files.map((f) => f.state)).toEqual(['done', 'done']);
  });

  it('declines an offer, cancels another, and refuses unknown ids and peers with codes', async () => {
    const [a, b] = await pair();
    const src = await tempDir('pc-files-src-');
    const file = writeFile(join(src, 'a.txt'), 'x'.repeat(1000));

    const first = await a.backend.handlers['files:send']({ peerId: b.id, paths: [file] });
    await waitUntil(() => hasState(b, first.id, 'offered'), 10_000, 'offer 1');
    await b.backend.handlers['files:decline']({ id: first.id });
    await waitUntil(() => hasState(a, first.id, 'declined'), 10_000, 'declined');

    const second = await a.backend.handlers['files:send']({ peerId: b.id, paths: [file] });
    await waitUntil(() => hasState(b, second.id, 'offered'), 10_000, 'offer 2');
    await a.backend.handlers['files:cancel']({ id: second.id });
    await waitUntil(() => hasState(b, second.id, 'cancelled'), 10_000, 'cancelled');

    await expect(
      Promise.resolve().then(() => b.backend.handlers['files:decline']({ id: 'f'.repeat(32) })),
    ).rejects.toMatchObject({ code: 'not-found', reason: 'unknown-transfer' });
    await expect(
      Promise.resolve().then(() =>
        a.backend.handlers['files:send']({ peerId: 'f'.repeat(32), paths: [file] }),
      ),
    ).rejects.toMatchObject({ code: 'not-found', reason: 'unknown-peer' });
    await expect(
      Promise.resolve().then(() => b.backend.handlers['files:accept']({ id: second.id, dir: src })),
    ).rejects.toMatchObject({ code: 'invalid-argument', reason: 'wrong-state' });
  });

  it('keeps an unanswered offer across restarts of both sides, then accepts it', async () => {
    const ports = testPorts();
    let [a, b] = await pair(ports);
    const src = await tempDir('pc-files-src-');
    const file = randomFile(join(src, 'photo.jpg'), 300_000);
    const dest = await tempDir('pc-files-dest-');
    const offered = await a.backend.handlers['files:send']({ peerId: b.id, paths: [file] });
    await waitUntil(() => hasState(b, offered.id, 'offered'), 10_000, 'offered');

    const [aDir, bDir] = [a.dataDir, b.dataDir];
    await Promise.all([a.backend.close(), b.backend.close()]);
    a = await harness(ports, aDir);
    b = await harness(ports, bDir);
    expect((await b.backend.handlers['files:list'](undefined)).map((t) => t.state)).toEqual([
      'offered',
    ]);
    const history = await b.backend.handlers['messages:history']({ peerId: a.id, limit: 10 });
    expect(history.messages.map((m) => m.file?.names)).toEqual([['photo.jpg']]);
    await waitUntil(() => b.of('contact').some((c) => c.peer.id === a.id), 10_000, 'rediscovered');

    await b.backend.handlers['files:accept']({ id: offered.id, dir: dest });
    await waitUntil(() => hasState(b, offered.id, 'done'), 30_000, 'done after restart');
    await waitUntil(() => hasState(a, offered.id, 'done'), 30_000, 'sender done');
    expect(sha256Of(join(dest, 'photo.jpg'))).toBe(sha256Of(file));
    expect(existsSync(join(dest, 'photo.jpg.pchat-part'))).toBe(false);
  });

  it('an offer made while the peer is away waits in the stored outbox, across a restart, as an offer', async () => {
    const ports = testPorts();
    let [a, b] = await pair(ports);
    const src = await tempDir('pc-files-src-');
    const file = writeFile(join(src, 'notes.txt'), 'offline offer');
    const bDir = b.dataDir;
    await b.backend.close();
    const offered = await a.backend.handlers['files:send']({ peerId: b.id, paths: [file] });
    const aDir = a.dataDir;
    await a.backend.close();

    a = await harness(ports, aDir);
    b = await harness(ports, bDir);
    await waitUntil(() => hasState(b, offered.id, 'offered'), 20_000, 'offer arrives');
    const history = await b.backend.handlers['messages:history']({ peerId: a.id, limit: 10 });
    // It came as a card: never as chat text carrying the control message's JSON.
    expect(history.messages.map((m) => [m.text, m.file?.transferId])).toEqual([
      ['notes.txt', offered.id],
    ]);
    await waitUntil(
      () =>
        a.of('transfer').some((t) => t.transfer.id === offered.id && t.transfer.delivered === true),
      10_000,
      'the sender learns it was delivered',
    );
  });
  it('a group message and an offer made while the peer is away share its stored stream across a restart, each as itself', async () => {
    const ports = testPorts();
    let [a, b] = await pair(ports);
    const group = await a.backend.handlers['groups:create']({ name: 'pair', members: [b.id] });
    await waitUntil(
      () => b.of('group').some((g) => g.group.id === group.id),
      10_000,
      'b joins the group',
    );
    const src = await tempDir('pc-files-src-');
    const file = writeFile(join(src, 'notes.txt'), 'offline offer');
    const bDir = b.dataDir;
    await b.backend.close();
    const conversation = `group:${group.id}`;
    const post = await a.backend.handlers['messages:send']({
      peerId: conversation,
      text: 'in the group',
    });
    const offered = await a.backend.handlers['files:send']({ peerId: b.id, paths: [file] });
    const after = await a.backend.handlers['messages:send']({ peerId: b.id, text: 'after' });
    const aDir = a.dataDir;
    await a.backend.close();

    a = await harness(ports, aDir);
    b = await harness(ports, bDir);
    await waitUntil(
      () =>
        hasState(b, offered.id, 'offered') &&
        b.of('message').some((m) => m.text === 'after') &&
        b.of('message').some((m) => m.peerId === conversation && m.text === 'in the group'),
      20_000,
      'everything arrives',
    );
    const history = await b.backend.handlers['messages:history']({ peerId: a.id, limit: 10 });
    expect(history.messages.map((m) => [m.text, m.file?.transferId])).toEqual([
      ['notes.txt', offered.id],
      ['after', undefined],
    ]);
    const inGroup = await b.backend.handlers['messages:history']({
      peerId: conversation,
      limit: 10,
    });
    expect(inGroup.messages.map((m) => [m.text, m.group?.sender])).toEqual([
      ['in the group', a.id],
    ]);
    await waitUntil(
      () =>
        a.of('transfer').some((t) => t.transfer.id === offered.id && t.transfer.delivered) &&
        a.of('message-state').some((c) => c.id === after.id && c.state === 'delivered') &&
        a
          .of('message-state')
          .some((c) => c.id === post.id && c.state === 'delivered' && c.recipients !== undefined),
      20_000,
      'the sender learns each delivery',
    );
    // The offer's states went to the file engine, never to a conversation.
    expect(a.of('message-state').some((c) => c.peerId === b.id && c.id !== after.id)).toBe(false);
  }, 90_000);
});

/**
 * Groups across absences (issue 15, "Tests"): a member offline for a while gets everything when
 * it returns, with the membership changes it missed; a member that missed messages during a
 * partition gets them from another member while their writer is gone. Real SQLite stores, real
 * sockets on loopback; the timers are short, the behaviour is that of a long absence (the others
 * mark the member offline, their deliveries to it run out of retries and wait as `pending`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storePersistence } from '../../../../electron/app/persistence-adapter';
import {
  createNode,
  defaultCryptoProvider,
  type KeyPair,
  type NodeOptions,
  type PacketChatNode,
} from '../../../../electron/net/index';
import { openStore } from '../../../../electron/store/open-store';
import type { Store } from '../../../../electron/store/store';
import type { ChatMessage, GroupChange, MessageStateChange } from '../../../../shared/domain';
import { groupAgreed, startGroupMesh, type GroupMesh } from '../../../faults/group-mesh';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { useTempDirs } from '../../../helpers/temp-dir';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const tempDir = useTempDirs();
const provider = defaultCryptoProvider().provider;

/** Short timers with the real rules: offline after 3 s, retries used up in about 2 s. */
const FAST: NodeOptions = {
  announceIntervalMs: 500,
  peerTimeoutMs: 3_000,
  rto: { initialMs: 150, minMs: 100, maxMs: 400, jitter: 0.2 },
};

interface Member {
  node: PacketChatNode;
  store: Store;
  readonly dir: string;
  readonly identity: KeyPair;
  readonly signing: KeyPair;
  readonly nick: string;
}

const running: Member[] = [];
let mesh: GroupMesh | undefined;
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => stop(m)));
  await mesh?.close();
  mesh = undefined;
});

async function stop(m: Member): Promise<void> {
  await m.node.close();
  m.store.close();
}

function launch(m: Omit<Member, 'node' | 'store'>, ports: NodeOptions): Member {
  const { store } = openStore(m.dir);
  const node = createNode({
    ...ports,
    ...FAST,
    nick: m.nick,
    broadcast: [LOOPBACK_BROADCAST],
    identity: m.identity,
    signing: m.signing,
    persistence: storePersistence(store),
  });
  const member = { ...m, node, store };
  running.push(member);
  return member;
}

describe('a member that was away', () => {
  it('gets every message and the membership it missed within 15 s of returning', async () => {
    const ports = testPorts();
    const members = ['ann', 'ben', 'cai', 'dee'].map((nick) =>
      launch(
        {
          dir: tempDir(),
          identity: provider.generateKeyPair(),
          signing: provider.generateSigningKeyPair(),
          nick,
        },
        ports,
      ),
    );
    await Promise.all(members.map((m) => m.node.start()));
    const nodes = () => members.map((m) => m.node);
    await waitUntil(
      () => nodes().every((n) => n.peerList().filter((p) => p.online && p.signingKey).length === 3),
      10_000,
      'four nodes to meet',
    );
    const [ann, ben, cai, dee] = members as [Member, Member, Member, Member];
    const joined = [ben, cai, dee].map((m) =>
      waitForEvent<GroupChange>(m.node, 'group', (g) => g.change === 'joined'),
    );
    const group = ann.node.createGroup('away', [ben.node.id, cai.node.id, dee.node.id]);
    await Promise.all(joined);
    const conversation = `group:${group.id}`;
    ann.node.sendText(conversation, 'before');
    await waitForEvent<ChatMessage>(dee.node, 'message', (m) => m.text === 'before');

    // dee goes away (closed, as a crash or a laptop lid would), and stays away.
    running.splice(running.indexOf(dee), 1);
    await stop(dee);
    const pending = [ann, ben, cai].map((m) =>
      waitForEvent<MessageStateChange>(
        m.node,
        'message-state',
        (s) => s.peerId === conversation && s.state === 'pending',
        15_000,
      ),
    );
    const sent: string[] = [];
    const benSent = new Set<string>();
    for (let k = 0; k < 30; k += 1) {
      const writer = [ann, ben, cai][k % 3]!;
      const message = writer.node.sendText(conversation, `while away ${String(k)}`);
      sent.push(message.text);
      if (writer === ben) benSent.add(message.id);
    }
    ann.node.changeGroup(group.id, { op: 'rename', name: 'away, renamed' });
    // The others see dee offline, and their messages to it wait for it as `pending`.
    await waitUntil(
      () =>
        [ann, ben, cai].every((m) =>
          m.node.peerList().some((p) => p.id === dee.node.id && !p.online),
        ),
      10_000,
      'dee to be offline for everyone',
    );
    await Promise.all(pending);
    // ben restarts meanwhile: its deliveries to dee come back from its store's outbox.
    running.splice(running.indexOf(ben), 1);
    await stop(ben);
    const benAgain = launch(ben, ports);
    // ben's own messages count as delivered only by dee's acks to ben's restored outbox.
    const benDelivered = new Set<string>();
    benAgain.node.on('message-state', (s) => {
      if (benSent.has(s.id) && s.state === 'delivered' && s.recipients?.delivered === 3)
        benDelivered.add(s.id);
    });
    await benAgain.node.start();

    // dee comes back: same key, same store.
    const back = launch(dee, ports);
    const got: string[] = [];
    back.node.on('message', (m) => {
      if (m.peerId === conversation) got.push(m.text);
    });
    const renamed = waitForEvent<GroupChange>(
      back.node,
      'group',
      (g) => g.group.name === 'away, renamed',
      15_000,
    );
    const returned = Date.now();
    await back.node.start();
    await waitUntil(() => got.length >= sent.length, 15_000, 'dee to get everything').catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: got ${got.length} of ${sent.length}`);
      },
    );
    await renamed;
    await waitUntil(() => benDelivered.size === benSent.size, 15_000, 'ben’s outbox to deliver');
    console.log(
      `groups: a member back after an absence had all ${sent.length} messages ${Date.now() - returned} ms after its start`,
    );
    expect([...got].sort()).toEqual([...sent].sort());
    // In each writer's order, once each, also in the stored history.
    const history = back.store.reads.history(conversation, { limit: 100 }).messages;
    expect(history.map((m) => m.text)).toEqual(['before', ...got]);
    for (const writer of [ann, ben, cai]) {
      const own = sent.filter((_, k) => [ann, ben, cai][k % 3] === writer);
      expect(own.length).toBe(10);
      expect(got.filter((t) => own.includes(t))).toEqual(own);
    }
    await groupAgreed([ann.node, benAgain.node, cai.node, back.node], group.id, 10_000);
  }, 60_000);
});

describe('repair', () => {
  it('a member that missed messages in a partition gets them from another member, the writer gone', async () => {
    mesh = await startGroupMesh({
      count: 3,
      seed: 7,
      faults: {},
      node: () => ({ peerTimeoutMs: 3_000, announceIntervalMs: 500 }),
    });
    const [writer, keeper, missed] = mesh.nodes as [PacketChatNode, PacketChatNode, PacketChatNode];
    const joined = [keeper, missed].map((n) =>
      waitForEvent<GroupChange>(n, 'group', (g) => g.change === 'joined'),
    );
    const group = writer.createGroup('split', [keeper.id, missed.id]);
    await Promise.all(joined);
    mesh.proxy(0, 2).partition(600_000);
    const texts = Array.from({ length: 30 }, (_, k) => `in the partition ${String(k)}`);
    const atKeeper: string[] = [];
    keeper.on('message', (m) => atKeeper.push(m.text));
    for (const text of texts) writer.sendText(`group:${group.id}`, text);
    await waitUntil(() => atKeeper.length === texts.length, 10_000, 'the keeper to have them');
    await writer.close(); // the writer is gone; its link to `missed` never healed
    const got: ChatMessage[] = [];
    missed.on('message', (m) => got.push(m));
    await waitUntil(() => got.length === texts.length, 30_000, 'the relayed messages').catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: got ${got.length}`);
      },
    );
    expect(got.map((m) => m.text)).toEqual(texts);
    // Signed by the writer, carried by the keeper.
    // `missed` (the far end of proxy 1-2) sees `keeper` at the proxy's upstream socket.
    const keeperAddress = `127.0.0.1:${String(mesh.proxy(1, 2).upstreamPort)}`;
    for (const m of got) {
      expect(m.group).toEqual({ groupId: group.id, sender: writer.id, gap: false });
      expect(m.remote).toBe(keeperAddress);
    }
  }, 60_000);
});

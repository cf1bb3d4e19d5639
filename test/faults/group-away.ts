/**
 * A member away and back (issue 15, "Tests"): four members with real SQLite stores on loopback;
 * one goes away (closed without a word, as a crash or a closed lid) while the others write 30
 * messages and rename the group, and one of those writers restarts meanwhile; the member comes
 * back on its store. It must have every message, once, in each writer's order, and the new name,
 * within 15 s of its start. `awayMs`: how long it stays away at least (the soak: a real 60 s); it
 * always stays until the others have marked it offline and their deliveries to it wait as
 * `pending` (what a long absence does), so with short timers the behaviour is the same.
 */
import { expect } from 'vitest';
import { storePersistence } from '../../electron/app/persistence-adapter';
import {
  createNode,
  defaultCryptoProvider,
  type KeyPair,
  type NodeOptions,
  type PacketChatNode,
} from '../../electron/net/index';
import { openStore } from '../../electron/store/open-store';
import type { Store } from '../../electron/store/store';
import type { ChatMessage, GroupChange, MessageStateChange } from '../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';
import { waitForEvent, waitUntil } from '../helpers/wait';
import { groupAgreed } from './group-mesh';

interface Member {
  node: PacketChatNode;
  store: Store;
  readonly dir: string;
  readonly identity: KeyPair;
  readonly signing: KeyPair;
  readonly nick: string;
}

/**
 * How long the others may take to notice the absence: with the protocol's timers a peer is
 * offline after 45 s, and a message's 7 transmissions end after about 25 s.
 */
const ABSENCE_SETTLES_MS = 90_000;

export interface AwayResult {
  readonly messages: number;
  readonly awayMs: number;
  /** From the returning member's start until it had every message. */
  readonly catchUpMs: number;
}

export async function awayAndBack(options: {
  readonly timers: NodeOptions;
  readonly awayMs: number;
  readonly tempDir: () => string;
}): Promise<AwayResult> {
  const provider = defaultCryptoProvider().provider;
  const running: Member[] = [];
  const stop = async (m: Member): Promise<void> => {
    await m.node.close();
    m.store.close();
  };
  const launch = (m: Omit<Member, 'node' | 'store'>, ports: NodeOptions): Member => {
    const { store } = openStore(m.dir);
    const node = createNode({
      ...ports,
      ...options.timers,
      nick: m.nick,
      broadcast: [LOOPBACK_BROADCAST],
      identity: m.identity,
      signing: m.signing,
      persistence: storePersistence(store),
    });
    const member = { ...m, node, store };
    running.push(member);
    return member;
  };
  const tempDir = options.tempDir;
  try {
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
    await ann.node.sendText(conversation, 'before');
    await waitForEvent<ChatMessage>(dee.node, 'message', (m) => m.text === 'before');

    // dee goes away (closed, as a crash or a laptop lid would), and stays away.
    running.splice(running.indexOf(dee), 1);
    await stop(dee);
    const left = Date.now();
    const pending = [ann, ben, cai].map((m) =>
      waitForEvent<MessageStateChange>(
        m.node,
        'message-state',
        (s) => s.peerId === conversation && s.state === 'pending',
        ABSENCE_SETTLES_MS,
      ),
    );
    const sent: string[] = [];
    const benSent = new Set<string>();
    for (let k = 0; k < 30; k += 1) {
      const writer = [ann, ben, cai][k % 3]!;
      const message = await writer.node.sendText(conversation, `while away ${String(k)}`);
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
      ABSENCE_SETTLES_MS,
      'dee to be offline for everyone',
    );
    await Promise.all(pending);
    const rest = options.awayMs - (Date.now() - left);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    const awayMs = Date.now() - left;
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
    const catchUpMs = Date.now() - returned;
    await renamed;
    await waitUntil(() => benDelivered.size === benSent.size, 15_000, 'ben’s outbox to deliver');
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
    return { messages: sent.length, awayMs, catchUpMs };
  } finally {
    await Promise.all(running.splice(0).map((m) => stop(m)));
  }
}

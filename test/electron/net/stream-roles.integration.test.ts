/**
 * One peer's reliable stream carries three kinds of message (docs/PROTOCOL.md): chat text, group
 * items (`group`) and control messages (`control`). Sent back to back to the same peer, each
 * arrives as what it is, once, and each one's delivery states go where they belong: texts to
 * `message-state`, group items to the group's tally, control messages to `control-state`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNode,
  createNodeFileEngine,
  MemoryTransferStore,
  type NodeFileEngine,
  type PacketChatNode,
} from '../../../electron/net/index';
import type { ChatMessage, GroupChange, MessageStateChange } from '../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitForEvent, waitUntil } from '../../helpers/wait';
import { writeFile } from './files/helpers/trees';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

interface Side {
  readonly node: PacketChatNode;
  readonly files: NodeFileEngine;
  readonly states: MessageStateChange[];
  readonly controls: { change: MessageStateChange; control: string }[];
  readonly messages: ChatMessage[];
}

async function side(
  nick: string,
  ports: { serverPort: number; clientPort: number },
): Promise<Side> {
  const node = createNode({ ...ports, nick, broadcast: [LOOPBACK_BROADCAST] });
  const files = createNodeFileEngine(node, { store: new MemoryTransferStore() });
  cleanups.push(async () => {
    await files.close();
    await node.close();
  });
  const s: Side = { node, files, states: [], controls: [], messages: [] };
  node.on('message-state', (change) => s.states.push(change));
  node.on('control-state', (event) => s.controls.push(event));
  node.on('message', (message) => s.messages.push(message));
  await node.start();
  files.engine.start();
  return s;
}

describe('texts, group items and control messages in one stream', () => {
  it('each arrives as itself, once, and its states go to its own listener', async () => {
    const ports = testPorts();
    const alice = await side('alice', ports);
    const bob = await side('bob', ports);
    await waitUntil(
      () =>
        alice.node.peerList().some((p) => p.id === bob.node.id && p.signingKey !== undefined) &&
        bob.node.peerList().some((p) => p.id === alice.node.id && p.signingKey !== undefined),
      10_000,
      'both nodes to know each other with signing keys',
    );
    const src = join(tempDir(), 'note.txt');
    writeFile(src, 'hello');

    const joined = waitForEvent<GroupChange>(bob.node, 'group', (g) => g.change === 'joined');
    const group = alice.node.createGroup('pair', [bob.node.id]);
    const conversation = `group:${group.id}`;
    // Back to back, in alice's stream to bob: a text, a group message, a file offer, a text.
    const first = await alice.node.sendText(bob.node.id, 'before');
    const post = await alice.node.sendText(conversation, 'in the group');
    const offered = await alice.files.engine.sendFiles(bob.node.id, [src]);
    if (!offered.ok) throw new Error(offered.message);
    const last = await alice.node.sendText(bob.node.id, 'after');
    await joined;

    await waitUntil(
      () =>
        bob.messages.some((m) => m.text === 'after') &&
        bob.messages.some((m) => m.text === 'in the group') &&
        bob.messages.some((m) => m.file !== undefined),
      20_000,
      'bob to have every message',
    );
    const shown = bob.messages.map((m) => [m.peerId, m.text]);
    expect(shown).toEqual(
      expect.arrayContaining([
        [alice.node.id, 'before'],
        [conversation, 'in the group'],
        [alice.node.id, 'note.txt'],
        [alice.node.id, 'after'],
      ]),
    );
    expect(shown).toHaveLength(4);
    const card = bob.messages.find((m) => m.file !== undefined);
    expect(card?.file).toMatchObject({ transferId: offered.transfer.id, names: ['note.txt'] });
    // Stream order for the one-to-one conversation: the card sits between the two texts.
    expect(bob.messages.filter((m) => m.peerId === alice.node.id).map((m) => m.text)).toEqual([
      'before',
      'note.txt',
      'after',
    ]);
    expect(bob.files.engine.get(offered.transfer.id)?.state).toBe('offered');

    await waitUntil(
      () =>
        [first.id, last.id].every((id) =>
          alice.states.some((s) => s.id === id && s.state === 'delivered'),
        ) &&
        alice.states.some(
          (s) => s.id === post.id && s.state === 'delivered' && s.recipients !== undefined,
        ) &&
        alice.controls.some((c) => c.change.state === 'delivered'),
      20_000,
      'alice to learn every delivery',
    );
    // The control message's states never reach the conversation, nor the group's.
    const controlIds = new Set(alice.controls.map((c) => c.change.id));
    expect(controlIds.size).toBe(1);
    expect(alice.controls.every((c) => c.control === 'file')).toBe(true);
    expect(alice.states.some((s) => controlIds.has(s.id))).toBe(false);
    // The group message's state is the group's tally, under its own id, never a delivery's.
    const postStates = alice.states.filter((s) => s.peerId === conversation);
    expect(postStates.every((s) => s.id === post.id)).toBe(true);
    expect(postStates.at(-1)?.recipients).toEqual({
      delivered: 1,
      total: 1,
      waiting: [],
      failed: [],
    });
    const known = new Set([first.id, last.id, post.id]);
    expect(alice.states.every((s) => known.has(s.id))).toBe(true);
  }, 60_000);
});

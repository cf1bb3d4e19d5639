import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type NodeOptions, type PacketChatNode } from '../../../../electron/net/index';
import type { ChatMessage, GroupChange, MessageStateChange } from '../../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const open: PacketChatNode[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close()));
});

async function startNodes(count: number, options: NodeOptions = {}): Promise<PacketChatNode[]> {
  const ports = testPorts();
  const nodes = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const node = createNode({
        broadcast: [LOOPBACK_BROADCAST],
        ...ports,
        nick: `n${i}`,
        announceIntervalMs: 1_000,
        ...options,
      });
      open.push(node);
      await node.start();
      return node;
    }),
  );
  await waitUntil(
    () =>
      nodes.every((n) =>
        nodes.every(
          (m) =>
            m === n ||
            n.peerList().some((p) => p.id === m.id && p.online && p.signingKey !== undefined),
        ),
      ),
    10_000,
    'every node to know every other with its signing key',
  );
  return nodes;
}

describe('groups on loopback', () => {
  it('three nodes: create, chat, add, remove, leave', async () => {
    const [a, b, c, d] = (await startNodes(4)) as [
      PacketChatNode,
      PacketChatNode,
      PacketChatNode,
      PacketChatNode,
    ];
    const joinedB = waitForEvent<GroupChange>(b, 'group', (g) => g.change === 'joined');
    const joinedC = waitForEvent<GroupChange>(c, 'group', (g) => g.change === 'joined');
    const group = a.createGroup('team 团队', [b.id, c.id]);
    expect(group).toMatchObject({ name: 'team 团队', creator: a.id, version: 1, admins: [a.id] });
    expect((await joinedB).group.members.map((m) => m.id).sort()).toEqual(
      [a.id, b.id, c.id].sort(),
    );
    await joinedC;

    const atB = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === 'hello group');
    const atC = waitForEvent<ChatMessage>(c, 'message', (m) => m.text === 'hello group');
    const all = waitForEvent<MessageStateChange>(
      a,
      'message-state',
      (s) => s.peerId === `group:${group.id}` && s.state === 'delivered',
    );
    const sent = await a.sendText(`group:${group.id}`, 'hello group');
    expect(sent).toMatchObject({ peerId: `group:${group.id}`, direction: 'out' });
    const [mb] = await Promise.all([atB, atC]);
    expect(mb).toMatchObject({
      peerId: `group:${group.id}`,
      group: { groupId: group.id, sender: a.id, gap: false },
    });
    expect((await all).recipients).toEqual({ delivered: 2, total: 2, waiting: [], failed: [] });

    // b answers; its message depends on a's.
    const reply = waitForEvent<ChatMessage>(a, 'message', (m) => m.text === 'hi a');
    await b.sendText(`group:${group.id}`, 'hi a');
    expect((await reply).group?.sender).toBe(b.id);

    // a adds d: d gets the whole chain, everyone the new version.
    const joinedD = waitForEvent<GroupChange>(d, 'group', (g) => g.change === 'joined');
    const seenAtC = waitForEvent<GroupChange>(c, 'group', (g) => g.group.version === 2);
    a.changeGroup(group.id, { op: 'add', member: d.id });
    expect((await joinedD).group.version).toBe(2);
    await seenAtC;

    // a removes c: c learns it, and gets nothing sent afterwards.
    const removed = waitForEvent<GroupChange>(c, 'group', (g) => g.change === 'removed');
    a.changeGroup(group.id, { op: 'remove', member: c.id });
    await removed;
    const cGot: string[] = [];
    c.on('message', (m) => cGot.push(m.text));
    const atD = waitForEvent<ChatMessage>(d, 'message', (m) => m.text === 'after');
    await b.sendText(`group:${group.id}`, 'after');
    await atD;
    expect(cGot).toEqual([]);

    // d leaves.
    const left = waitForEvent<GroupChange>(a, 'group', (g) => g.op === 'leave');
    d.changeGroup(group.id, { op: 'leave' });
    expect((await left).group.members.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(d.group(group.id)?.status).toBe('left');

    // A non-admin may not change the group.
    expect(() => b.changeGroup(group.id, { op: 'rename', name: 'mine' })).toThrow(/admin/);
  });

  it('mentions reach every member; a mention of a non-member is dropped', async () => {
    const [a, b, c, outsider] = (await startNodes(4)) as [
      PacketChatNode,
      PacketChatNode,
      PacketChatNode,
      PacketChatNode,
    ];
    const joined = [b, c].map((n) =>
      waitForEvent<GroupChange>(n, 'group', (g) => g.change === 'joined'),
    );
    const group = a.createGroup('mentions', [b.id, c.id]);
    await Promise.all(joined);
    const atB = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === '@n1 look');
    const atC = waitForEvent<ChatMessage>(c, 'message', (m) => m.text === '@n1 look');
    const sent = await a.sendText(`group:${group.id}`, '@n1 look', undefined, [
      b.id,
      outsider.id,
      b.id,
    ]);
    expect(sent.group?.mentions).toEqual([b.id]);
    for (const got of await Promise.all([atB, atC]))
      expect(got.group).toEqual({ groupId: group.id, sender: a.id, gap: false, mentions: [b.id] });
    // Without mentions the field is absent.
    const plain = waitForEvent<ChatMessage>(b, 'message', (m) => m.text === 'no one');
    await c.sendText(`group:${group.id}`, 'no one');
    expect((await plain).group?.mentions).toBeUndefined();
  });
});

// The --json contract for groups and multi-send (README, "The --json contract").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { loopbackArgs, testPorts } from '../../helpers/ports';

const nodes: CliNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function cli(ports: { serverPort: number; clientPort: number }, nick: string) {
  const dir = await mkdtemp(join(tmpdir(), 'pc-cli-groups-'));
  dirs.push(dir);
  const node = startCliNode({ args: [...loopbackArgs(ports), '--data-dir', dir, '--nick', nick] });
  nodes.push(node);
  return { node, ready: await node.ready() };
}

describe('packet-chat --json: groups', () => {
  it('creates a group, chats in it, changes it, and multi-sends', async () => {
    const ports = testPorts();
    const [a, b, c] = await Promise.all(['ann', 'ben', 'cai'].map((nick) => cli(ports, nick)));
    if (a === undefined || b === undefined || c === undefined) throw new Error('three nodes');
    for (const x of [a, b, c])
      for (const y of [a, b, c])
        if (x !== y)
          await x.node.waitForType('peer', (e) => e.peer.id === y.ready.nodeId && e.peer.online);

    // group-create is answered by the `group` event; members get one too.
    a.node.send({ cmd: 'group-create', name: 'team', members: [b.ready.nodeId, c.ready.nodeId] });
    const created = await a.node.waitForType('group', (e) => e.change === 'created');
    expect(created.group).toMatchObject({
      name: 'team',
      creator: a.ready.nodeId,
      admins: [a.ready.nodeId],
      version: 1,
      status: 'member',
    });
    expect([...created.group.members].sort()).toEqual(
      [a.ready.nodeId, b.ready.nodeId, c.ready.nodeId].sort(),
    );
    const id = created.group.id;
    const joined = await b.node.waitForType('group', (e) => e.group.id === id);
    expect(joined).toMatchObject({ change: 'joined', op: 'create', by: a.ready.nodeId });
    await c.node.waitForType('group', (e) => e.group.id === id);

    // send to group:ID: `sent`, then `status` with the members' tally; members get `message`.
    a.node.send({ cmd: 'send', to: `group:${id}`, text: 'hi all 👋' });
    const sent = await a.node.waitForType('sent');
    expect(sent.to).toBe(`group:${id}`);
    const message = await b.node.waitForType('message', (e) => e.message.text === 'hi all 👋');
    expect(message.message).toMatchObject({
      id: sent.id,
      from: a.ready.nodeId,
      group: id,
      gap: false,
      mentions: [],
      nick: 'ann',
    });
    const done = await a.node.waitForType(
      'status',
      (e) => e.id === sent.id && e.status === 'delivered',
    );
    expect(done.recipients).toEqual({ delivered: 2, total: 2, waiting: [], failed: [] });
    a.node.send({ cmd: 'group-deliveries', id: sent.id });
    expect((await a.node.waitForType('group-deliveries')).deliveries).toHaveLength(2);
    b.node.send({ cmd: 'history', with: `group:${id}`, limit: 10 });
    expect((await b.node.waitForType('history')).messages).toEqual([
      expect.objectContaining({
        id: sent.id,
        text: 'hi all 👋',
        group: { groupId: id, sender: a.ready.nodeId, gap: false },
      }),
    ]);

    // `mentions`: the members a group message @mentions; a non-member's id is dropped.
    b.node.send({
      cmd: 'send',
      to: `group:${id}`,
      text: '@ann look',
      mentions: [a.ready.nodeId, 'f'.repeat(32)],
    });
    const mention = await a.node.waitForType('message', (e) => e.message.text === '@ann look');
    expect(mention.message.mentions).toEqual([a.ready.nodeId]);

    // Changes: a non-admin may not; the admin removes, then adds back; a member leaves.
    b.node.send({ cmd: 'group-remove', group: id, member: c.ready.nodeId });
    expect(await b.node.waitForType('error')).toMatchObject({ code: 'not-allowed' });
    a.node.send({ cmd: 'group-remove', group: `group:${id}`, member: c.ready.nodeId });
    expect(
      (await a.node.waitForType('group', (e) => e.op === 'remove')).group.members,
    ).not.toContain(c.ready.nodeId);
    await c.node.waitForType('group', (e) => e.change === 'removed');
    a.node.send({ cmd: 'group-add', group: id, member: c.ready.nodeId });
    await c.node.waitForType('group', (e) => e.change === 'joined' && e.group.version === 3);
    b.node.send({ cmd: 'group-leave', group: id });
    const left = await b.node.waitForType('group', (e) => e.change === 'left');
    expect(left.group.status).toBe('left');
    await a.node.waitForType('group', (e) => e.op === 'leave' && e.by === b.ready.nodeId);
    a.node.send({ cmd: 'groups' });
    expect((await a.node.waitForType('groups')).groups).toEqual([
      expect.objectContaining({ id, version: 4, status: 'member' }),
    ]);
    a.node.send({ cmd: 'group-add', group: 'f'.repeat(32), member: b.ready.nodeId });
    expect(await a.node.waitForType('error', (e) => e.code === 'not-found')).toBeDefined();

    // Multi-send: separate one-to-one messages, one tally.
    const nobody = '9'.repeat(32);
    a.node.send({
      cmd: 'send-many',
      to: [b.ready.nodeId, c.ready.nodeId, nobody],
      text: 'to you both',
    });
    const many = await a.node.waitForType('sent-many');
    expect(many).toMatchObject({
      delivered: 0,
      total: 2,
      failed: [{ to: nobody, code: 'unknown-peer' }],
    });
    expect(many.messages.map((m) => m.to)).toEqual([b.ready.nodeId, c.ready.nodeId]);
    const tally = await a.node.waitForType(
      'batch',
      (e) => e.batch === many.batch && e.delivered === 2,
    );
    expect(tally).toMatchObject({ total: 2, waiting: [], failed: [] });
    const atB = await b.node.waitForType('message', (e) => e.message.text === 'to you both');
    expect(atB.message.from).toBe(a.ready.nodeId);
    expect(atB.message.group).toBeUndefined();
  }, 60_000);
});

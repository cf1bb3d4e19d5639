/**
 * Forged group items (issue 15, "Tests"): messages and membership changes made up by a node that
 * is no member, or by a member that is no admin, or altered on the way, are refused: none of them
 * is shown or changes the group. Every forgery comes over a real authenticated session (the
 * sessions are not what is attacked here: the group's own signatures are).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNode,
  defaultCryptoProvider,
  type KeyPair,
  type PacketChatNode,
} from '../../../../electron/net/index';
import { GroupCrypto } from '../../../../electron/net/groups/group-crypto';
import { makeSnapshot, type Snapshot } from '../../../../electron/net/groups/group-rules';
import type { CarriedItem } from '../../../../electron/net/groups/group-runtime';
import type { ChatMessage, GroupChange } from '../../../../shared/domain';
import type { GroupPostRef } from '../../../../shared/protocol/groups';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const provider = defaultCryptoProvider().provider;
const open: PacketChatNode[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close()));
});

/** The reliable road of a node, as an attacker that runs its own code would use it. */
function roadOf(node: PacketChatNode): (to: string, item: CarriedItem) => void {
  const outgoing = (
    node as unknown as {
      outgoing: { sendCarried(to: string, item: CarriedItem, relay: boolean): unknown };
    }
  ).outgoing;
  return (to, item) => void outgoing.sendCarried(to, item, true);
}

function post(
  crypto: GroupCrypto,
  fields: Omit<GroupPostRef, 'sig' | 'type'>,
  text: string,
): CarriedItem {
  const ts = Date.now();
  return {
    groupId: fields.id,
    kind: 'post',
    item: fields.mid,
    ref: { type: 'post', ...fields, sig: crypto.signPost(fields, ts, text) },
    text,
    ts,
  };
}

describe('forged group items', () => {
  it('from a non-member or a non-admin, or altered on the way: 0 accepted', async () => {
    const ports = testPorts();
    const keys = ['ann', 'ben', 'cai', 'xan'].map(() => provider.generateSigningKeyPair());
    const [ann, ben, cai, xan] = await Promise.all(
      ['ann', 'ben', 'cai', 'xan'].map(async (nick, i) => {
        const node = createNode({
          ...ports,
          nick,
          broadcast: [LOOPBACK_BROADCAST],
          signing: keys[i] as KeyPair,
        });
        open.push(node);
        await node.start();
        return node;
      }),
    );
    if (ann === undefined || ben === undefined || cai === undefined || xan === undefined)
      throw new Error('four nodes');
    const nodes = [ann, ben, cai, xan];
    await waitUntil(
      () => nodes.every((n) => n.peerList().filter((p) => p.online && p.signingKey).length === 3),
      10_000,
      'four nodes to meet',
    );
    const joined = [ben, cai].map((n) =>
      waitForEvent<GroupChange>(n, 'group', (g) => g.change === 'joined'),
    );
    const group = ann.createGroup('real', [ben.id, cai.id]);
    await Promise.all(joined);
    const conversation = `group:${group.id}`;
    const legit = [ben, cai].map((n) =>
      waitForEvent<ChatMessage>(n, 'message', (m) => m.text === 'legit'),
    );
    await ann.sendText(conversation, 'legit');
    await Promise.all(legit);

    const shown: ChatMessage[] = [];
    const changes: GroupChange[] = [];
    for (const n of [ann, ben, cai]) {
      n.on('message', (m) => {
        if (m.peerId === conversation) shown.push(m);
      });
      n.on('group', (g) => changes.push(g));
    }
    const xanCrypto = new GroupCrypto(provider, keys[3] as KeyPair);
    const benCrypto = new GroupCrypto(provider, keys[1] as KeyPair);
    const base = { id: group.id, seq: 1, v: 1, pv: 0, deps: [] };
    const winner = (n: PacketChatNode) => n.group(group.id)!;
    // The real current snapshot (every member has it; an attacker that once was one may too):
    // forged changes name it as their parent, so only the rules can refuse them.
    const parent = (
      ben as unknown as {
        groups: { runtimes: Map<string, { chain: { winner: Snapshot } }> };
      }
    ).groups.runtimes.get(group.id)!.chain.winner;
    const state = (crypto: GroupCrypto, fields: Record<string, unknown>): CarriedItem => {
      const snapshot = makeSnapshot(
        {
          ...parent.body,
          version: 2,
          prev: parent.hash,
          by: ann.id,
          ts: Date.now(),
          change: { op: 'rename' },
          ...fields,
        },
        crypto,
      );
      return {
        groupId: group.id,
        kind: 'state',
        item: snapshot.hash,
        ref: { type: 'state', id: group.id, sig: snapshot.sig },
        text: snapshot.text,
        ts: Date.now(),
      };
    };
    const forgeries: [string, PacketChatNode, CarriedItem][] = [
      ['a non-member writes', xan, post(xanCrypto, { ...base, mid: 'forged1', by: xan.id }, 'x1')],
      [
        'a non-member writes as the creator',
        xan,
        post(xanCrypto, { ...base, mid: 'forged2', by: ann.id }, 'x2'),
      ],
      [
        'a member writes as another member',
        ben,
        post(benCrypto, { ...base, mid: 'forged3', by: cai.id }, 'x3'),
      ],
      [
        'a non-admin member renames (its own signature)',
        ben,
        state(benCrypto, { by: ben.id, name: 'mine' }),
      ],
      [
        'a non-admin member removes another',
        ben,
        state(benCrypto, {
          by: ben.id,
          change: { op: 'remove', member: cai.id },
          members: parent.body.members.filter(([id]) => id !== cai.id),
        }),
      ],
      [
        'a non-admin member makes itself an admin',
        ben,
        state(benCrypto, {
          by: ben.id,
          change: { op: 'admin', member: ben.id },
          admins: [ann.id, ben.id].sort(),
        }),
      ],
      [
        'a non-member adds itself, as the creator',
        xan,
        state(xanCrypto, {
          change: { op: 'add', member: xan.id },
          members: [...parent.body.members, [xan.id, xanCrypto.publicKey]].sort(),
        }),
      ],
      [
        'a non-member makes its own version 1 of the group',
        xan,
        state(xanCrypto, {
          version: 1,
          prev: null,
          by: xan.id,
          creator: xan.id,
          change: { op: 'create' },
          admins: [xan.id],
          members: [[xan.id, xanCrypto.publicKey], ...parent.body.members].sort(),
        }),
      ],
    ];
    // A member relays a message the creator really signed (its seq 2), with another text.
    const annCrypto = new GroupCrypto(provider, keys[0] as KeyPair);
    const genuine = post(
      annCrypto,
      { ...base, mid: 'genuine2', by: ann.id, seq: 2, pv: 1 },
      'control',
    );
    forgeries.push(['a member alters a relayed message', ben, { ...genuine, text: 'altered' }]);
    for (const [, from, item] of forgeries)
      for (const to of [ann, cai]) if (to !== from) roadOf(from)(to.id, item);
    // The marker: a one-to-one text after the forgeries, on the same ordered streams. When it
    // is shown, every forgery before it has arrived and been judged.
    const markers = [xan, ben].flatMap((from) =>
      [ann, cai].map((to) =>
        waitForEvent<ChatMessage>(
          to,
          'message',
          (m) => m.text === `after ${from.info().nick}` && m.peerId === from.id,
        ),
      ),
    );
    for (const from of [xan, ben])
      for (const to of [ann, cai]) await from.sendText(to.id, `after ${from.info().nick}`);
    await Promise.all(markers);
    // A non-member asks for the group's messages: nothing is sent to it.
    const sentToXan: string[] = [];
    ann.on('packet', (p) => {
      if (p.direction === 'out' && p.peerId === xan.id && p.fields?.['group'] !== undefined)
        sentToXan.push(p.kind);
    });
    const annAtXan = xan.peerList().find((p) => p.id === ann.id);
    (xan as unknown as { link: { send(id: string, to: unknown, p: unknown): boolean } }).link.send(
      ann.id,
      annAtXan,
      { kind: 'group-want', from: xan.id, group: group.id, ranges: [[ann.id, 1, 10]] },
    );
    const probe = waitForEvent<ChatMessage>(ann, 'message', (m) => m.text === 'probe');
    await xan.sendText(ann.id, 'probe');
    await probe;

    expect(shown.map((m) => m.text)).toEqual([]);
    // The control: the same relay, unaltered, is accepted (so the refusals above were the checks).
    const control = waitForEvent<ChatMessage>(cai, 'message', (m) => m.text === 'control');
    roadOf(ben)(cai.id, genuine);
    expect((await control).group).toEqual({ groupId: group.id, sender: ann.id, gap: false });
    expect(changes).toEqual([]);
    for (const n of [ann, ben, cai]) expect(winner(n)).toMatchObject({ version: 1, name: 'real' });
    expect(xan.groupList()).toEqual([]);
    expect(sentToXan).toEqual([]);
  }, 30_000);
});

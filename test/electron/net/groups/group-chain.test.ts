import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNodeCryptoProvider } from '../../../../electron/net/crypto/node-crypto';
import { GroupChain } from '../../../../electron/net/groups/group-chain';
import { GroupCrypto } from '../../../../electron/net/groups/group-crypto';
import {
  beats,
  checkChild,
  childOf,
  genesis,
  makeSnapshot,
  parseSnapshot,
  type ChangeRequest,
  type Snapshot,
} from '../../../../electron/net/groups/group-rules';

const provider = createNodeCryptoProvider();

/** A member: its node id (made up, ordered by the digit) and its own signing key. */
function member(digit: string): { id: string; crypto: GroupCrypto } {
  return {
    id: digit.repeat(32),
    crypto: new GroupCrypto(provider, provider.generateSigningKeyPair()),
  };
}

const alice = member('a');
const bob = member('b');
const carol = member('c');
const dave = member('d');
const erin = member('e');

function start(): Snapshot {
  return genesis(alice.crypto, {
    name: 'team',
    creator: alice.id,
    members: [alice, bob, carol, dave].map((m) => [m.id, m.crypto.publicKey] as [string, string]),
    ts: 1,
  });
}

function change(
  parent: Snapshot,
  by: { id: string; crypto: GroupCrypto },
  request: ChangeRequest,
): Snapshot {
  const child = childOf(parent, request, by.id, 2, by.crypto);
  if (typeof child === 'string') throw new Error(child);
  return child;
}

describe('membership snapshots', () => {
  it('version 1 is valid when the creator made it under its own key and salt', () => {
    const first = start();
    expect(GroupChain.start(first, alice.crypto)?.winner.hash).toBe(first.hash);
    // Someone else signing "version 1" of the same group id (claiming to be the creator).
    const claimed = makeSnapshot({ ...first.body }, bob.crypto);
    expect(GroupChain.start(claimed, bob.crypto)).toBeUndefined();
    // A real creator, but the group id is not derived from its key.
    const otherId = makeSnapshot({ ...first.body, group: 'f'.repeat(32) }, alice.crypto);
    expect(GroupChain.start(otherId, alice.crypto)).toBeUndefined();
  });

  it('lets admins change the group and members leave; refuses everything else', () => {
    const first = start();
    const chain = GroupChain.start(first, alice.crypto)!;
    const withErin = change(first, alice, {
      op: 'add',
      member: erin.id,
      memberKey: erin.crypto.publicKey,
    });
    expect(chain.add(withErin)).toEqual([withErin]);
    // Non-admins: childOf refuses to make it, and a hand-made one is refused by the checks.
    expect(childOf(withErin, { op: 'remove', member: dave.id }, bob.id, 3, bob.crypto)).toMatch(
      /admin/,
    );
    const forged = makeSnapshot(
      {
        ...withErin.body,
        version: 3,
        prev: withErin.hash,
        by: bob.id,
        change: { op: 'remove', member: dave.id },
        members: withErin.body.members.filter(([id]) => id !== dave.id),
      },
      bob.crypto,
    );
    expect(chain.check(forged)).toEqual({ status: 'invalid', reason: 'only an admin may remove' });
    // An admin's change under another key: a bad signature.
    const impostor = makeSnapshot(
      { ...forged.body, by: alice.id },
      bob.crypto, // signed by bob, claims alice
    );
    expect(chain.check(impostor)).toEqual({ status: 'invalid', reason: 'bad signature' });
    // A snapshot that says "rename" but also adds a member.
    const sneaky = makeSnapshot(
      {
        ...withErin.body,
        version: 3,
        prev: withErin.hash,
        name: 'ours',
        change: { op: 'rename' },
        members: [...withErin.body.members, ['f'.repeat(32), erin.crypto.publicKey]],
      },
      alice.crypto,
    );
    expect(chain.check(sneaky)).toMatchObject({ status: 'invalid' });
    // Edited after signing.
    const edited = { ...withErin, text: withErin.text.replace('team', 'tean') };
    expect(
      checkChild(first, parseSnapshot(edited.text, edited.sig, alice.crypto)!, alice.crypto),
    ).toBe('bad signature');
    // The creator cannot be removed, a leave names its maker, a non-member changes nothing.
    const bobAdmin = change(withErin, alice, { op: 'admin', member: bob.id });
    chain.add(bobAdmin);
    expect(childOf(bobAdmin, { op: 'remove', member: alice.id }, bob.id, 3, bob.crypto)).toMatch(
      /creator/,
    );
    const carolLeaves = change(bobAdmin, carol, { op: 'leave' });
    expect(chain.add(carolLeaves)).toHaveLength(1);
    expect(childOf(carolLeaves, { op: 'rename', name: 'x' }, carol.id, 3, carol.crypto)).toMatch(
      /members/,
    );
    expect(chain.winner.body.members.map(([id]) => id)).toEqual([
      alice.id,
      bob.id,
      dave.id,
      erin.id,
    ]);
  });

  it('keeps a snapshot whose parent has not arrived, and adds it when the parent does', () => {
    const first = start();
    const chain = GroupChain.start(first, alice.crypto)!;
    const v2 = change(first, alice, { op: 'rename', name: 'two' });
    const v3 = change(v2, alice, { op: 'rename', name: 'three' });
    expect(chain.add(v3)).toEqual([]);
    expect(chain.winner.hash).toBe(first.hash);
    expect(chain.add(v2).map((s) => s.body.version)).toEqual([2, 3]);
    expect(chain.winner.body.name).toBe('three');
    expect(chain.missingFor(v2.hash).map((s) => s.body.version)).toEqual([3]);
    expect(chain.missingFor('0'.repeat(32)).map((s) => s.body.version)).toEqual([1, 2, 3]);
  });

  it('converges: every order of concurrent changes gives every member the same winner', () => {
    // bob and carol are admins; at version 3 alice, bob and carol change the group at once, and
    // someone builds version 4 on a branch that loses version 3's tie.
    const first = start();
    const v2 = change(first, alice, { op: 'admin', member: bob.id });
    const v3 = change(v2, alice, { op: 'admin', member: carol.id });
    const byAlice = change(v3, alice, { op: 'remove', member: dave.id });
    const byBob = change(v3, bob, { op: 'rename', name: 'bob’s' });
    const byCarol = change(v3, carol, {
      op: 'add',
      member: erin.id,
      memberKey: erin.crypto.publicKey,
    });
    const onAlice = change(byAlice, bob, { op: 'rename', name: 'later' });
    const all = [v2, v3, byAlice, byBob, byCarol, onAlice];
    // The rule: highest version, then the changer's node id.
    expect(beats(byCarol, byBob) && beats(byBob, byAlice)).toBe(true);
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length }), (order) => {
        const chain = GroupChain.start(first, alice.crypto)!;
        for (const s of order) chain.add(s);
        expect(chain.winner.hash).toBe(onAlice.hash);
      }),
      { numRuns: 200 },
    );
    // Without version 4 the tie at version 3 goes to the highest node id: carol's.
    fc.assert(
      fc.property(fc.shuffledSubarray(all.slice(0, 5), { minLength: 5 }), (order) => {
        const chain = GroupChain.start(first, alice.crypto)!;
        for (const s of order) chain.add(s);
        expect(chain.winner.hash).toBe(byCarol.hash);
      }),
      { numRuns: 200 },
    );
  });

  it('says since when a member has been in without a break', () => {
    const first = start();
    const chain = GroupChain.start(first, alice.crypto)!;
    const v2 = change(first, alice, { op: 'remove', member: dave.id });
    const v3 = change(v2, alice, { op: 'add', member: erin.id, memberKey: erin.crypto.publicKey });
    const v4 = change(v3, alice, { op: 'add', member: dave.id, memberKey: dave.crypto.publicKey });
    for (const s of [v2, v3, v4]) chain.add(s);
    expect(chain.joinedAt(alice.id)).toBe(1);
    expect(chain.joinedAt(erin.id)).toBe(3);
    expect(chain.joinedAt(dave.id)).toBe(4);
    expect(chain.joinedAt('9'.repeat(32))).toBeUndefined();
    expect(chain.at(2)?.hash).toBe(v2.hash);
  });
});

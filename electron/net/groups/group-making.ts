import {
  groupNameText,
  MAX_CAUSAL_DEPS,
  MAX_GROUP_MEMBERS,
  MAX_MENTIONS,
  memberMentions,
  type GroupPostRef,
} from '../../../shared/protocol/groups';
import { randomToken } from '../ids';
import { NodeError } from '../types';
import type { StoredPost } from './group-archive';
import type { GroupCrypto } from './group-crypto';
import { dependencies } from './group-repair';
import { childOf, genesis, type ChangeRequest, type Snapshot } from './group-rules';
import type { GroupRuntime } from './group-runtime';

/**
 * What this node makes: a new group's version 1, a change, a message (signed, not yet stored or
 * sent). Refusals are NodeErrors with the code the caller reports.
 */
function cleanName(name: string): string {
  const cleaned = groupNameText.safeParse(name);
  if (!cleaned.success) throw new NodeError('empty', 'a group needs a name (1-64 characters)');
  return cleaned.data;
}

export function makeGroup(
  crypto: GroupCrypto,
  self: string,
  name: string,
  others: readonly (readonly [string, string])[],
  now: number,
): Snapshot {
  if (others.length + 1 > MAX_GROUP_MEMBERS)
    throw new NodeError('too-long', `a group has at most ${MAX_GROUP_MEMBERS} members`);
  return genesis(crypto, {
    name: cleanName(name),
    creator: self,
    members: [
      [self, crypto.publicKey],
      ...others.map(([id, key]) => [id, key] as [string, string]),
    ],
    ts: now,
  });
}

export function makeChange(
  crypto: GroupCrypto,
  self: string,
  parent: Snapshot,
  request: ChangeRequest,
  now: number,
): Snapshot {
  const name = request.op === 'rename' ? cleanName(request.name ?? '') : undefined;
  const child = childOf(
    parent,
    { ...request, ...(name === undefined ? {} : { name }) },
    self,
    now,
    crypto,
  );
  if (typeof child === 'string') throw new NodeError('not-allowed', child);
  return child;
}

/** Our next message in `rt`: numbered, with its causal context, signed. */
export function makePost(
  crypto: GroupCrypto,
  self: string,
  rt: GroupRuntime,
  text: string,
  now: number,
  mentions: readonly string[] = [],
): StoredPost {
  // Members only, each once: a mention of anyone else is dropped here as receivers would.
  const members = new Set(rt.chain.winner.body.members.map(([id]) => id));
  const mentioned = memberMentions(mentions, (id) => members.has(id)).slice(0, MAX_MENTIONS);
  const fields: Omit<GroupPostRef, 'sig' | 'type'> = {
    id: rt.row.id,
    mid: randomToken(),
    by: self,
    seq: rt.row.nextSeq,
    v: rt.chain.winner.body.version,
    pv: rt.row.lastVersion,
    deps: dependencies(rt.order.context(MAX_CAUSAL_DEPS)),
    ...(mentioned.length === 0 ? {} : { mentions: mentioned }),
  };
  return {
    groupId: fields.id,
    mid: fields.mid,
    origin: self,
    seq: fields.seq,
    v: fields.v,
    pv: fields.pv,
    deps: fields.deps,
    ...(fields.mentions === undefined ? {} : { mentions: fields.mentions }),
    sig: crypto.signPost(fields, now, text),
    ts: now,
    text,
    direction: 'out',
    receivedAt: now,
    remote: '',
    transport: 'udp',
  };
}

/**
 * Who gets a change, and what: every member of the parent and of the child but us; a new member
 * the whole chain from version 1 (to check the change from the start), the others the change.
 */
export function changeRecipients(
  rt: GroupRuntime,
  parent: Snapshot,
  child: Snapshot,
  self: string,
): Map<string, readonly Snapshot[]> {
  const before = new Set(parent.body.members.map(([id]) => id));
  const out = new Map<string, readonly Snapshot[]>();
  for (const [id] of [...parent.body.members, ...child.body.members]) {
    if (id === self || out.has(id)) continue;
    out.set(id, before.has(id) ? [child] : rt.chain.path(child.hash));
  }
  return out;
}

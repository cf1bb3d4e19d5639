import {
  groupSnapshotSchema,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_VERSIONS,
  type GroupChangeOp,
  type GroupSnapshotBody,
} from '../../../shared/protocol/groups';
import type { GroupCrypto } from './group-crypto';

/**
 * Membership snapshots (docs/PROTOCOL.md, "Membership"): how one is made from its parent, and
 * the checks every member applies to one it receives. A snapshot is valid when its parent is
 * valid, it is exactly one change of the parent that its signer may make, and the signature is
 * the signer's key as the parent lists it. Version 1 is valid when its creator signed it and the
 * group id is derived from the creator's key and the salt. Every member who has the same
 * snapshots thus finds the same ones valid, and the same winner (`beats`).
 */
export interface Snapshot {
  readonly body: GroupSnapshotBody;
  /** The exact JSON text that was signed and travels as the item's text. */
  readonly text: string;
  readonly sig: string;
  readonly hash: string;
}

export interface ChangeRequest {
  readonly op: Exclude<GroupChangeOp, 'create'>;
  readonly member?: string;
  /** For `add`: the new member's signing key (the adding admin's pin of it). */
  readonly memberKey?: string;
  /** For `rename`. */
  readonly name?: string;
}

type Shape = Pick<GroupSnapshotBody, 'name' | 'admins' | 'members'>;

const byId = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

export function isMember(body: GroupSnapshotBody, id: string): boolean {
  return body.members.some(([member]) => member === id);
}

export function isAdmin(body: GroupSnapshotBody, id: string): boolean {
  return body.admins.includes(id) && isMember(body, id);
}

export function keyOf(body: GroupSnapshotBody, id: string): string | undefined {
  return body.members.find(([member]) => member === id)?.[1];
}

/** The winner of two snapshots: higher version, then the higher node id of the changer, then hash. */
export function beats(a: Snapshot, b: Snapshot): boolean {
  if (a.body.version !== b.body.version) return a.body.version > b.body.version;
  if (a.body.by !== b.body.by) return a.body.by > b.body.by;
  return a.hash > b.hash;
}

/** Parses a received snapshot text; undefined when it is not one (schema, order, duplicates). */
export function parseSnapshot(
  text: string,
  sig: string,
  crypto: GroupCrypto,
): Snapshot | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = groupSnapshotSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const body = parsed.data;
  const ids = body.members.map(([id]) => id);
  if (!strictlyIncreasing(ids) || !strictlyIncreasing(body.admins)) return undefined;
  if (!body.admins.every((id) => ids.includes(id))) return undefined;
  return { body, text, sig, hash: crypto.stateHash(text) };
}

export function makeSnapshot(body: GroupSnapshotBody, crypto: GroupCrypto): Snapshot {
  const text = JSON.stringify(body);
  return { body, text, sig: crypto.signState(text), hash: crypto.stateHash(text) };
}

/** Version 1 of a new group, made and signed by its creator (this node). */
export function genesis(
  crypto: GroupCrypto,
  fields: { name: string; creator: string; members: readonly [string, string][]; ts: number },
): Snapshot {
  const salt = crypto.randomHex(16);
  const members = [...fields.members].sort(byId);
  return makeSnapshot(
    {
      group: crypto.groupId(crypto.publicKey, salt),
      salt,
      name: fields.name,
      creator: fields.creator,
      version: 1,
      prev: null,
      by: fields.creator,
      ts: fields.ts,
      change: { op: 'create' },
      admins: [fields.creator],
      members,
    },
    crypto,
  );
}

/** The snapshot after one change by `by` (this node); a reason when `by` may not make it. */
export function childOf(
  parent: Snapshot,
  change: ChangeRequest,
  by: string,
  ts: number,
  crypto: GroupCrypto,
): Snapshot | string {
  const shape = applyChange(parent.body, change, by);
  if (typeof shape === 'string') return shape;
  if (parent.body.version >= MAX_GROUP_VERSIONS) return 'the group has too many versions';
  const member = change.op === 'leave' ? by : change.member;
  return makeSnapshot(
    {
      ...parent.body,
      ...shape,
      version: parent.body.version + 1,
      prev: parent.hash,
      by,
      ts,
      change: member === undefined ? { op: change.op } : { op: change.op, member },
    },
    crypto,
  );
}

/** Why `snapshot` is no valid version 1 (undefined when it is one). */
export function checkGenesis(snapshot: Snapshot, crypto: GroupCrypto): string | undefined {
  const { body } = snapshot;
  if (body.version !== 1 || body.prev !== null || body.change.op !== 'create')
    return 'not a first version';
  if (body.by !== body.creator) return 'version 1 not made by the creator';
  const key = keyOf(body, body.creator);
  if (key === undefined) return 'the creator is no member';
  if (body.admins.length !== 1 || body.admins[0] !== body.creator)
    return 'admins other than the creator';
  if (crypto.groupId(key, body.salt) !== body.group) return 'the group id is not the creator’s';
  return crypto.verifyState(snapshot.text, snapshot.sig, key) ? undefined : 'bad signature';
}

/** Why `child` is no valid change of `parent` (undefined when it is one). */
export function checkChild(
  parent: Snapshot,
  child: Snapshot,
  crypto: GroupCrypto,
): string | undefined {
  const p = parent.body;
  const c = child.body;
  if (c.group !== p.group || c.salt !== p.salt || c.creator !== p.creator) return 'another group';
  if (c.version !== p.version + 1 || c.prev !== parent.hash) return 'not a child of its parent';
  const key = keyOf(p, c.by);
  if (key === undefined) return 'made by a non-member';
  if (!crypto.verifyState(child.text, child.sig, key)) return 'bad signature';
  const { op, member } = c.change;
  if (op === 'create') return 'a second first version';
  if (op === 'leave' && member !== c.by) return 'a leave names another member';
  const memberKey = member === undefined ? undefined : keyOf(c, member);
  const expected = applyChange(
    p,
    {
      op,
      ...(member === undefined ? {} : { member }),
      ...(memberKey === undefined ? {} : { memberKey }),
      name: c.name,
    },
    c.by,
  );
  if (typeof expected === 'string') return expected;
  const same =
    expected.name === c.name &&
    JSON.stringify(expected.admins) === JSON.stringify(c.admins) &&
    JSON.stringify(expected.members) === JSON.stringify(c.members);
  return same ? undefined : `the snapshot is not the ${op} it says`;
}

/** Name, admins and members after `change` by `by`, or why `by` may not make it. */
function applyChange(p: GroupSnapshotBody, change: ChangeRequest, by: string): Shape | string {
  const { op, member } = change;
  if (!isMember(p, by)) return 'only members change a group';
  if (op === 'leave') {
    if (p.members.length === 1) return 'the last member cannot leave by a change';
    return without(p, by);
  }
  if (!isAdmin(p, by)) return `only an admin may ${op}`;
  switch (op) {
    case 'rename': {
      const name = change.name;
      if (name === undefined || name === p.name) return 'rename needs a new name';
      return { name, admins: p.admins, members: p.members };
    }
    case 'add': {
      if (member === undefined || change.memberKey === undefined) return 'add needs a member';
      if (isMember(p, member)) return 'already a member';
      if (p.members.length >= MAX_GROUP_MEMBERS) return 'the group is full';
      const members = [...p.members, [member, change.memberKey] as [string, string]].sort(byId);
      return { name: p.name, admins: p.admins, members };
    }
    case 'remove':
      if (member === undefined || !isMember(p, member)) return 'remove needs a member';
      if (member === by) return 'use leave to go';
      if (member === p.creator) return 'the creator cannot be removed';
      return without(p, member);
    case 'admin':
      if (member === undefined || !isMember(p, member)) return 'admin needs a member';
      if (p.admins.includes(member)) return 'already an admin';
      return { name: p.name, admins: [...p.admins, member].sort(), members: p.members };
  }
}

function without(p: GroupSnapshotBody, id: string): Shape {
  return {
    name: p.name,
    admins: p.admins.filter((a) => a !== id),
    members: p.members.filter(([m]) => m !== id),
  };
}

function strictlyIncreasing(values: readonly string[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] ?? ''));
}

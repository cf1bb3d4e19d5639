// Groups on the wire (docs/PROTOCOL.md, "Groups"): the `group` descriptor a reliable `text`
// packet carries when it holds a group item, the membership snapshot that such an item's text is,
// and the two repair packets. Plain ECMAScript: the byte strings that are signed are built here,
// the signatures themselves are made and checked in electron/net/groups/.
import { z } from 'zod';
import { messageId, nodeId, seq, timestamp, visibleLabel } from './fields';
import { GROUP_ID_PATTERN } from './group-ids';

// The conversation ids live in the zod-free group-ids.ts (the renderer's first screen uses them).
export {
  GROUP_CONVERSATION_PREFIX,
  GROUP_ID_HEX_LENGTH,
  groupConversationId,
  groupIdOf,
} from './group-ids';
/** Members of one group, the creator included. Every message costs one datagram per member. */
export const MAX_GROUP_MEMBERS = 128;
export const MAX_GROUP_NAME_LENGTH = 64;
/** Causal context of a group message: the newest message seen from up to this many members. */
export const MAX_CAUSAL_DEPS = 8;
/** Members one group message can @mention. */
export const MAX_MENTIONS = 16;
/** Per-sender high-water marks in one `group-sync` packet (more go in further packets). */
export const MAX_SYNC_HEADS = 20;
/** Ranges asked for in one `group-want` packet. */
export const MAX_WANT_RANGES = 16;
/** Membership versions of one group (a group that changed this often is made anew). */
export const MAX_GROUP_VERSIONS = 10_000;

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${String(length)}}$`));
export const groupIdSchema = z.string().regex(GROUP_ID_PATTERN);
/** A membership snapshot's hash (the first 16 bytes of SHA-256 of what is signed). */
const stateHash = hex(32);
/** An Ed25519 public key. */
export const signingKeyText = hex(64);
/** An Ed25519 signature: 64 bytes in unpadded base64url. */
const signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/);
const version = z.number().int().min(1).max(MAX_GROUP_VERSIONS);

/** `[origin, seq, version]`: a message the sender had seen (causal context). */
const dependency = z.tuple([nodeId, seq, version]);

/** On a `text` packet whose text is a group message, signed by its original sender `by`. */
export const groupPostRefSchema = z.object({
  type: z.literal('post'),
  id: groupIdSchema,
  /** The message's id, the same on every member. */
  mid: messageId,
  /** Who wrote it (the packet's `from` is whoever relays it). */
  by: nodeId,
  /** The writer's sequence number in this group, from 1. */
  seq,
  /** The membership version the writer had when it sent this message. */
  v: version,
  /** The membership version of the writer's previous message (0 for its first). */
  pv: z.number().int().min(0).max(MAX_GROUP_VERSIONS),
  deps: z.array(dependency).max(MAX_CAUSAL_DEPS),
  /**
   * The members the text @mentions (optional, signed with the rest). Receivers ignore ids that
   * are no member of the group at version `v`.
   */
  mentions: z.array(nodeId).min(1).max(MAX_MENTIONS).optional(),
  sig: signature,
});
/** On a `text` packet whose text is a membership snapshot, signed by the member who made it. */
export const groupStateRefSchema = z.object({
  type: z.literal('state'),
  id: groupIdSchema,
  sig: signature,
});
export const groupRefSchema = z.discriminatedUnion('type', [
  groupPostRefSchema,
  groupStateRefSchema,
]);

export const GROUP_CHANGES = ['create', 'add', 'remove', 'leave', 'rename', 'admin'] as const;
export type GroupChangeOp = (typeof GROUP_CHANGES)[number];

export const groupNameText = visibleLabel(MAX_GROUP_NAME_LENGTH, 1);

/** A membership snapshot: the whole group after one change, as the text of a state item. */
export const groupSnapshotSchema = z.object({
  group: groupIdSchema,
  /** Random; the group id is derived from it and the creator's signing key. */
  salt: hex(32),
  name: groupNameText,
  creator: nodeId,
  version,
  /** The hash of the snapshot this one changes (null for version 1). */
  prev: stateHash.nullable(),
  /** Who made this change and signed it. */
  by: nodeId,
  ts: timestamp,
  change: z.object({ op: z.enum(GROUP_CHANGES), member: nodeId.optional() }),
  admins: z.array(nodeId).max(MAX_GROUP_MEMBERS),
  /** `[node id, Ed25519 public key]` of every member. */
  members: z
    .array(z.tuple([nodeId, signingKeyText]))
    .min(1)
    .max(MAX_GROUP_MEMBERS),
});
export type GroupSnapshotBody = z.output<typeof groupSnapshotSchema>;

/** Sealed, not acknowledged: "this is how far I am in this group" (repair, docs/PROTOCOL.md). */
export const groupSyncSchema = z.object({
  kind: z.literal('group-sync'),
  from: nodeId,
  group: groupIdSchema,
  /** The sender's current membership snapshot: version and hash. */
  version,
  state: stateHash,
  /** `[writer, seq]`: the highest message of each writer the sender has (for the receiver). */
  heads: z.array(z.tuple([nodeId, seq])).max(MAX_SYNC_HEADS),
  /** Answer with your own sync. */
  ask: z.boolean(),
});
/** Sealed, not acknowledged: "send me these messages" (answered over the reliable stream). */
export const groupWantSchema = z.object({
  kind: z.literal('group-want'),
  from: nodeId,
  group: groupIdSchema,
  /** `[writer, first seq, last seq]`. */
  ranges: z
    .array(z.tuple([nodeId, seq, seq]))
    .min(1)
    .max(MAX_WANT_RANGES),
});

export type GroupRef = z.output<typeof groupRefSchema>;
export type GroupPostRef = z.output<typeof groupPostRefSchema>;
export type GroupStateRef = z.output<typeof groupStateRefSchema>;
export type GroupDependency = z.output<typeof dependency>;

/**
 * The bytes a group message's writer signs: every field but the signature, in a fixed order.
 * `mentions` is appended only when the message has some, so a message without mentions signs the
 * same bytes as before mentions existed.
 */
export function postSigningText(
  ref: Omit<GroupPostRef, 'sig' | 'type'>,
  ts: number,
  text: string,
): string {
  const fields: unknown[] = [
    'pchat-group-post',
    ref.id,
    ref.mid,
    ref.by,
    ref.seq,
    ref.v,
    ref.pv,
    ts,
    ref.deps,
    text,
  ];
  if (ref.mentions !== undefined && ref.mentions.length > 0) fields.push(ref.mentions);
  return JSON.stringify(fields);
}

/** The mentions to show: each id once, members only (`isMember`), in the order written. */
export function memberMentions(
  mentions: readonly string[] | undefined,
  isMember: (id: string) => boolean,
): string[] {
  if (mentions === undefined) return [];
  return [...new Set(mentions)].filter(isMember);
}

/** The bytes a membership change's maker signs: a fixed prefix and the snapshot text. */
export function stateSigningText(body: string): string {
  return `pchat-group-state\n${body}`;
}

/** What the group id is derived from (SHA-256, first 16 bytes in hex). */
export function groupIdInput(creatorSigningKey: string, salt: string): string {
  return `pchat-group-id\n${creatorSigningKey}\n${salt}`;
}

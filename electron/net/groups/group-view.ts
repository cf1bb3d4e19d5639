import type {
  ChatMessage,
  DeliveryStatus,
  GroupChangeKind,
  GroupMembership,
  GroupInfo,
  MemberDelivery,
  MessageStateChange,
  RecipientTally,
} from '../../../shared/domain';
import {
  groupConversationId,
  memberMentions,
  type GroupPostRef,
} from '../../../shared/protocol/groups';
import type { GroupRow, StoredPost } from './group-archive';
import type { Snapshot } from './group-rules';

/** The group as the UI and the CLI see it. */
export function groupInfo(row: GroupRow): GroupInfo {
  return {
    id: row.id,
    name: row.name,
    creator: row.creator,
    admins: [...row.admins],
    members: row.members.map(([id, signingKey]) => ({
      id,
      signingKey,
      admin: row.admins.includes(id),
    })),
    version: row.version,
    status: row.status,
    updatedAt: row.updatedAt,
  };
}

/** The stored row's copy of the winner's fields. */
export function withWinner(row: GroupRow, winner: Snapshot, now: number): GroupRow {
  const { body } = winner;
  return {
    ...row,
    name: body.name,
    creator: body.creator,
    version: body.version,
    stateHash: winner.hash,
    admins: body.admins,
    members: body.members,
    updatedAt: now,
  };
}

export function postMessage(
  post: StoredPost,
  shown: {
    receivedAt: number;
    gap: boolean;
    state?: ChatMessage['state'];
    /** Whether an id is a member (mentions of others are not shown); without it: all are. */
    isMember?: (id: string) => boolean;
  },
): ChatMessage {
  const mentions = memberMentions(post.mentions, shown.isMember ?? (() => true));
  return {
    id: post.mid,
    peerId: groupConversationId(post.groupId),
    direction: post.direction,
    text: post.text,
    transport: post.transport,
    state: shown.state ?? (post.direction === 'in' ? 'received' : 'sending'),
    seq: post.seq,
    sentAt: post.ts,
    receivedAt: shown.receivedAt,
    remote: post.remote,
    group: {
      groupId: post.groupId,
      sender: post.origin,
      gap: shown.gap,
      ...(mentions.length === 0 ? {} : { mentions }),
    },
  };
}

/** The descriptor a group message travels with. */
export function postRef(post: StoredPost): GroupPostRef {
  return {
    type: 'post',
    id: post.groupId,
    mid: post.mid,
    by: post.origin,
    seq: post.seq,
    v: post.v,
    pv: post.pv,
    deps: [...post.deps],
    ...(post.mentions === undefined || post.mentions.length === 0
      ? {}
      : { mentions: [...post.mentions] }),
    sig: post.sig,
  };
}

/**
 * One state for a message to many: delivered once every recipient acknowledged it, pending while
 * any waits for its recipient to come back, failed when one could not be sent and none is still
 * under way, else sending.
 */
export function tallyOf(deliveries: readonly MemberDelivery[]): {
  state: DeliveryStatus;
  recipients: RecipientTally;
} {
  const waiting = deliveries.filter((d) => d.state !== 'delivered' && d.state !== 'failed');
  const failed = deliveries.filter((d) => d.state === 'failed');
  const delivered = deliveries.length - waiting.length - failed.length;
  let state: DeliveryStatus = 'sending';
  if (waiting.length === 0) state = failed.length === 0 ? 'delivered' : 'failed';
  else if (waiting.some((d) => d.state === 'pending')) state = 'pending';
  return {
    state,
    recipients: {
      delivered,
      total: deliveries.length,
      waiting: waiting.map((d) => d.peerId),
      failed: failed.map((d) => d.peerId),
    },
  };
}

export function tallyChange(
  id: string,
  groupId: string,
  deliveries: readonly MemberDelivery[],
): MessageStateChange {
  const { state, recipients } = tallyOf(deliveries);
  return {
    id,
    peerId: groupConversationId(groupId),
    state,
    transport: deliveries.some((d) => d.transport === 'tcp') ? 'tcp' : 'udp',
    attempts: deliveries.reduce((most, d) => Math.max(most, d.attempts), 0),
    recipients,
  };
}

/**
 * What a new winner means for this node: it made the group, joined it (made or added), was
 * removed, left, or the group changed around it.
 */
export function changeKind(
  before: GroupMembership | undefined,
  now: GroupMembership,
  madeHere: boolean,
): GroupChangeKind {
  if (before === undefined) return madeHere ? 'created' : 'joined';
  if (before === 'member' && now !== 'member') return now === 'left' ? 'left' : 'removed';
  return before !== 'member' && now === 'member' ? 'joined' : 'updated';
}

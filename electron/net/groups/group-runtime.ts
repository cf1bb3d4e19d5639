import type { GroupRef } from '../../../shared/protocol/groups';
import type { GroupRow, StoredPost } from './group-archive';
import type { GroupChain } from './group-chain';
import type { GroupOrder } from './group-order';
import type { Snapshot } from './group-rules';
import { postRef } from './group-view';

/** One group this node is in (or was in): its snapshots, display order and own standing. */
export interface GroupRuntime {
  readonly chain: GroupChain;
  readonly order: GroupOrder<StoredPost>;
  row: GroupRow;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When we last asked every member for its high-water marks (a message waits for something). */
  lastAskAt: number;
  /** When we last sent our high-water marks to each member. */
  readonly lastSync: Map<string, number>;
}

/**
 * A group item on its way to one member over the reliable stream: a signed message or a
 * membership snapshot, with what the `text` packet carries.
 */
export interface CarriedItem {
  readonly groupId: string;
  readonly kind: 'post' | 'state';
  /** The message id, or the snapshot's hash. */
  readonly item: string;
  readonly ref: GroupRef;
  readonly text: string;
  readonly ts: number;
}

export function postItem(post: StoredPost): CarriedItem {
  return {
    groupId: post.groupId,
    kind: 'post',
    item: post.mid,
    ref: postRef(post),
    text: post.text,
    ts: post.ts,
  };
}

export function stateItem(snapshot: Snapshot): CarriedItem {
  return {
    groupId: snapshot.body.group,
    kind: 'state',
    item: snapshot.hash,
    ref: { type: 'state', id: snapshot.body.group, sig: snapshot.sig },
    text: snapshot.text,
    ts: snapshot.body.ts,
  };
}

import type {
  DeliveryStatus,
  GroupMembership,
  MemberDelivery,
  MessageState,
  Transport,
} from '../../../shared/domain';
import type { GroupDependency } from '../../../shared/protocol/groups';

/** A group message as it is kept: its signed fields and how it reached this node. */
export interface StoredPost {
  readonly mid: string;
  readonly groupId: string;
  readonly origin: string;
  readonly seq: number;
  readonly v: number;
  readonly pv: number;
  readonly deps: readonly GroupDependency[];
  /** The members the writer @mentioned, as signed (ids that are no member included). */
  readonly mentions?: readonly string[];
  readonly sig: string;
  readonly ts: number;
  readonly text: string;
  readonly direction: 'in' | 'out';
  readonly receivedAt: number;
  readonly remote: string;
  readonly transport: Transport;
}

/** A membership snapshot as it is kept (valid ones only). */
export interface StoredState {
  readonly groupId: string;
  readonly hash: string;
  readonly version: number;
  /** Who made the change. */
  readonly by: string;
  readonly text: string;
  readonly sig: string;
  readonly receivedAt: number;
}

/** This node's own standing in a group, and the winner's fields the UI reads without parsing. */
export interface GroupRow {
  readonly id: string;
  readonly name: string;
  readonly creator: string;
  readonly version: number;
  readonly stateHash: string;
  readonly admins: readonly string[];
  readonly members: readonly (readonly [string, string])[];
  readonly status: GroupMembership;
  /** This node asked to leave: a concurrent change that brings it back is answered by leaving again. */
  readonly leaving: boolean;
  /** Our next message's sequence number, and the version our last one was sent at. */
  readonly nextSeq: number;
  readonly lastVersion: number;
  readonly joinedVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One delivery of one of our own group messages to one member (its state as stored). */
export interface OwnDelivery extends MemberDelivery {
  readonly deliveryId: string;
  readonly mid: string;
  readonly groupId: string;
}

/**
 * Where groups are kept. The app's SQLite store implements it (electron/app); without storage
 * the node keeps them in memory (`MemoryGroupArchive`, bounded). Every method is synchronous and
 * durable on return, like NodePersistence.
 */
export interface GroupArchive {
  transaction<T>(fn: () => T): T;
  loadGroups(): readonly GroupRow[];
  loadStates(): readonly StoredState[];
  saveState(state: StoredState): void;
  saveGroup(group: GroupRow): void;
  /**
   * Stores a message: shown now (`shown` set: it takes its place in the conversation) or
   * waiting for what it depends on. `duplicate` when its id, or its sender and sequence number,
   * are stored already.
   */
  insertPost(
    post: StoredPost,
    shown: { readonly at: number; readonly gap: boolean } | undefined,
    state: MessageState,
  ): 'inserted' | 'duplicate';
  hasPost(mid: string): boolean;
  /** A waiting message takes its place in the conversation. */
  showPost(mid: string, at: number, gap: boolean): void;
  /** Messages stored but not shown yet, oldest first. */
  loadWaiting(): readonly StoredPost[];
  /** The highest shown sequence number (and its version) per group and sender. */
  loadShownHeads(): readonly { groupId: string; origin: string; seq: number; v: number }[];
  /** Per sender, the highest seq of a message sent at `minVersion` or later. */
  heads(groupId: string, minVersion: number): readonly [string, number][];
  /** Messages of `origin` with seq in [from, to], sent at `minVersion` or later, by seq. */
  postsInRange(
    groupId: string,
    origin: string,
    from: number,
    to: number,
    minVersion: number,
    limit: number,
  ): readonly StoredPost[];
  setPostState(mid: string, state: DeliveryStatus): void;
  /** Deliveries of our own messages not yet acknowledged by every member (after a restart). */
  loadOpenDeliveries(): readonly OwnDelivery[];
  /** Every member's delivery of one of our messages. */
  deliveriesOf(mid: string): readonly MemberDelivery[];
}

/** Messages kept per group by the in-memory archive; the oldest shown ones go first. */
const MEMORY_POSTS_PER_GROUP = 20_000;

interface MemoryPost {
  readonly post: StoredPost;
  shown: boolean;
}

/** The archive of a node without storage: everything in memory, bounded, gone at close. */
export class MemoryGroupArchive implements GroupArchive {
  private readonly groups = new Map<string, GroupRow>();
  private readonly states = new Map<string, StoredState>();
  private readonly posts = new Map<string, MemoryPost>();
  private readonly bySender = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  transaction<T>(fn: () => T): T {
    return fn();
  }

  loadGroups(): readonly GroupRow[] {
    return [...this.groups.values()];
  }

  loadStates(): readonly StoredState[] {
    return [...this.states.values()];
  }

  saveState(state: StoredState): void {
    this.states.set(state.hash, state);
  }

  saveGroup(group: GroupRow): void {
    this.groups.set(group.id, group);
  }

  insertPost(
    post: StoredPost,
    shown: { at: number; gap: boolean } | undefined,
  ): 'inserted' | 'duplicate' {
    const key = senderKey(post.groupId, post.origin, post.seq);
    if (this.posts.has(post.mid) || this.bySender.has(key)) return 'duplicate';
    this.posts.set(post.mid, { post, shown: shown !== undefined });
    this.bySender.set(key, post.mid);
    const count = (this.counts.get(post.groupId) ?? 0) + 1;
    this.counts.set(post.groupId, count);
    if (count > MEMORY_POSTS_PER_GROUP) this.trim(post.groupId);
    return 'inserted';
  }

  hasPost(mid: string): boolean {
    return this.posts.has(mid);
  }

  showPost(mid: string): void {
    const entry = this.posts.get(mid);
    if (entry !== undefined) entry.shown = true;
  }

  loadWaiting(): readonly StoredPost[] {
    return [...this.posts.values()].filter((p) => !p.shown).map((p) => p.post);
  }

  loadShownHeads(): readonly { groupId: string; origin: string; seq: number; v: number }[] {
    const heads = new Map<string, { groupId: string; origin: string; seq: number; v: number }>();
    for (const { post, shown } of this.posts.values()) {
      if (!shown) continue;
      const key = `${post.groupId} ${post.origin}`;
      const known = heads.get(key);
      if (known === undefined || post.seq > known.seq)
        heads.set(key, { groupId: post.groupId, origin: post.origin, seq: post.seq, v: post.v });
    }
    return [...heads.values()];
  }

  heads(groupId: string, minVersion: number): readonly [string, number][] {
    const heads = new Map<string, number>();
    for (const { post } of this.posts.values()) {
      if (post.groupId !== groupId || post.v < minVersion) continue;
      heads.set(post.origin, Math.max(heads.get(post.origin) ?? 0, post.seq));
    }
    return [...heads.entries()];
  }

  postsInRange(
    groupId: string,
    origin: string,
    from: number,
    to: number,
    minVersion: number,
    limit: number,
  ): readonly StoredPost[] {
    const out: StoredPost[] = [];
    for (let seq = from; seq <= to && out.length < limit; seq += 1) {
      const mid = this.bySender.get(senderKey(groupId, origin, seq));
      const post = mid === undefined ? undefined : this.posts.get(mid)?.post;
      if (post !== undefined && post.v >= minVersion) out.push(post);
    }
    return out;
  }

  setPostState(): void {
    // Nothing to keep: the node's tallies are in memory anyway.
  }

  loadOpenDeliveries(): readonly OwnDelivery[] {
    return [];
  }

  deliveriesOf(): readonly MemberDelivery[] {
    return [];
  }

  private trim(groupId: string): void {
    const ofGroup = [...this.posts.values()].filter((p) => p.post.groupId === groupId);
    let count = ofGroup.length;
    for (const { post, shown } of ofGroup.slice(0, ofGroup.length - MEMORY_POSTS_PER_GROUP)) {
      if (!shown) continue;
      this.posts.delete(post.mid);
      this.bySender.delete(senderKey(post.groupId, post.origin, post.seq));
      count -= 1;
    }
    this.counts.set(groupId, count);
  }
}

function senderKey(groupId: string, origin: string, seq: number): string {
  return `${groupId} ${origin} ${String(seq)}`;
}

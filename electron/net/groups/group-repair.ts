import {
  MAX_SYNC_HEADS,
  MAX_WANT_RANGES,
  type GroupDependency,
} from '../../../shared/protocol/groups';
import type { GroupSyncPacket, GroupWantPacket } from '../../../shared/protocol/packets';
import { BoundedMap, BoundedSet } from '../bounded-set';
import type { GroupArchive } from './group-archive';
import { isMember, type Snapshot } from './group-rules';
import { postItem, stateItem, type CarriedItem, type GroupRuntime } from './group-runtime';

/** Messages one `group-want` is answered with at most; the next sync asks for the rest. */
export const MAX_RELAYED_PER_WANT = 256;
/** A range asked for is not asked for again (of anyone) sooner than this. */
const WANT_RETRY_MS = 4_000;
/**
 * A message of a writer that is online is fetched from another member only when a later one has
 * waited for it this long: until then the writer's own retransmissions are the road (a relay
 * would double the traffic of every lossy link).
 */
export const DEFAULT_REPAIR_AFTER_MS = 5_000;
/** The same snapshots are not pushed to the same member sooner than this. */
const PUSH_RETRY_MS = 5_000;
/** High-water marks are sent to one member at most this often, unless asked. */
export const SYNC_EVERY_MS = 10_000;
/** The hash a node that does not know a group reports: every member's chain beats it. */
export const UNKNOWN_STATE = '0'.repeat(32);

export interface RepairHost {
  readonly nodeId: string;
  readonly repairAfterMs: number;
  readonly archive: GroupArchive;
  now(): number;
  runtime(groupId: string): GroupRuntime | undefined;
  deliver(peerId: string, item: CarriedItem, relay: boolean): string | undefined;
  sendPacket(peerId: string, packet: GroupSyncPacket | GroupWantPacket): void;
  isOnline(peerId: string): boolean;
}

/**
 * Repair (docs/PROTOCOL.md, "Repair"): members tell each other how far they are (`group-sync`:
 * the current snapshot and, per writer, the highest message the other member may have), push
 * membership snapshots the other lacks, and fetch missing messages (`group-want`) from whoever
 * has them. Relayed messages keep their writer's signature, so the receiver checks them as if the
 * writer had sent them. Nothing goes to anyone the current snapshot does not list.
 */
export class GroupRepair {
  private readonly wanted = new BoundedMap<string, { upTo: number; at: number }>(4_096);
  private readonly relayed = new BoundedSet<string>(16_384);
  private readonly pushed = new BoundedMap<string, number>(1_024);
  private readonly strangerReplies = new BoundedMap<string, number>(256);

  constructor(private readonly host: RepairHost) {}

  /** Sends our high-water marks in `rt` to one member. */
  sync(rt: GroupRuntime, peerId: string, ask: boolean): void {
    const winner = rt.chain.winner;
    if (rt.row.status !== 'member' || peerId === this.host.nodeId) return;
    if (!isMember(winner.body, peerId)) return;
    const since = rt.chain.joinedAt(peerId);
    if (since === undefined) return;
    const heads = this.host.archive.heads(rt.row.id, since);
    rt.lastSync.set(peerId, this.host.now());
    for (let i = 0; i === 0 || i < heads.length; i += MAX_SYNC_HEADS) {
      this.host.sendPacket(peerId, {
        kind: 'group-sync',
        from: this.host.nodeId,
        group: rt.row.id,
        version: winner.body.version,
        state: winner.hash,
        heads: heads.slice(i, i + MAX_SYNC_HEADS).map(([o, s]) => [o, s] as [string, number]),
        ask: ask && i === 0,
      });
    }
  }

  /** A message waits for something: ask every member that is online how far it is. */
  askEveryone(rt: GroupRuntime): void {
    rt.lastAskAt = this.host.now();
    for (const [member] of rt.chain.winner.body.members) {
      if (member !== this.host.nodeId && this.host.isOnline(member)) this.sync(rt, member, true);
    }
  }

  onSync(packet: GroupSyncPacket): void {
    const rt = this.host.runtime(packet.group);
    const from = packet.from;
    if (rt === undefined) {
      this.answerUnknown(packet);
      return;
    }
    const winner = rt.chain.winner;
    if (rt.row.status !== 'member' || !isMember(winner.body, from)) return;
    let answer = packet.ask;
    if (packet.state !== winner.hash) {
      const known = rt.chain.has(packet.state);
      if (known || packet.version <= winner.body.version)
        this.push(rt, from, rt.chain.missingFor(packet.state));
      // They have a snapshot we lack: our sync lets them push it.
      if (!known) answer = true;
    }
    this.want(rt, from, packet.heads);
    if (answer) this.sync(rt, from, false);
  }

  onWant(packet: GroupWantPacket): void {
    const rt = this.host.runtime(packet.group);
    const from = packet.from;
    if (rt?.row.status !== 'member' || !isMember(rt.chain.winner.body, from)) return;
    // Only what was sent while `from` was a member: a removed or later member gets nothing else.
    const since = rt.chain.joinedAt(from);
    if (since === undefined) return;
    let budget = MAX_RELAYED_PER_WANT;
    for (const [origin, first, last] of packet.ranges) {
      if (origin === from || budget <= 0) continue;
      const to = Math.min(last, first + budget - 1);
      for (const post of this.host.archive.postsInRange(
        rt.row.id,
        origin,
        first,
        to,
        since,
        budget,
      )) {
        const key = `${from} ${post.mid}`;
        if (this.relayed.has(key)) continue;
        this.relayed.add(key);
        this.host.deliver(from, postItem(post), true);
        budget -= 1;
      }
    }
  }

  /**
   * What to fetch from `from`, given its high-water marks: everything we lack of a writer that
   * is offline, and of one that is online only the gaps a later message has waited on for a
   * while.
   */
  private want(rt: GroupRuntime, from: string, heads: readonly [string, number][]): void {
    const now = this.host.now();
    const ranges: [string, number, number][] = [];
    for (const [origin, seq] of heads) {
      if (origin === this.host.nodeId || origin === from || seq <= rt.order.head(origin)) continue;
      let upTo = seq;
      if (this.host.isOnline(origin)) {
        const stalled = rt.order.stalledSince(origin);
        if (stalled === undefined || now - stalled < this.host.repairAfterMs) continue;
        upTo = Math.min(seq, (rt.order.lowestWaiting(origin) ?? seq + 1) - 1);
      }
      const key = `${rt.row.id} ${origin}`;
      const last = this.wanted.get(key);
      if (last !== undefined && last.upTo >= upTo && now - last.at < WANT_RETRY_MS) continue;
      this.wanted.set(key, { upTo, at: now });
      for (const [first, end] of rt.order.missing(origin, upTo, MAX_WANT_RANGES))
        ranges.push([origin, first, end]);
    }
    for (let i = 0; i < ranges.length; i += MAX_WANT_RANGES) {
      this.host.sendPacket(from, {
        kind: 'group-want',
        from: this.host.nodeId,
        group: rt.row.id,
        ranges: ranges.slice(i, i + MAX_WANT_RANGES),
      });
    }
  }

  /** Sends snapshots (oldest first, over the one ordered stream) to a member that lacks them. */
  push(rt: GroupRuntime, peerId: string, snapshots: readonly Snapshot[]): void {
    const last = snapshots[snapshots.length - 1];
    if (last === undefined) return;
    const key = `${peerId} ${last.hash}`;
    const now = this.host.now();
    const before = this.pushed.get(key);
    if (before !== undefined && now - before < PUSH_RETRY_MS) return;
    this.pushed.set(key, now);
    for (const snapshot of snapshots) this.host.deliver(peerId, stateItem(snapshot), true);
  }

  /**
   * A member syncs a group we do not know (its snapshots to us were lost, or we lost them in a
   * crash): our answer reports the unknown state, which makes it push the whole chain.
   */
  private answerUnknown(packet: GroupSyncPacket): void {
    const key = `${packet.from} ${packet.group}`;
    const now = this.host.now();
    const before = this.strangerReplies.get(key);
    if (before !== undefined && now - before < PUSH_RETRY_MS) return;
    this.strangerReplies.set(key, now);
    this.host.sendPacket(packet.from, {
      kind: 'group-sync',
      from: this.host.nodeId,
      group: packet.group,
      version: 1,
      state: UNKNOWN_STATE,
      heads: [],
      ask: false,
    });
  }
}

/** The dependencies of a message as the wire carries them. */
export function dependencies(context: readonly [string, number, number][]): GroupDependency[] {
  return context.map(([o, s, v]) => [o, s, v]);
}

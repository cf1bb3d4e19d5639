import type {
  ChatMessage,
  GroupChange,
  GroupInfo,
  MemberDelivery,
  MessageStateChange,
} from '../../../shared/domain';
import type {
  GroupSyncPacket,
  GroupWantPacket,
  TextPacket,
} from '../../../shared/protocol/packets';
import type { StorageGuard } from '../storage-guard';
import type { Timers } from '../timers';
import { NodeError } from '../types';
import type { GroupArchive, GroupRow, StoredPost } from './group-archive';
import { GroupChain } from './group-chain';
import type { GroupCrypto } from './group-crypto';
import { GroupIntake, type Arrival, type Prepared } from './group-intake';
import { GroupOrder, type OrderWaits } from './group-order';
import { DEFAULT_REPAIR_AFTER_MS, GroupRepair, SYNC_EVERY_MS } from './group-repair';
import { isMember, type ChangeRequest, type Snapshot } from './group-rules';
import { changeRecipients, makeChange, makeGroup, makePost } from './group-making';
import { postItem, stateItem, type CarriedItem, type GroupRuntime } from './group-runtime';
import { GroupTallies } from './group-tallies';
import { GroupDisplay } from './group-display';
import { changeKind, groupInfo, postMessage, withWinner } from './group-view';

export type { Arrival, Prepared } from './group-intake';
export type { CarriedItem } from './group-runtime';

export interface GroupWaits extends OrderWaits {
  /** How long a gap in one writer's messages lasts before other members are asked for them. */
  readonly repairMs?: number;
  /**
   * The causal wait follows the links: `factor` x the largest retransmission timeout (RTO) of
   * the links from the members a message depends on, within [minMs, maxMs]. Without it, or
   * while no RTO is known, every message waits `causalMs`.
   */
  readonly causalRto?: { readonly factor: number; readonly minMs: number; readonly maxMs: number };
}

/**
 * The causal wait: a lost dependency comes again after one RTO of its link, a second loss after
 * two more (RFC 6298 back-off), so 3 x RTO covers two losses in a row; at least 1 s, at most 5 s.
 */
export const CAUSAL_RTO = { factor: 3, minMs: 1_000, maxMs: 5_000 } as const;

export const DEFAULT_GROUP_WAITS: GroupWaits = {
  causalMs: 3_000,
  causalRto: CAUSAL_RTO,
  // Per-sender order is the guarantee: this is only the valve for a message no one can supply.
  senderMs: 120_000,
  repairMs: DEFAULT_REPAIR_AFTER_MS,
};

export interface GroupEvents {
  message(message: ChatMessage): void;
  state(change: MessageStateChange): void;
  group(change: GroupChange): void;
  warn(message: string, peerId: string): void;
}

export interface GroupsDeps {
  readonly nodeId: string;
  readonly crypto: GroupCrypto;
  readonly archive: GroupArchive;
  readonly storage: StorageGuard;
  readonly timers: Timers;
  readonly waits: GroupWaits;
  readonly events: GroupEvents;
  now(): number;
  /** The current retransmission timeout of the link to a peer (ms), when one was measured. */
  rtoOf?(peerId: string): number | undefined;
  /** The signing key a peer proved in its handshake (pinned), hex. */
  signingKeyOf(peerId: string): string | undefined;
  isOnline(peerId: string): boolean;
  /** Stores and starts the reliable delivery of a group item to one member: its delivery id. */
  deliver(peerId: string, item: CarriedItem, relay: boolean): string | undefined;
  /** Seals and sends a repair packet (not acknowledged). */
  sendPacket(peerId: string, packet: GroupSyncPacket | GroupWantPacket): void;
}

/**
 * Groups without a server (docs/PROTOCOL.md, "Groups"): membership snapshots signed by admins,
 * messages signed by their writers and sent to every member over the one-to-one reliable
 * streams, a display order per group, and repair among members. This class owns the runtimes;
 * GroupIntake checks what arrives, GroupRepair runs repair.
 */
export class Groups {
  private readonly runtimes = new Map<string, GroupRuntime>();
  private readonly tallies = new GroupTallies();
  private readonly repair: GroupRepair;
  private readonly intake: GroupIntake;
  private readonly display: GroupDisplay;

  constructor(private readonly deps: GroupsDeps) {
    this.repair = new GroupRepair({
      nodeId: deps.nodeId,
      repairAfterMs: deps.waits.repairMs ?? DEFAULT_REPAIR_AFTER_MS,
      archive: deps.archive,
      now: () => deps.now(),
      runtime: (id) => this.runtimes.get(id),
      deliver: (peerId, item, relay) => deps.deliver(peerId, item, relay),
      sendPacket: (peerId, packet) => deps.sendPacket(peerId, packet),
      isOnline: (peerId) => deps.isOnline(peerId),
    });
    this.display = new GroupDisplay({
      archive: deps.archive,
      storage: deps.storage,
      timers: deps.timers,
      repairMs: deps.waits.repairMs ?? DEFAULT_REPAIR_AFTER_MS,
      now: () => deps.now(),
      message: (message) => deps.events.message(message),
      askEveryone: (rt) => this.repair.askEveryone(rt),
    });
    this.intake = new GroupIntake({
      nodeId: deps.nodeId,
      crypto: deps.crypto,
      archive: deps.archive,
      now: () => deps.now(),
      runtime: (id) => this.runtimes.get(id),
      adopt: (chain) => this.adopt(chain),
      accepted: (rt, snapshots) => this.onSnapshots(rt, snapshots),
      offer: (rt, post) => this.display.show(rt, rt.order.offer(post, deps.now())),
      askFrom: (rt, peerId) => this.repair.sync(rt, peerId, true),
      reject: (reason, peerId) => deps.events.warn(`group item refused: ${reason}`, peerId),
    });
  }

  /** After a restart: snapshots, standing, waiting messages and open tallies from the archive. */
  restore(): void {
    const { archive } = this.deps;
    const states = new Map<string, Snapshot[]>();
    for (const stored of archive.loadStates()) {
      const snapshot = this.intake.parseStored(stored);
      if (snapshot === undefined) continue;
      const list = states.get(stored.groupId) ?? [];
      list.push(snapshot);
      states.set(stored.groupId, list);
    }
    for (const row of archive.loadGroups()) {
      const list = (states.get(row.id) ?? []).sort((a, b) => a.body.version - b.body.version);
      const first = list[0];
      const chain = first === undefined ? undefined : GroupChain.start(first, this.deps.crypto);
      if (chain === undefined) continue;
      for (const snapshot of list.slice(1)) chain.add(snapshot);
      const rt = this.runtime(chain, row);
      rt.order.joinedAt = row.joinedVersion;
      // A crash between storing a snapshot and the row: the row follows the snapshots.
      if (chain.winner.hash !== row.stateHash) this.applyWinner(rt);
    }
    for (const head of archive.loadShownHeads())
      this.runtimes.get(head.groupId)?.order.restoreShown(head.origin, head.seq, head.v);
    for (const post of archive.loadWaiting()) {
      const rt = this.runtimes.get(post.groupId);
      if (rt !== undefined)
        this.display.show(rt, rt.order.offer(post, this.deps.now(), post.receivedAt));
    }
    for (const d of archive.loadOpenDeliveries())
      this.tallies.track(d.deliveryId, d.mid, d.groupId, d);
  }

  list(): GroupInfo[] {
    return [...this.runtimes.values()].map((rt) => groupInfo(rt.row));
  }

  get(groupId: string): GroupInfo | undefined {
    const rt = this.runtimes.get(groupId);
    return rt === undefined ? undefined : groupInfo(rt.row);
  }

  /** Makes a group of this node and `members` (known peers), and sends it to each of them. */
  create(name: string, members: readonly string[]): GroupInfo {
    const others = [...new Set(members)].filter((id) => id !== this.deps.nodeId);
    const keyed = others.map((id) => [id, this.keyOf(id)] as const);
    const first = makeGroup(this.deps.crypto, this.deps.nodeId, name, keyed, this.deps.now());
    const chain = GroupChain.start(first, this.deps.crypto);
    if (chain === undefined) throw new Error('a group made here failed its own checks');
    this.storeStates([first]);
    const rt = this.adopt(chain);
    for (const id of others) this.deps.deliver(id, stateItem(first), false);
    return groupInfo(rt.row);
  }

  /** Adds, removes, renames, makes an admin or leaves: a new snapshot, sent to whom it concerns. */
  change(groupId: string, request: ChangeRequest): GroupInfo {
    const rt = this.member(groupId);
    const memberKey =
      request.op === 'add' && request.member !== undefined ? this.keyOf(request.member) : undefined;
    const parent = rt.chain.winner;
    const child = makeChange(
      this.deps.crypto,
      this.deps.nodeId,
      parent,
      memberKey === undefined ? request : { ...request, memberKey },
      this.deps.now(),
    );
    if (request.op === 'leave') rt.row = { ...rt.row, leaving: true };
    this.storeStates([child]);
    rt.chain.add(child);
    this.applyWinner(rt);
    for (const [id, snapshots] of changeRecipients(rt, parent, child, this.deps.nodeId))
      for (const snapshot of snapshots) this.deps.deliver(id, stateItem(snapshot), false);
    return groupInfo(rt.row);
  }

  /** Signs and stores a message to the group and sends it to every other member. */
  post(groupId: string, text: string, mentions?: readonly string[]): ChatMessage {
    const rt = this.member(groupId);
    const now = this.deps.now();
    const post = makePost(this.deps.crypto, this.deps.nodeId, rt, text, now, mentions);
    const winner = rt.chain.winner.body;
    const recipients = winner.members.map(([id]) => id).filter((id) => id !== this.deps.nodeId);
    const state = recipients.length === 0 ? 'delivered' : 'sending';
    const row = { ...rt.row, nextSeq: rt.row.nextSeq + 1, lastVersion: winner.version };
    try {
      this.deps.archive.transaction(() => {
        this.deps.archive.insertPost(post, { at: now, gap: false }, state);
        this.deps.archive.saveGroup(row);
      });
    } catch (error) {
      this.deps.storage.fail('store a group message', error);
      throw new NodeError('storage', `the message could not be stored: ${String(error)}`, {
        cause: error,
      });
    }
    rt.row = row;
    rt.order.noteOwn(post, now);
    const item = postItem(post);
    for (const id of recipients) {
      const deliveryId = this.deps.deliver(id, item, false);
      if (deliveryId === undefined) continue;
      this.tallies.track(deliveryId, post.mid, groupId, {
        peerId: id,
        state: 'sending',
        transport: 'udp',
        attempts: 0,
      });
    }
    return postMessage(post, { receivedAt: now, gap: false, state });
  }

  /** A reliable `text` packet carrying a group item arrived: checks it, and what to store. */
  prepare(packet: TextPacket, from: string, arrival: Arrival): Prepared | undefined {
    return this.intake.prepare(packet, from, arrival);
  }

  /** A delivery of a group item changed state: our own messages' tallies follow it. */
  onDeliveryState(change: MessageStateChange): void {
    const summary = this.tallies.update(change);
    if (summary === undefined) return;
    this.deps.storage.run('record a group delivery', () =>
      this.deps.archive.setPostState(summary.id, summary.state),
    );
    this.deps.events.state(summary);
  }

  /** Who has one of our group messages: per member, as far as this node knows. */
  deliveriesOf(messageId: string): readonly MemberDelivery[] {
    return this.tallies.of(messageId) ?? this.deps.archive.deliveriesOf(messageId);
  }

  onSync(packet: GroupSyncPacket): void {
    this.repair.onSync(packet);
  }

  onWant(packet: GroupWantPacket): void {
    this.repair.onWant(packet);
  }

  /** A session with a peer was made: each group we share with it is synced now. */
  onSession(peerId: string): void {
    for (const rt of this.runtimes.values()) this.repair.sync(rt, peerId, true);
  }

  /** A peer said hello (every announce interval): groups not synced with it lately are synced. */
  onHello(peerId: string): void {
    const now = this.deps.now();
    for (const rt of this.runtimes.values()) {
      if (now - (rt.lastSync.get(peerId) ?? 0) >= SYNC_EVERY_MS)
        this.repair.sync(rt, peerId, false);
    }
  }

  close(): void {
    for (const rt of this.runtimes.values()) this.display.cancel(rt);
  }

  // --- internals -----------------------------------------------------------------------------------

  private member(groupId: string): GroupRuntime {
    const rt = this.runtimes.get(groupId);
    if (rt === undefined) throw new NodeError('not-found', `no such group: ${groupId}`);
    if (rt.row.status !== 'member')
      throw new NodeError('not-allowed', `this node is no member of ${groupId} any more`);
    return rt;
  }

  /** The display order's waits: the causal one per message when it follows the links. */
  private get orderWaits(): OrderWaits {
    const { waits } = this.deps;
    const rto = waits.causalRto;
    if (rto === undefined || this.deps.rtoOf === undefined) return waits;
    const rtoOf = (peerId: string) => this.deps.rtoOf?.(peerId);
    return {
      ...waits,
      causalFor: (post) => causalWaitFor(post, rto, waits.causalMs, rtoOf),
    };
  }

  private keyOf(peerId: string): string {
    const key = this.deps.signingKeyOf(peerId);
    if (key === undefined)
      throw new NodeError('unknown-peer', `no signing key known for ${peerId} (not met yet)`);
    return key;
  }

  private runtime(chain: GroupChain, row: GroupRow): GroupRuntime {
    const rt: GroupRuntime = {
      chain,
      order: new GroupOrder<StoredPost>(this.deps.nodeId, this.orderWaits),
      row,
      timer: undefined,
      lastAskAt: 0,
      lastSync: new Map(),
    };
    this.runtimes.set(chain.id, rt);
    return rt;
  }

  /** A group this node was made a member of (or made): its runtime and stored row. */
  private adopt(chain: GroupChain): GroupRuntime {
    const now = this.deps.now();
    // A row with no snapshot yet: applyWinner() fills it in and tells the UI.
    const rt = this.runtime(chain, {
      id: chain.id,
      name: chain.winner.body.name,
      creator: chain.winner.body.creator,
      version: 0,
      stateHash: '',
      admins: [],
      members: [],
      status: 'removed',
      leaving: false,
      nextSeq: 1,
      lastVersion: 0,
      joinedVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    this.storeStates(chain.all());
    this.applyWinner(rt);
    return rt;
  }

  private storeStates(snapshots: readonly Snapshot[]): void {
    const now = this.deps.now();
    this.deps.storage.run('store group snapshots', () =>
      this.deps.archive.transaction(() => {
        for (const s of snapshots)
          this.deps.archive.saveState({
            groupId: s.body.group,
            hash: s.hash,
            version: s.body.version,
            by: s.body.by,
            text: s.text,
            sig: s.sig,
            receivedAt: now,
          });
      }),
    );
  }

  /** Snapshots became valid (received and checked): stored, and the winner may have changed. */
  private onSnapshots(rt: GroupRuntime, snapshots: readonly Snapshot[]): void {
    this.storeStates(snapshots);
    this.applyWinner(rt);
  }

  /** The current snapshot may have changed: our standing, the stored row, the event. */
  private applyWinner(rt: GroupRuntime): void {
    const winner = rt.chain.winner;
    if (winner.hash === rt.row.stateHash) return;
    const now = this.deps.now();
    const before = rt.row.stateHash === '' ? undefined : rt.row.status;
    const member = isMember(winner.body, this.deps.nodeId);
    const status = member ? 'member' : rt.row.leaving ? 'left' : 'removed';
    const joined = rt.chain.joinedAt(this.deps.nodeId) ?? rt.row.joinedVersion;
    rt.row = { ...withWinner(rt.row, winner, now), status, joinedVersion: joined };
    rt.order.joinedAt = joined;
    this.deps.storage.run('store a group', () => this.deps.archive.saveGroup(rt.row));
    const { op, member: subject } = winner.body.change;
    const madeHere = winner.body.by === this.deps.nodeId && winner.body.version === 1;
    this.deps.events.group({
      change: changeKind(before, status, madeHere),
      group: groupInfo(rt.row),
      op,
      by: winner.body.by,
      ...(subject === undefined ? {} : { member: subject }),
    });
    if (member && rt.row.leaving && winner.body.by !== this.deps.nodeId) {
      // We left, and a concurrent change that won brought us back: leave again on top of it.
      queueMicrotask(() => {
        if (rt.row.status !== 'member' || !rt.row.leaving) return;
        try {
          this.change(rt.row.id, { op: 'leave' });
        } catch (error) {
          this.deps.events.warn(`leaving ${rt.row.id} again failed: ${String(error)}`, '');
        }
      });
    }
    if (member && before !== 'member') {
      for (const [id] of winner.body.members)
        if (id !== this.deps.nodeId && this.deps.isOnline(id)) this.repair.sync(rt, id, true);
    }
    this.intake.retryEarly(rt);
  }
}

/**
 * The causal wait of one message: `factor` x the largest RTO of the links from the members in its
 * causal context (where a missing dependency comes from), bounded; `fallback` when none is known.
 */
export function causalWaitFor(
  post: Pick<StoredPost, 'deps'>,
  rto: NonNullable<GroupWaits['causalRto']>,
  fallback: number,
  rtoOf: (peerId: string) => number | undefined,
): number {
  let largest: number | undefined;
  for (const [origin] of post.deps) {
    const ms = rtoOf(origin);
    if (ms !== undefined && (largest === undefined || ms > largest)) largest = ms;
  }
  if (largest === undefined) return fallback;
  return Math.min(rto.maxMs, Math.max(rto.minMs, rto.factor * largest));
}

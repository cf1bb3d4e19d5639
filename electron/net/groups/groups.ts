import type {
  ChatMessage,
  GroupChange,
  GroupChangeKind,
  GroupInfo,
  MemberDelivery,
  MessageStateChange,
} from '../../../shared/domain';
import {
  groupNameText,
  MAX_CAUSAL_DEPS,
  MAX_GROUP_MEMBERS,
  type GroupPostRef,
} from '../../../shared/protocol/groups';
import type {
  GroupSyncPacket,
  GroupWantPacket,
  TextPacket,
} from '../../../shared/protocol/packets';
import { BoundedMap } from '../bounded-set';
import { randomToken } from '../ids';
import type { StorageGuard } from '../storage-guard';
import type { Timers } from '../timers';
import { NodeError } from '../types';
import type { GroupArchive, GroupRow, StoredPost } from './group-archive';
import { GroupChain } from './group-chain';
import type { GroupCrypto } from './group-crypto';
import { GroupIntake, type Arrival, type Prepared } from './group-intake';
import { GroupOrder, type OrderWaits, type Release } from './group-order';
import { DEFAULT_REPAIR_AFTER_MS, dependencies, GroupRepair, SYNC_EVERY_MS } from './group-repair';
import { childOf, genesis, isMember, type ChangeRequest, type Snapshot } from './group-rules';
import { postItem, stateItem, type CarriedItem, type GroupRuntime } from './group-runtime';
import { groupInfo, postMessage, tallyChange, withWinner } from './group-view';

export type { Arrival, Prepared } from './group-intake';
export type { CarriedItem } from './group-runtime';

/** We ask every member how far it is at most this often (when a message waits for repair). */
const ASK_EVERY_MS = 5_000;

export interface GroupWaits extends OrderWaits {
  /** How long a gap in one writer's messages lasts before other members are asked for them. */
  readonly repairMs?: number;
}

export const DEFAULT_GROUP_WAITS: GroupWaits = {
  causalMs: 3_000,
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
  /** The signing key a peer proved in its handshake (pinned), hex. */
  signingKeyOf(peerId: string): string | undefined;
  isOnline(peerId: string): boolean;
  /** Stores and starts the reliable delivery of a group item to one member: its delivery id. */
  deliver(peerId: string, item: CarriedItem, relay: boolean): string | undefined;
  /** Seals and sends a repair packet (not acknowledged). */
  sendPacket(peerId: string, packet: GroupSyncPacket | GroupWantPacket): void;
}

/** The deliveries of one of our messages still under way. */
interface Tally {
  readonly groupId: string;
  readonly members: Map<string, MemberDelivery>;
}

/**
 * Groups without a server (docs/PROTOCOL.md, "Groups"): membership snapshots signed by admins,
 * messages signed by their writers and sent to every member over the one-to-one reliable
 * streams, a display order per group, and repair among members. This class owns the runtimes;
 * GroupIntake checks what arrives, GroupRepair runs repair.
 */
export class Groups {
  private readonly runtimes = new Map<string, GroupRuntime>();
  private readonly tallies = new Map<string, Tally>();
  /** Delivery id -> our message and its member, for the deliveries we count. */
  private readonly deliveries = new Map<string, { mid: string; peerId: string }>();
  /** Tallies of our messages that are complete, for "who got it" questions. */
  private readonly finished = new BoundedMap<string, readonly MemberDelivery[]>(2_048);
  private readonly repair: GroupRepair;
  private readonly intake: GroupIntake;

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
    this.intake = new GroupIntake({
      nodeId: deps.nodeId,
      crypto: deps.crypto,
      archive: deps.archive,
      now: () => deps.now(),
      runtime: (id) => this.runtimes.get(id),
      adopt: (chain) => this.adopt(chain),
      accepted: (rt, snapshots) => this.onSnapshots(rt, snapshots),
      offer: (rt, post) => this.show(rt, rt.order.offer(post, deps.now())),
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
      if (rt !== undefined) this.show(rt, rt.order.offer(post, this.deps.now(), post.receivedAt));
    }
    for (const d of archive.loadOpenDeliveries()) {
      this.track(d.deliveryId, d.mid, d.groupId, d.peerId);
      this.tallies.get(d.mid)?.members.set(d.peerId, d);
    }
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
    const cleaned = groupNameText.safeParse(name);
    if (!cleaned.success) throw new NodeError('empty', 'a group needs a name (1-64 characters)');
    const others = [...new Set(members)].filter((id) => id !== this.deps.nodeId);
    if (others.length + 1 > MAX_GROUP_MEMBERS)
      throw new NodeError('too-long', `a group has at most ${MAX_GROUP_MEMBERS} members`);
    const keyed = others.map((id) => [id, this.keyOf(id)] as [string, string]);
    const first = genesis(this.deps.crypto, {
      name: cleaned.data,
      creator: this.deps.nodeId,
      members: [[this.deps.nodeId, this.deps.crypto.publicKey], ...keyed],
      ts: this.deps.now(),
    });
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
    let name = request.name;
    if (request.op === 'rename') {
      const cleaned = groupNameText.safeParse(name ?? '');
      if (!cleaned.success) throw new NodeError('empty', 'a group needs a name (1-64 characters)');
      name = cleaned.data;
    }
    const parent = rt.chain.winner;
    const child = childOf(
      parent,
      {
        op: request.op,
        ...(request.member === undefined ? {} : { member: request.member }),
        ...(memberKey === undefined ? {} : { memberKey }),
        ...(name === undefined ? {} : { name }),
      },
      this.deps.nodeId,
      this.deps.now(),
      this.deps.crypto,
    );
    if (typeof child === 'string') throw new NodeError('not-allowed', child);
    if (request.op === 'leave') rt.row = { ...rt.row, leaving: true };
    this.storeStates([child]);
    rt.chain.add(child);
    this.applyWinner(rt);
    this.sendChange(rt, parent, child);
    return groupInfo(rt.row);
  }

  /** Signs and stores a message to the group and sends it to every other member. */
  post(groupId: string, text: string): ChatMessage {
    const rt = this.member(groupId);
    const now = this.deps.now();
    const winner = rt.chain.winner.body;
    const fields: Omit<GroupPostRef, 'sig' | 'type'> = {
      id: groupId,
      mid: randomToken(),
      by: this.deps.nodeId,
      seq: rt.row.nextSeq,
      v: winner.version,
      pv: rt.row.lastVersion,
      deps: dependencies(rt.order.context(MAX_CAUSAL_DEPS)),
    };
    const post: StoredPost = {
      groupId,
      mid: fields.mid,
      origin: fields.by,
      seq: fields.seq,
      v: fields.v,
      pv: fields.pv,
      deps: fields.deps,
      sig: this.deps.crypto.signPost(fields, now, text),
      ts: now,
      text,
      direction: 'out',
      receivedAt: now,
      remote: '',
      transport: 'udp',
    };
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
      this.track(deliveryId, post.mid, groupId, id);
      this.tallies.get(post.mid)?.members.set(id, {
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
    const entry = this.deliveries.get(change.id);
    if (entry === undefined) return;
    const tally = this.tallies.get(entry.mid);
    if (tally === undefined) return;
    tally.members.set(entry.peerId, {
      peerId: entry.peerId,
      state: change.state,
      transport: change.transport,
      attempts: change.attempts,
    });
    if (change.state === 'delivered' || change.state === 'failed')
      this.deliveries.delete(change.id);
    const list = [...tally.members.values()];
    const summary = tallyChange(entry.mid, tally.groupId, list);
    this.deps.storage.run('record a group delivery', () =>
      this.deps.archive.setPostState(entry.mid, summary.state),
    );
    if (summary.state === 'delivered' || summary.state === 'failed') {
      this.tallies.delete(entry.mid);
      this.finished.set(entry.mid, list);
    }
    this.deps.events.state(summary);
  }

  /** Who has one of our group messages: per member, as far as this node knows. */
  deliveriesOf(messageId: string): readonly MemberDelivery[] {
    const open = this.tallies.get(messageId);
    if (open !== undefined) return [...open.members.values()];
    return this.finished.get(messageId) ?? this.deps.archive.deliveriesOf(messageId);
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
    for (const rt of this.runtimes.values()) {
      if (rt.timer !== undefined) this.deps.timers.cancel(rt.timer);
      rt.timer = undefined;
    }
  }

  // --- internals -----------------------------------------------------------------------------------

  private member(groupId: string): GroupRuntime {
    const rt = this.runtimes.get(groupId);
    if (rt === undefined) throw new NodeError('not-found', `no such group: ${groupId}`);
    if (rt.row.status !== 'member')
      throw new NodeError('not-allowed', `this node is no member of ${groupId} any more`);
    return rt;
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
      order: new GroupOrder<StoredPost>(this.deps.nodeId, this.deps.waits),
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
    const change: GroupChangeKind =
      before === undefined
        ? winner.body.by === this.deps.nodeId && winner.body.version === 1
          ? 'created'
          : 'joined'
        : before === 'member' && !member
          ? status === 'left'
            ? 'left'
            : 'removed'
          : before !== 'member' && member
            ? 'joined'
            : 'updated';
    const { op, member: subject } = winner.body.change;
    this.deps.events.group({
      change,
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

  private sendChange(rt: GroupRuntime, parent: Snapshot, child: Snapshot): void {
    const before = new Set(parent.body.members.map(([id]) => id));
    const after = child.body.members.map(([id]) => id);
    const everyone = new Set([...before, ...after]);
    everyone.delete(this.deps.nodeId);
    for (const id of everyone) {
      // A new member gets the whole chain, oldest first, to check this change from version 1.
      const snapshots = before.has(id) ? [child] : rt.chain.path(child.hash);
      for (const snapshot of snapshots) this.deps.deliver(id, stateItem(snapshot), false);
    }
  }

  private track(deliveryId: string, mid: string, groupId: string, peerId: string): void {
    this.deliveries.set(deliveryId, { mid, peerId });
    if (!this.tallies.has(mid)) this.tallies.set(mid, { groupId, members: new Map() });
  }

  /** Messages released by the display order take their place in the conversation. */
  private show(rt: GroupRuntime, released: readonly Release<StoredPost>[]): void {
    const now = this.deps.now();
    for (const { post, gap } of released) {
      this.deps.storage.run('show a group message', () =>
        this.deps.archive.showPost(post.mid, now, gap),
      );
      this.deps.events.message(postMessage(post, { receivedAt: now, gap }));
    }
    this.schedule(rt);
  }

  /** One timer per group: the next wait that runs out, or the moment to ask for help. */
  private schedule(rt: GroupRuntime): void {
    if (rt.timer !== undefined) this.deps.timers.cancel(rt.timer);
    rt.timer = undefined;
    const deadline = rt.order.nextDeadline();
    const oldest = rt.order.oldestWaitingSince();
    if (deadline === undefined || oldest === undefined) return;
    const now = this.deps.now();
    const repairMs = this.deps.waits.repairMs ?? DEFAULT_REPAIR_AFTER_MS;
    const askAt = Math.max(oldest + repairMs, rt.lastAskAt + ASK_EVERY_MS);
    const at = Math.min(deadline, askAt);
    rt.timer = this.deps.timers.after(Math.max(10, at - now), () => {
      rt.timer = undefined;
      const time = this.deps.now();
      // A message has waited long (for an earlier one of its writer): ask who has that one.
      if (
        time - (rt.order.oldestWaitingSince() ?? time) >= repairMs &&
        time - rt.lastAskAt >= ASK_EVERY_MS
      )
        this.repair.askEveryone(rt);
      this.show(rt, rt.order.tick(time));
    });
  }
}

import type { Transport } from '../../../shared/domain';
import type { GroupPostRef, GroupStateRef } from '../../../shared/protocol/groups';
import type { TextPacket } from '../../../shared/protocol/packets';
import { BoundedMap } from '../bounded-set';
import type { GroupArchive, StoredPost, StoredState } from './group-archive';
import { GroupChain } from './group-chain';
import type { GroupCrypto } from './group-crypto';
import { isMember, keyOf, parseSnapshot, type Snapshot } from './group-rules';
import type { GroupRuntime } from './group-runtime';

/** How a group item arrived (for the message's transport and address). */
export interface Arrival {
  readonly transport: Transport;
  readonly remote: string;
}

/**
 * What one received group item changes, in two steps like the one-to-one receiver's verdict:
 * `write` runs inside the transaction that stores the stream's state before the ack, `commit`
 * after it, in memory (display, events).
 */
export interface Prepared {
  write(): void;
  commit(): void;
}

export interface IntakeHost {
  readonly nodeId: string;
  readonly crypto: GroupCrypto;
  readonly archive: GroupArchive;
  now(): number;
  runtime(groupId: string): GroupRuntime | undefined;
  /** A group this node turned out to be a member of: make its runtime. */
  adopt(chain: GroupChain): GroupRuntime;
  /** Snapshots became valid in `rt`. */
  accepted(rt: GroupRuntime, snapshots: readonly Snapshot[]): void;
  /** A checked, stored message goes to the display order. */
  offer(rt: GroupRuntime, post: StoredPost): void;
  /** Something is missing that `peerId` has: sync with it. */
  askFrom(rt: GroupRuntime, peerId: string): void;
  reject(reason: string, peerId: string): void;
}

/** Groups we may be about to join (snapshots arrived before the one that adds us). */
const MAX_STRAY_GROUPS = 16;
const MAX_STRAY_SNAPSHOTS = 64;
/** Messages that came before the snapshot they were sent under, per group. */
const MAX_EARLY_PER_GROUP = 512;

interface Stray {
  chain: GroupChain | undefined;
  readonly loose: Snapshot[];
}

/**
 * Checks every group item that arrives (docs/PROTOCOL.md, "What a member accepts"): a message
 * must be signed by its writer's key as the membership snapshot of its version lists it, be from
 * a member, and be meant for this node; a snapshot must be a valid change of its parent. Items
 * that come before what they depend on (a message under a version not here yet, a snapshot whose
 * parent is missing) wait in bounded memory, and repair is asked for the rest.
 */
export class GroupIntake {
  private readonly early = new BoundedMap<
    string,
    { post: StoredPost; ref: GroupPostRef; direct: boolean }[]
  >(64);
  private readonly strays = new BoundedMap<string, Stray>(MAX_STRAY_GROUPS);

  constructor(private readonly host: IntakeHost) {}

  prepare(packet: TextPacket, from: string, arrival: Arrival): Prepared | undefined {
    const ref = packet.group;
    if (ref === undefined) return undefined;
    return ref.type === 'post'
      ? this.preparePost(ref, packet, from, arrival)
      : this.prepareState(ref, packet, from);
  }

  /** A snapshot from the archive (checked again: the file may have been edited). */
  parseStored(stored: StoredState): Snapshot | undefined {
    const snapshot = parseSnapshot(stored.text, stored.sig, this.host.crypto);
    return snapshot?.hash === stored.hash ? snapshot : undefined;
  }

  /** The group's snapshot changed: messages that were too early are checked again. */
  retryEarly(rt: GroupRuntime): void {
    const waiting = this.early.get(rt.row.id);
    if (waiting === undefined) return;
    this.early.delete(rt.row.id);
    for (const { post, ref, direct } of waiting) {
      if (this.host.archive.hasPost(post.mid) || rt.order.isWaiting(post.mid)) continue;
      const verdict = this.checkPost(rt, ref, post, direct);
      if (verdict === 'early') this.keepEarly(post, ref, direct);
      else if (
        verdict === 'ok' &&
        this.host.archive.insertPost(post, undefined, 'received') === 'inserted'
      )
        this.host.offer(rt, post);
    }
  }

  private preparePost(
    ref: GroupPostRef,
    packet: TextPacket,
    from: string,
    arrival: Arrival,
  ): Prepared | undefined {
    if (ref.by === this.host.nodeId) return undefined; // our own, relayed back
    const post: StoredPost = {
      mid: ref.mid,
      groupId: ref.id,
      origin: ref.by,
      seq: ref.seq,
      v: ref.v,
      pv: ref.pv,
      deps: ref.deps,
      ...(ref.mentions === undefined ? {} : { mentions: ref.mentions }),
      sig: ref.sig,
      ts: packet.ts,
      text: packet.text,
      direction: 'in',
      receivedAt: this.host.now(),
      remote: arrival.remote,
      transport: arrival.transport,
    };
    // From the writer's own session the packet is authenticated by the session (its seal is the
    // writer's key); a relayed one only by the writer's signature.
    const direct = from === ref.by;
    const rt = this.host.runtime(ref.id);
    if (rt === undefined)
      return { write: nothing, commit: () => this.keepEarly(post, ref, direct) };
    if (rt.row.status !== 'member') return undefined; // removed: nothing more reaches us
    if (rt.order.isWaiting(ref.mid) || this.host.archive.hasPost(ref.mid)) return undefined;
    const verdict = this.checkPost(rt, ref, post, direct);
    if (verdict === 'early') {
      return {
        write: nothing,
        commit: () => {
          this.keepEarly(post, ref, direct);
          this.host.askFrom(rt, from);
        },
      };
    }
    if (verdict !== 'ok') {
      this.host.reject(verdict, from);
      return undefined;
    }
    let inserted = false;
    return {
      write: () => {
        inserted = this.host.archive.insertPost(post, undefined, 'received') === 'inserted';
      },
      commit: () => {
        if (inserted) this.host.offer(rt, post);
      },
    };
  }

  private checkPost(
    rt: GroupRuntime,
    ref: GroupPostRef,
    post: StoredPost,
    direct: boolean,
  ): string {
    const winner = rt.chain.winner.body;
    if (ref.v > winner.version) return 'early';
    const at = rt.chain.at(ref.v)?.body;
    const key = (at === undefined ? undefined : keyOf(at, ref.by)) ?? keyOf(winner, ref.by);
    if (key === undefined) return `a message from ${ref.by}, who is no member`;
    if (!direct && !this.host.crypto.verifyPost(ref, post.ts, post.text, key))
      return `a message that ${ref.by} did not sign`;
    const forUs =
      (at !== undefined && isMember(at, this.host.nodeId)) || ref.v >= rt.row.joinedVersion;
    return forUs ? 'ok' : 'a message sent before this node was a member';
  }

  private keepEarly(post: StoredPost, ref: GroupPostRef, direct: boolean): void {
    const list = this.early.get(post.groupId) ?? [];
    if (list.length >= MAX_EARLY_PER_GROUP) list.shift();
    list.push({ post, ref, direct });
    this.early.set(post.groupId, list);
  }

  private prepareState(ref: GroupStateRef, packet: TextPacket, from: string): Prepared | undefined {
    const snapshot = parseSnapshot(packet.text, ref.sig, this.host.crypto);
    if (snapshot?.body.group !== ref.id) {
      this.host.reject('a membership snapshot that does not parse', from);
      return undefined;
    }
    const rt = this.host.runtime(ref.id);
    if (rt === undefined) return { write: nothing, commit: () => this.stray(snapshot, from) };
    const verdict = rt.chain.check(snapshot);
    switch (verdict.status) {
      case 'known':
        return undefined;
      case 'invalid':
        this.host.reject(`membership change: ${verdict.reason}`, from);
        return undefined;
      case 'orphan':
        return {
          write: nothing,
          commit: () => {
            rt.chain.add(snapshot);
            this.host.askFrom(rt, from);
          },
        };
      case 'valid':
        return {
          write: () =>
            this.host.archive.saveState({
              groupId: ref.id,
              hash: snapshot.hash,
              version: snapshot.body.version,
              by: snapshot.body.by,
              text: snapshot.text,
              sig: snapshot.sig,
              receivedAt: this.host.now(),
            }),
          commit: () => this.host.accepted(rt, rt.chain.add(snapshot)),
        };
    }
  }

  /** A snapshot of a group we are not in (yet): kept until one of them adds us. */
  private stray(snapshot: Snapshot, from: string): void {
    const id = snapshot.body.group;
    const stray = this.strays.get(id) ?? { chain: undefined, loose: [] };
    this.strays.set(id, stray);
    if (stray.chain === undefined && snapshot.body.version === 1) {
      stray.chain = GroupChain.start(snapshot, this.host.crypto);
      if (stray.chain === undefined) {
        this.host.reject('a first version that is not its creator’s', from);
        this.strays.delete(id);
        return;
      }
      for (const loose of stray.loose.splice(0)) stray.chain.add(loose);
    } else if (stray.chain === undefined) {
      if (stray.loose.length < MAX_STRAY_SNAPSHOTS) stray.loose.push(snapshot);
      return;
    } else {
      stray.chain.add(snapshot);
    }
    if (isMember(stray.chain.winner.body, this.host.nodeId)) {
      this.strays.delete(id);
      const rt = this.host.adopt(stray.chain);
      this.retryEarly(rt);
    }
  }
}

const nothing = (): void => undefined;

import { beats, checkChild, checkGenesis, isMember, type Snapshot } from './group-rules';
import type { GroupCrypto } from './group-crypto';

/** Snapshots kept waiting for their parent, per group. */
const MAX_ORPHANS = 64;

export type ChainVerdict =
  | { readonly status: 'valid' }
  | { readonly status: 'known' }
  | { readonly status: 'orphan' }
  | { readonly status: 'invalid'; readonly reason: string };

/**
 * Every valid membership snapshot of one group this node has, forks included, and the winner
 * among them (docs/PROTOCOL.md, "Convergence"). Pure: checking does not change anything, adding
 * does. Snapshots whose parent has not arrived wait as orphans (bounded) and are added when it
 * does.
 */
export class GroupChain {
  private readonly valid = new Map<string, Snapshot>();
  private readonly orphans = new Map<string, Snapshot>();
  private best: Snapshot;
  /** The winner's path, computed once per winner (posts ask for it often). */
  private winnerPath: readonly Snapshot[] | undefined;

  constructor(
    first: Snapshot,
    private readonly crypto: GroupCrypto,
  ) {
    this.valid.set(first.hash, first);
    this.best = first;
  }

  /** A chain from a version 1 (received or made here); undefined when it is not a valid one. */
  static start(first: Snapshot, crypto: GroupCrypto): GroupChain | undefined {
    return checkGenesis(first, crypto) === undefined ? new GroupChain(first, crypto) : undefined;
  }

  get winner(): Snapshot {
    return this.best;
  }

  get id(): string {
    return this.best.body.group;
  }

  has(hash: string): boolean {
    return this.valid.has(hash);
  }

  get(hash: string): Snapshot | undefined {
    return this.valid.get(hash);
  }

  /** Every valid snapshot, oldest version first (for storage and for a member that lacks some). */
  all(): Snapshot[] {
    return [...this.valid.values()].sort((a, b) => a.body.version - b.body.version);
  }

  check(snapshot: Snapshot): ChainVerdict {
    if (this.valid.has(snapshot.hash)) return { status: 'known' };
    if (snapshot.body.group !== this.id) return { status: 'invalid', reason: 'another group' };
    if (snapshot.body.prev === null) {
      return { status: 'invalid', reason: 'a second first version' };
    }
    const parent = this.valid.get(snapshot.body.prev);
    if (parent === undefined) return { status: 'orphan' };
    const reason = checkChild(parent, snapshot, this.crypto);
    return reason === undefined ? { status: 'valid' } : { status: 'invalid', reason };
  }

  /**
   * Adds a snapshot (checked again here) and any orphans it was the missing parent of. Returns
   * the snapshots that became valid, in order; the winner may have changed.
   */
  add(snapshot: Snapshot): Snapshot[] {
    const verdict = this.check(snapshot);
    if (verdict.status === 'orphan') {
      this.keepOrphan(snapshot);
      return [];
    }
    if (verdict.status !== 'valid') return [];
    const added: Snapshot[] = [snapshot];
    this.accept(snapshot);
    for (let i = 0; i < added.length; i += 1) {
      const parent = added[i];
      for (const orphan of [...this.orphans.values()]) {
        if (parent === undefined || orphan.body.prev !== parent.hash) continue;
        this.orphans.delete(orphan.hash);
        if (checkChild(parent, orphan, this.crypto) !== undefined) continue;
        this.accept(orphan);
        added.push(orphan);
      }
    }
    return added;
  }

  /** The snapshots from version 1 to `hash` (to the winner by default), oldest first. */
  path(hash: string = this.best.hash): readonly Snapshot[] {
    if (hash === this.best.hash && this.winnerPath !== undefined) return this.winnerPath;
    const out: Snapshot[] = [];
    let at = this.valid.get(hash);
    while (at !== undefined) {
      out.push(at);
      at = at.body.prev === null ? undefined : this.valid.get(at.body.prev);
    }
    out.reverse();
    if (hash === this.best.hash) this.winnerPath = out;
    return out;
  }

  /** The winner's ancestor (or itself) at `version`. */
  at(version: number): Snapshot | undefined {
    if (version > this.best.body.version || version < 1) return undefined;
    const snapshot = this.path()[version - 1];
    return snapshot?.body.version === version ? snapshot : undefined;
  }

  /**
   * The version since which `id` has been a member without a break, on the winner's path;
   * undefined when the winner does not list it.
   */
  joinedAt(id: string): number | undefined {
    const path = this.path();
    let since: number | undefined;
    for (let i = path.length - 1; i >= 0; i -= 1) {
      const snapshot = path[i];
      if (snapshot === undefined || !isMember(snapshot.body, id)) break;
      since = snapshot.body.version;
    }
    return since;
  }

  /**
   * What a member whose current snapshot is `hash` lacks of the winner's path: the part after
   * the newest snapshot both have, or the whole path when `hash` is unknown here.
   */
  missingFor(hash: string): Snapshot[] {
    const path = this.path();
    const theirs = new Set(this.valid.has(hash) ? this.path(hash).map((s) => s.hash) : []);
    let shared = -1;
    path.forEach((s, i) => {
      if (theirs.has(s.hash)) shared = i;
    });
    return path.slice(shared + 1);
  }

  private accept(snapshot: Snapshot): void {
    this.valid.set(snapshot.hash, snapshot);
    if (!beats(snapshot, this.best)) return;
    this.best = snapshot;
    this.winnerPath = undefined;
  }

  private keepOrphan(snapshot: Snapshot): void {
    if (this.orphans.has(snapshot.hash)) return;
    if (this.orphans.size >= MAX_ORPHANS) {
      const oldest = this.orphans.keys().next();
      if (oldest.done !== true) this.orphans.delete(oldest.value);
    }
    this.orphans.set(snapshot.hash, snapshot);
  }
}

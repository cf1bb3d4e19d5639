import type { GroupDependency } from '../../../shared/protocol/groups';

/** What the display order needs of a group message. */
export interface OrderedPost {
  readonly mid: string;
  readonly origin: string;
  readonly seq: number;
  readonly v: number;
  readonly pv: number;
  readonly deps: readonly GroupDependency[];
}

export interface Release<P extends OrderedPost> {
  readonly post: P;
  /** Shown before something it depends on (the bounded wait ran out), or after later ones. */
  readonly gap: boolean;
}

export interface OrderWaits {
  /** How long a message waits for the messages of other members it depends on. */
  readonly causalMs: number;
  /**
   * When set, the causal wait of each message instead (ms): it follows the retransmission
   * timeout of the links its dependencies come over (docs/PROTOCOL.md, "Display order").
   */
  readonly causalFor?: (post: OrderedPost) => number;
  /** How long a message waits for an earlier message of its own sender. */
  readonly senderMs: number;
}

/** Messages of one group waiting at once; beyond it the oldest is shown with a gap marker. */
const MAX_WAITING = 4_096;

interface Waiting<P> {
  readonly post: P;
  readonly since: number;
}

/**
 * The display order of one group (docs/PROTOCOL.md, "Display order"). Pure: time is passed in.
 * A message shows when the previous message of its sender has shown (if this member was owed
 * it) and every message in its causal context has shown (if this member was owed it); else it
 * waits, at most `senderMs` or `causalMs`, then shows with a gap marker. The same rule on every
 * member gives per-sender order always and causal order wherever the messages arrived in time;
 * there is no total order across senders.
 */
export class GroupOrder<P extends OrderedPost> {
  /** Highest sequence number shown, per sender. */
  private readonly shown = new Map<string, number>();
  /** What was shown last from each sender, for the causal context of our next message. */
  private readonly latest = new Map<string, { seq: number; v: number; at: number }>();
  private readonly waiting = new Map<string, Waiting<P>>();
  /**
   * The membership version since which this node is a member: messages sent before it were not
   * sent to this node, so it waits for none of them.
   */
  joinedAt = 1;

  constructor(
    private readonly self: string,
    private readonly waits: OrderWaits,
  ) {}

  /** Restores what was shown before a restart (highest seq and version per sender). */
  restoreShown(origin: string, seq: number, v: number): void {
    if (seq > (this.shown.get(origin) ?? 0)) this.shown.set(origin, seq);
    const latest = this.latest.get(origin);
    if (latest === undefined || seq > latest.seq) this.latest.set(origin, { seq, v, at: 0 });
  }

  head(origin: string): number {
    return this.shown.get(origin) ?? 0;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  isWaiting(mid: string): boolean {
    return this.waiting.has(mid);
  }

  /** Our own message: shown as it is sent. */
  noteOwn(post: OrderedPost, now: number): void {
    this.noteShown(post, now);
  }

  /** A message arrived (or was restored waiting): what can show now, in order. */
  offer(post: P, now: number, since = now): Release<P>[] {
    if (!this.waiting.has(post.mid)) this.waiting.set(post.mid, { post, since });
    const forced: Release<P>[] = [];
    while (this.waiting.size > MAX_WAITING) {
      const oldest = this.waiting.values().next();
      if (oldest.done === true) break;
      this.waiting.delete(oldest.value.post.mid);
      this.noteShown(oldest.value.post, now);
      forced.push({ post: oldest.value.post, gap: true });
    }
    return [...forced, ...this.release(now)];
  }

  /** Time passed: messages whose wait ran out show (with gap markers), and what they unblock. */
  tick(now: number): Release<P>[] {
    return this.release(now);
  }

  /** When the next wait runs out, or undefined when nothing waits. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const { post, since } of this.waiting.values()) {
      const at = since + (this.senderReady(post) ? this.causalWait(post) : this.waits.senderMs);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** The oldest time a message has been waiting since (repair asks for help after a while). */
  oldestWaitingSince(): number | undefined {
    let oldest: number | undefined;
    for (const { since } of this.waiting.values())
      if (oldest === undefined || since < oldest) oldest = since;
    return oldest;
  }

  /**
   * Since when a message of `origin` has waited for an earlier one of the same sender (that
   * earlier one is lost on the way here, or stuck behind a dead link), or undefined.
   */
  stalledSince(origin: string): number | undefined {
    let oldest: number | undefined;
    for (const { post, since } of this.waiting.values()) {
      if (post.origin !== origin || this.senderReady(post)) continue;
      if (oldest === undefined || since < oldest) oldest = since;
    }
    return oldest;
  }

  /**
   * The sequence numbers of `origin` after what was shown, up to `upTo`, that are neither shown
   * nor waiting here: what repair asks other members for. At most `limit` ranges.
   */
  missing(origin: string, upTo: number, limit: number): [number, number][] {
    const have = new Set<number>();
    for (const { post } of this.waiting.values()) if (post.origin === origin) have.add(post.seq);
    const ranges: [number, number][] = [];
    let start: number | undefined;
    for (let seq = this.head(origin) + 1; seq <= upTo + 1; seq += 1) {
      const gap = seq <= upTo && !have.has(seq);
      if (gap && start === undefined) start = seq;
      if (!gap && start !== undefined) {
        ranges.push([start, seq - 1]);
        start = undefined;
        if (ranges.length >= limit) break;
      }
    }
    return ranges;
  }

  /** The lowest sequence number of `origin` that waits here, if any. */
  lowestWaiting(origin: string): number | undefined {
    let lowest: number | undefined;
    for (const { post } of this.waiting.values())
      if (post.origin === origin && (lowest === undefined || post.seq < lowest)) lowest = post.seq;
    return lowest;
  }

  /** The newest message shown from up to `limit` other members, most recent first. */
  context(limit: number): [string, number, number][] {
    return [...this.latest.entries()]
      .filter(([origin]) => origin !== this.self)
      .sort((a, b) => b[1].at - a[1].at || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([origin, { seq, v }]) => [origin, seq, v]);
  }

  private release(now: number): Release<P>[] {
    const out: Release<P>[] = [];
    let changed = true;
    while (changed && this.waiting.size > 0) {
      changed = false;
      const candidates = [...this.waiting.values()].sort(
        (a, b) =>
          (a.post.origin < b.post.origin ? -1 : a.post.origin > b.post.origin ? 1 : 0) ||
          a.post.seq - b.post.seq,
      );
      for (const { post, since } of candidates) {
        const gap = this.decide(post, now - since);
        if (gap === undefined) continue;
        this.waiting.delete(post.mid);
        this.noteShown(post, now);
        out.push({ post, gap });
        changed = true;
      }
    }
    return out;
  }

  /** undefined: keep waiting; false: show in order; true: show with a gap marker. */
  private decide(post: P, waited: number): boolean | undefined {
    if (post.seq <= this.head(post.origin)) return true; // later ones of its sender already shown
    const sender = this.senderReady(post);
    if (sender && this.causalReady(post)) return false;
    if (!sender) return waited >= this.waits.senderMs ? true : undefined;
    return waited >= this.causalWait(post) ? true : undefined;
  }

  private causalWait(post: OrderedPost): number {
    return this.waits.causalFor?.(post) ?? this.waits.causalMs;
  }

  private senderReady(post: OrderedPost): boolean {
    const head = this.head(post.origin);
    if (post.seq === head + 1) return true;
    // The sender's previous message went out before we were a member: nothing of it is owed.
    return post.pv < this.joinedAt;
  }

  private causalReady(post: OrderedPost): boolean {
    return post.deps.every(
      ([origin, seq, v]) => origin === this.self || this.head(origin) >= seq || v < this.joinedAt,
    );
  }

  private noteShown(post: OrderedPost, now: number): void {
    if (post.seq > this.head(post.origin)) this.shown.set(post.origin, post.seq);
    const latest = this.latest.get(post.origin);
    if (latest === undefined || post.seq >= latest.seq)
      this.latest.set(post.origin, { seq: post.seq, v: post.v, at: now });
  }
}

/**
 * Token buckets keyed by source (IP:port). Time is passed in so it can be tested without a clock.
 * The map is bounded: when full, the least recently used source is forgotten (it starts again
 * with a full bucket, which is the safe direction for a legitimate peer).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxSources: number,
  ) {}

  /** Takes one token for `source`; false when the source is over its rate. */
  take(source: string, nowMs: number): boolean {
    const bucket = this.buckets.get(source);
    let tokens: number;
    if (bucket === undefined) {
      tokens = this.burst;
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next();
        if (oldest.done !== true) this.buckets.delete(oldest.value);
      }
    } else {
      const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
      tokens = Math.min(this.burst, bucket.tokens + elapsed * this.perSecond);
      this.buckets.delete(source); // re-inserted below: Map order doubles as LRU order
    }
    const allowed = tokens >= 1;
    this.buckets.set(source, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    return allowed;
  }

  get size(): number {
    return this.buckets.size;
  }
}

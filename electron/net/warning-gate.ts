/**
 * Lets one warning per (code, source) through per interval and counts the rest, so a flood of
 * junk produces a trickle of warnings rather than a flood of events.
 */
export class WarningGate {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** Returns the number of warnings suppressed since the last one let through, or -1 to drop. */
  pass(key: string, now: number): number {
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return -1;
    }
    if (entry === undefined && this.last.size >= this.maxKeys) this.last.clear();
    this.last.set(key, { at: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }
}

import { BoundedMap } from './bounded-set';

/** At most one "typing" notice per peer per interval. Pure: time is passed in. */
export class TypingGate {
  private readonly last = new BoundedMap<string, number>(4_096);

  constructor(private readonly intervalMs: number) {}

  /** True (and remembered) when a notice to `peerId` may go now. */
  pass(peerId: string, now: number): boolean {
    const previous = this.last.get(peerId);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(peerId, now);
    return true;
  }
}

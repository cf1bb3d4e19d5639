import type { PeerInfo } from '../../shared/domain';

/**
 * Which peers stopped answering. A peer that has sent nothing for `afterMs` since a transmission
 * to it went out is "not responding": the UI can say so within seconds of a message going
 * unacknowledged, long before the presence timeout (PEER_TIMEOUT_MS) marks it offline. The next
 * packet from it clears the mark. Pure: every method takes the current time.
 */
export class Responsiveness {
  /** Per peer: when the oldest transmission still waiting for any answer went out. */
  private readonly waiting = new Map<string, number>();
  private readonly silent = new Set<string>();

  constructor(private readonly afterMs: number) {}

  /** Something that asks for an answer (a text, a fragment) went to the peer. */
  expect(peerId: string, now: number): void {
    if (!this.waiting.has(peerId)) this.waiting.set(peerId, now);
  }

  /** A packet came from the peer. True when this ends a "not responding" mark. */
  heard(peerId: string): boolean {
    this.waiting.delete(peerId);
    return this.silent.delete(peerId);
  }

  /** The peer went offline: presence says more than this mark now. */
  forget(peerId: string): void {
    this.waiting.delete(peerId);
    this.silent.delete(peerId);
  }

  /** Whether any transmission still waits for an answer (a check has something to look at). */
  hasWaiting(): boolean {
    return this.waiting.size > 0;
  }

  /** Peers that became "not responding" since the last check. */
  check(now: number): string[] {
    const found: string[] = [];
    for (const [peerId, since] of this.waiting) {
      if (now - since < this.afterMs || this.silent.has(peerId)) continue;
      this.silent.add(peerId);
      found.push(peerId);
    }
    return found;
  }

  /** The peer as the UI should see it: `responding: false` while it is marked. */
  apply(peer: PeerInfo): PeerInfo {
    return this.silent.has(peer.id) && peer.online ? { ...peer, responding: false } : peer;
  }
}

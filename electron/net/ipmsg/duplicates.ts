// Drops retransmitted SENDMSG packets: the same (sender, packet number) again. Packet numbers are
// per sender and only increase while it runs, but iptux starts again from 1 on every start, so a
// BR_ENTRY whose number is not above what we saw from that sender starts a new session and old
// numbers become new again. Bounded: a window of the most recent numbers, a bounded session map.
import { BoundedMap, BoundedSet } from '../bounded-set';

interface Session {
  epoch: number;
  highest: number;
  lastEntry: number;
  lastEntryAt: number;
}

/** Copies of one BR_ENTRY (sent to several broadcast addresses) arrive within this. */
const ENTRY_COPIES_MS = 2_000;

export class DuplicateFilter {
  private readonly seen: BoundedSet<string>;
  private readonly sessions: BoundedMap<string, Session>;

  constructor(window: number, maxSenders: number) {
    this.seen = new BoundedSet(window);
    this.sessions = new BoundedMap(maxSenders);
  }

  /** A BR_ENTRY from `address`: a restart when its number does not go up. */
  entry(address: string, packetNo: number, now: number): void {
    const session = this.sessions.get(address);
    if (session === undefined) {
      this.sessions.set(address, {
        epoch: 0,
        highest: packetNo,
        lastEntry: packetNo,
        lastEntryAt: now,
      });
      return;
    }
    if (packetNo === session.lastEntry && now - session.lastEntryAt < ENTRY_COPIES_MS) return;
    if (packetNo <= session.highest) session.epoch += 1; // numbers went down: it restarted
    session.highest = packetNo;
    session.lastEntry = packetNo;
    session.lastEntryAt = now;
  }

  /** Whether this packet number was taken from `address` in its current session. */
  has(address: string, packetNo: number): boolean {
    const session = this.sessions.get(address);
    return session !== undefined && this.seen.has(this.key(address, session, packetNo));
  }

  /** Remembers a packet number once its message is stored (not before: no ack, no memory). */
  add(address: string, packetNo: number): void {
    let session = this.sessions.get(address);
    if (session === undefined) {
      session = { epoch: 0, highest: packetNo, lastEntry: -1, lastEntryAt: -Infinity };
      this.sessions.set(address, session);
    }
    session.highest = Math.max(session.highest, packetNo);
    this.seen.add(this.key(address, session, packetNo));
  }

  private key(address: string, session: Session, packetNo: number): string {
    return `${address}#${session.epoch}#${packetNo}`;
  }
}

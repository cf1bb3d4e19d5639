import type { MemberDelivery, MessageStateChange } from '../../../shared/domain';
import { BoundedMap } from '../bounded-set';
import { tallyChange } from './group-view';

/** The deliveries of one of our messages still under way. */
interface Tally {
  readonly groupId: string;
  readonly members: Map<string, MemberDelivery>;
}

/**
 * How far each of our group messages got, member by member ("delivered to 7 of 9, waiting for
 * carol, dave"): fed by the delivery states of the one-to-one streams that carry it.
 */
export class GroupTallies {
  private readonly open = new Map<string, Tally>();
  /** Delivery id -> our message and its member, for the deliveries we count. */
  private readonly deliveries = new Map<string, { mid: string; peerId: string }>();
  /** Tallies that are complete, for "who got it" questions. */
  private readonly finished = new BoundedMap<string, readonly MemberDelivery[]>(2_048);

  /** A delivery of our message `mid` to `delivery.peerId` (new, or restored after a restart). */
  track(deliveryId: string, mid: string, groupId: string, delivery: MemberDelivery): void {
    this.deliveries.set(deliveryId, { mid, peerId: delivery.peerId });
    let tally = this.open.get(mid);
    if (tally === undefined) {
      tally = { groupId, members: new Map() };
      this.open.set(mid, tally);
    }
    tally.members.set(delivery.peerId, delivery);
  }

  /** A delivery changed state: the message's new summary, or undefined when it is not ours. */
  update(change: MessageStateChange): MessageStateChange | undefined {
    const entry = this.deliveries.get(change.id);
    const tally = entry === undefined ? undefined : this.open.get(entry.mid);
    if (entry === undefined || tally === undefined) return undefined;
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
    if (summary.state === 'delivered' || summary.state === 'failed') {
      this.open.delete(entry.mid);
      this.finished.set(entry.mid, list);
    }
    return summary;
  }

  /** Per member, as far as this run knows; undefined for a message it has no tally of. */
  of(mid: string): readonly MemberDelivery[] | undefined {
    const open = this.open.get(mid);
    return open === undefined ? this.finished.get(mid) : [...open.members.values()];
  }
}

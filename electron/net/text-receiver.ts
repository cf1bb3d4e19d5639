import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { ChatMessage, NodeCounters, Transport } from '../../shared/domain';
import type { AckPacket, FragPacket, Packet, TextPacket } from '../../shared/protocol/packets';
import { BoundedMap } from './bounded-set';
import { ControlInbox } from './control-inbox';
import { Reassembler } from './fragments';
import { InboundOrder, type InboundVerdict } from './inbound-order';
import type { ControlTag, IncomingRecord, NodePersistence } from './persistence';
import type { StorageGuard } from './storage-guard';
import type { PeerLink } from './peer-link';
import type { Arrival as GroupArrival, Prepared } from './groups/group-intake';
import { isRelayRoute } from './relay/route';

export interface TextReceiverDeps {
  readonly nodeId: string;
  readonly now: () => number;
  readonly counters: NodeCounters;
  readonly link: PeerLink;
  readonly persistence?: NodePersistence | undefined;
  readonly storage: StorageGuard;
  /** A message became deliverable (stored first, when there is storage). */
  received(message: ChatMessage): void;
  /**
   * A packet carrying a group item arrived, new to its stream: what the groups store with the
   * stream's state (before the ack) and do after it. Group items are taken when they arrive,
   * whatever their place in the stream: the groups order them by writer, not by carrier.
   */
  carried?(packet: TextPacket, arrival: GroupArrival): Prepared | undefined;
  warn(message: string, remote: Endpoint): void;
}

/** How a held message arrived, so its event names the right transport and address. */
interface Arrival {
  readonly transport: Transport;
  readonly remote: string;
}

/**
 * Incoming text from PacketChat peers: reassembles fragments, orders and deduplicates, stores,
 * then acknowledges. In-memory state changes only after the store has the message, so a message
 * that could not be stored (a full disk) is handled as new when the sender sends it again.
 */
export class TextReceiver {
  private readonly order = new InboundOrder();
  private readonly reassembler = new Reassembler();
  private readonly arrivals = new BoundedMap<string, Arrival>(8_192);
  /** Restored stream placeholders of group items (taken before the restart): shown by nobody. */
  private readonly restoredCarried = new Set<string>();
  /** Control messages: their consumers, and each one handled before its ack. */
  readonly controls = new ControlInbox();

  constructor(private readonly deps: TextReceiverDeps) {}

  close(): void {
    this.controls.close();
  }

  /** After a restart: streams continue where they were, held messages wait for their gaps. */
  restore(): void {
    const store = this.deps.persistence;
    if (store === undefined) return;
    const { streams, held } = store.loadInbound();
    this.order.restore(
      streams,
      held.map((r) => ({
        kind: 'text',
        from: r.peerId,
        id: r.id,
        epoch: r.epoch,
        seq: r.seq,
        floor: r.seq,
        ts: r.sentAt,
        text: r.text,
        ...(r.reply === undefined ? {} : { reply: r.reply }),
        ...(r.control === undefined ? {} : { control: r.control.name }),
      })),
    );
    for (const r of held) {
      if (r.carried === true) this.restoredCarried.add(r.id);
      else this.arrivals.set(r.id, { transport: r.transport, remote: r.remote });
    }
  }

  receive(
    packet: TextPacket,
    from: Endpoint,
    transport: Transport,
    reply?: (p: Packet) => void,
  ): void {
    const again = (): void => this.receive(packet, from, transport, reply);
    // A consumer is handling this peer's control messages: the stream waits for it.
    if (this.controls.defer(packet.from, again)) return;
    const verdict = this.order.accept(packet);
    // Control messages are handled in stream order before they are committed and acknowledged.
    const waiting = verdict.deliver.filter((m) => !this.controls.ready(m));
    if (waiting.length > 0) {
      if (waiting.some((m) => this.controls.unserved(m))) return; // no ack: it comes again
      this.controls.run(packet.from, waiting, again);
      return;
    }
    if (verdict.duplicate) this.deps.counters.duplicatesDropped += 1;
    const now = this.deps.now();
    const arrival: Arrival = {
      transport,
      remote: isRelayRoute(from) ? `relay ${from.broker}` : formatEndpoint(from),
    };
    const isNew = verdict.ack && !verdict.duplicate;
    const carried =
      isNew && packet.group !== undefined ? this.deps.carried?.(packet, arrival) : undefined;
    const shown = this.store(packet, verdict, arrival, now, carried);
    if (shown === undefined) return; // not stored: no ack, so the sender sends it again
    verdict.commit();
    carried?.commit();
    for (const message of verdict.deliver) this.controls.committed(message.id);
    if (isNew && packet.group === undefined) this.arrivals.set(packet.id, arrival);
    if (verdict.ack) this.acknowledge(packet, from, reply);
    for (const message of shown) {
      // A group item was taken when it arrived; its place in the stream is all that is left.
      if (message.group !== undefined || this.restoredCarried.delete(message.id)) continue;
      const how = this.arrivals.get(message.id) ?? arrival;
      this.arrivals.delete(message.id);
      const card = this.tagOf(message)?.card;
      if (message.control !== undefined && card === undefined) continue; // never shown
      this.deps.counters.messagesReceived += 1;
      this.deps.received({
        id: message.id,
        peerId: message.from,
        direction: 'in',
        text: card === undefined ? message.text : card.names.join(', '),
        transport: how.transport,
        state: 'received',
        seq: message.seq,
        sentAt: message.ts,
        receivedAt: now,
        remote: how.remote,
        ...(message.reply === undefined ? {} : { reply: message.reply }),
        ...(card === undefined ? {} : { file: card }),
      });
    }
  }

  /** A control message's tag: its consumer's name and the card it shows as, if any. */
  private tagOf(message: TextPacket): ControlTag | undefined {
    const name = message.control;
    if (name === undefined) return undefined;
    const card = this.controls.consumer(name)?.card(message.text);
    return card === undefined ? { name } : { name, card };
  }

  receiveFragment(fragment: FragPacket, from: Endpoint, transport: Transport = 'udp'): void {
    this.deps.counters.fragmentsReceived += 1;
    if (this.order.delivered(fragment.from, fragment.id)) {
      this.deps.counters.duplicatesDropped += 1;
      this.acknowledge(fragment, from); // our ack was lost: say it again
      return;
    }
    const result = this.reassembler.accept(fragment, this.deps.now());
    if (result.status === 'complete') this.receive(result.packet, from, transport);
    if (result.status === 'rejected') this.deps.warn(`dropped fragment: ${result.reason}`, from);
  }

  /**
   * Stores what this packet changed (the new message, held or in place, and any held ones it
   * released) before the ack goes out. Returns what to show, or undefined when storing failed.
   */
  private store(
    packet: TextPacket,
    verdict: InboundVerdict,
    arrival: Arrival,
    now: number,
    carried: Prepared | undefined,
  ): readonly TextPacket[] | undefined {
    const store = this.deps.persistence;
    const accepted = verdict.ack && !verdict.duplicate;
    if (store === undefined) {
      if (
        carried !== undefined &&
        this.deps.storage.run('take a group item', () => carried.write()) === undefined
      )
        return undefined;
      return verdict.deliver;
    }
    if (!accepted && verdict.deliver.length === 0) return verdict.deliver;
    // The new message is inserted in place when it is the first to show; otherwise it is stored
    // held and released with the rest, so stored order is exactly delivery order. A group item
    // is stored by the groups; held, it leaves an empty placeholder that keeps its stream place.
    const first = verdict.deliver[0]?.id === packet.id;
    const isCarried = packet.group !== undefined;
    const control = this.tagOf(packet);
    // A control message is stored while it waits for an earlier one, or as a card; otherwise
    // only its place in the stream is kept.
    const kept = isCarried ? !first : control === undefined || !first || control.card !== undefined;
    const record: IncomingRecord | undefined =
      accepted && kept
        ? {
            id: packet.id,
            peerId: packet.from,
            epoch: packet.epoch,
            seq: packet.seq,
            text: isCarried ? '' : packet.text,
            transport: arrival.transport,
            sentAt: packet.ts,
            receivedAt: now,
            remote: arrival.remote,
            held: !first,
            ...(isCarried ? { carried: true } : {}),
            ...(packet.reply === undefined || isCarried ? {} : { reply: packet.reply }),
            ...(control === undefined ? {} : { control }),
          }
        : undefined;
    const released = verdict.deliver.filter((m) => !(first && m.id === packet.id)).map((m) => m.id);
    const stored = this.deps.storage.run('store received messages', () =>
      store.transaction(() => {
        carried?.write();
        return store.recordInbound({
          ...(record === undefined ? {} : { record }),
          released,
          stream: { peerId: packet.from, epoch: packet.epoch, expected: verdict.expected },
          at: now,
        });
      }),
    );
    if (stored === undefined) return undefined;
    // Stored before (a restart forgot it was delivered): ack again, show nothing twice.
    return stored.value === 'duplicate'
      ? verdict.deliver.filter((m) => m.id !== packet.id)
      : verdict.deliver;
  }

  private acknowledge(
    packet: TextPacket | FragPacket,
    from: Endpoint,
    reply?: (p: Packet) => void,
  ): void {
    const ack: AckPacket = {
      kind: 'ack',
      from: this.deps.nodeId,
      id: packet.id,
      epoch: packet.epoch,
      seq: packet.seq,
    };
    if (reply === undefined) this.deps.link.send(packet.from, from, ack);
    else reply(ack);
  }
}

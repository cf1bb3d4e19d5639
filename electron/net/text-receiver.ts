import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { ChatMessage, NodeCounters, Transport } from '../../shared/domain';
import type { AckPacket, FragPacket, Packet, TextPacket } from '../../shared/protocol/packets';
import { BoundedMap } from './bounded-set';
import { ControlInbox } from './control-inbox';
import { Reassembler } from './fragments';
import { InboundOrder, type InboundVerdict } from './inbound-order';
import type { ControlTag, InboundChange, IncomingRecord, NodePersistence } from './persistence';
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

/** One accepted packet on its way to storage, the ack and the display. */
interface Received {
  readonly packet: TextPacket;
  readonly from: Endpoint;
  readonly verdict: InboundVerdict;
  readonly arrival: Arrival;
  readonly now: number;
  /** Over TCP: answers on the connection it came by. Undefined over UDP (the peer's address). */
  readonly reply: ((p: Packet) => void) | undefined;
}

type StoreResult = ReturnType<NodePersistence['recordInbound']>;

/** The inbound stores of one event-loop turn, committed together before any of them is acked. */
interface Batch {
  readonly items: { readonly change: InboundChange | undefined; done(result: StoreResult): void }[];
  readonly timer: ReturnType<typeof setImmediate>;
}

/**
 * Incoming text from PacketChat peers: reassembles fragments, orders and deduplicates, stores,
 * then acknowledges. The stores of one event-loop turn share one transaction (docs/STORAGE.md,
 * "Delivery that survives restarts"); in-memory order changes are undone when it fails, so a
 * message that could not be stored (a full disk) is handled as new when the sender sends it again.
 */
export class TextReceiver {
  private readonly order = new InboundOrder();
  private readonly reassembler = new Reassembler();
  private readonly arrivals = new BoundedMap<string, Arrival>(8_192);
  /** Restored stream placeholders of group items (taken before the restart): shown by nobody. */
  private readonly restoredCarried = new Set<string>();
  /** Control messages: their consumers, and each one handled before its ack. */
  readonly controls = new ControlInbox();
  private batch: Batch | undefined;
  private lastArrival:
    | { readonly from: Endpoint; readonly transport: Transport; readonly arrival: Arrival }
    | undefined;

  constructor(private readonly deps: TextReceiverDeps) {}

  /** Stores and acknowledges what is pending (the sockets are still open). */
  close(): void {
    this.flush();
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
    // A consumer is handling this peer's control messages: the stream waits for it.
    if (this.controls.isBusy(packet.from)) {
      this.controls.defer(packet.from, this.later(packet, from, transport, reply));
      return;
    }
    // A group item's checks read the groups' memory, which changes only after its store: it is
    // stored alone, after the batch before it.
    const alone = packet.group !== undefined || this.deps.persistence === undefined;
    if (alone) this.flush();
    const verdict = this.order.accept(packet);
    // Control messages are handled in stream order before they are committed and acknowledged.
    let waiting: TextPacket[] | undefined;
    for (const m of verdict.deliver) if (!this.controls.ready(m)) (waiting ??= []).push(m);
    if (waiting !== undefined) {
      if (waiting.some((m) => this.controls.unserved(m))) return; // no ack: it comes again
      this.controls.run(packet.from, waiting, this.later(packet, from, transport, reply));
      return;
    }
    if (verdict.duplicate) this.deps.counters.duplicatesDropped += 1;
    const got: Received = {
      packet,
      from,
      verdict,
      now: this.deps.now(),
      arrival: this.arrivalOf(from, transport),
      // Always written (an empty spread cost an object and a slow copy per text).
      reply,
    };
    if (alone) this.receiveAlone(got);
    else this.receiveInBatch(got);
  }

  /**
   * How a packet from `from` arrived. The texts of one bundle, and a stream's bundles, come from
   * one address: the last one's is kept, not formatted again for every text.
   */
  private arrivalOf(from: Endpoint, transport: Transport): Arrival {
    const last = this.lastArrival;
    if (
      last?.transport === transport &&
      (last.from === from ||
        (!isRelayRoute(from) &&
          !isRelayRoute(last.from) &&
          last.from.address === from.address &&
          last.from.port === from.port))
    )
      return last.arrival;
    const arrival: Arrival = {
      transport,
      remote: isRelayRoute(from) ? `relay ${from.broker}` : formatEndpoint(from),
    };
    this.lastArrival = { from, transport, arrival };
    return arrival;
  }

  /** `receive()` of the packet again, for when it has to wait (made only then). */
  private later(
    packet: TextPacket,
    from: Endpoint,
    transport: Transport,
    reply: ((p: Packet) => void) | undefined,
  ): () => void {
    return () => this.receive(packet, from, transport, reply);
  }

  /** Stores the packet in a transaction of its own, then acknowledges and shows. */
  private receiveAlone(got: Received): void {
    const { packet, verdict } = got;
    const carried =
      verdict.ack && !verdict.duplicate && packet.group !== undefined
        ? this.deps.carried?.(packet, got.arrival)
        : undefined;
    const shown = this.store(got, carried);
    if (shown === undefined) return; // not stored: no ack, so the sender sends it again
    verdict.commit();
    carried?.commit();
    this.finish(got, shown);
  }

  /**
   * Group commit (docs/STORAGE.md, "Store, then ack"): the packet's verdict takes effect now, so
   * the next packets of this event-loop turn are judged after it, and its store joins the turn's
   * one transaction. Acks and events follow that transaction's commit; if it fails, every
   * verdict of the batch is undone and nothing is acknowledged.
   */
  private receiveInBatch(got: Received): void {
    const change = this.changeOf(got);
    if (change === undefined && this.batch === undefined) {
      got.verdict.commit(); // nothing to store and nothing pending: answer at once
      this.finish(got, got.verdict.deliver);
      return;
    }
    this.join(change, (result) => this.finish(got, this.shownAfter(got, result)));
    got.verdict.commit(); // after join: the batch is open, so this can be undone
  }

  /** Adds a store (or nothing to store) and what follows its commit to the open batch. */
  private join(change: InboundChange | undefined, done: (result: StoreResult) => void): void {
    if (this.batch === undefined) {
      this.order.begin();
      this.batch = { items: [], timer: setImmediate(() => this.flush()) };
    }
    this.batch.items.push({ change, done });
  }

  /** Stores the open batch in one transaction, then acknowledges and shows its messages. */
  flush(): void {
    const batch = this.batch;
    const store = this.deps.persistence;
    if (batch === undefined || store === undefined) return;
    this.batch = undefined;
    clearImmediate(batch.timer);
    const stored = this.deps.storage.run('store received messages', () =>
      store.transaction(() =>
        batch.items.map((item) =>
          item.change === undefined ? 'none' : store.recordInbound(item.change),
        ),
      ),
    );
    if (stored === undefined) {
      this.order.rollback(); // not stored: no ack, so the senders send them again
      return;
    }
    this.order.settle();
    batch.items.forEach((item, i) => item.done(stored.value[i] ?? 'none'));
  }

  /** After the store: in-memory state, the ack, and the messages that became visible. */
  private finish(got: Received, shown: readonly TextPacket[]): void {
    const { packet, verdict, arrival, now } = got;
    for (const message of verdict.deliver) this.controls.committed(message.id);
    // How a held message came is kept until it is shown; one shown now needs no keeping.
    if (verdict.ack && !verdict.duplicate && packet.group === undefined && !shown.includes(packet))
      this.arrivals.set(packet.id, arrival);
    if (verdict.ack) this.acknowledge(packet, got.from, got.reply);
    for (const message of shown) {
      // A group item was taken when it arrived; its place in the stream is all that is left.
      if (message.group !== undefined || this.restoredCarried.delete(message.id)) continue;
      let how = arrival;
      if (message !== packet) {
        how = this.arrivals.get(message.id) ?? arrival;
        this.arrivals.delete(message.id);
      }
      const card = this.tagOf(message)?.card;
      if (message.control !== undefined && card === undefined) continue; // never shown
      this.deps.counters.messagesReceived += 1;
      const shownMessage: ChatMessage = {
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
      };
      // One literal for a plain text; the optional fields are spread in only when there are any.
      this.deps.received(
        message.reply === undefined && card === undefined
          ? shownMessage
          : {
              ...shownMessage,
              ...(message.reply === undefined ? {} : { reply: message.reply }),
              ...(card === undefined ? {} : { file: card }),
            },
      );
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
      // Our ack was lost: say it again, after the batch that may be storing this very message.
      if (this.batch === undefined) this.acknowledge(fragment, from);
      else this.join(undefined, () => this.acknowledge(fragment, from));
      return;
    }
    const result = this.reassembler.accept(fragment, this.deps.now());
    if (result.status === 'complete') this.receive(result.packet, from, transport);
    if (result.status === 'rejected') this.deps.warn(`dropped fragment: ${result.reason}`, from);
  }

  /**
   * Stores what this packet changed in a transaction of its own, before the ack goes out.
   * Returns what to show, or undefined when storing failed.
   */
  private store(got: Received, carried: Prepared | undefined): readonly TextPacket[] | undefined {
    const store = this.deps.persistence;
    if (store === undefined) {
      if (
        carried !== undefined &&
        this.deps.storage.run('take a group item', () => carried.write()) === undefined
      )
        return undefined;
      return got.verdict.deliver;
    }
    const change = this.changeOf(got);
    if (change === undefined) return got.verdict.deliver;
    const stored = this.deps.storage.run('store received messages', () =>
      store.transaction(() => {
        carried?.write();
        return store.recordInbound(change);
      }),
    );
    return stored === undefined ? undefined : this.shownAfter(got, stored.value);
  }

  /**
   * What this packet changes in storage (the new message, held or in place, and any held ones
   * it released), or undefined when there is nothing to store.
   */
  private changeOf(got: Received): InboundChange | undefined {
    const { packet, verdict, arrival, now } = got;
    const accepted = verdict.ack && !verdict.duplicate;
    if (!accepted && verdict.deliver.length === 0) return undefined;
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
    return {
      ...(record === undefined ? {} : { record }),
      released,
      stream: { peerId: packet.from, epoch: packet.epoch, expected: verdict.expected },
      at: now,
    };
  }

  /** Stored before (a restart forgot it was delivered): ack again, show nothing twice. */
  private shownAfter(got: Received, result: StoreResult): readonly TextPacket[] {
    const { packet, verdict } = got;
    return result === 'duplicate'
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

import type { Endpoint } from '../../shared/address';
import type {
  ChatMessage,
  MessageReply,
  MessageStateChange,
  NodeCounters,
  PeerInfo,
  Transport,
} from '../../shared/domain';
import { fitsOneDatagram, type StreamRole } from '../../shared/protocol/codec';
import { MAX_INNER_DATAGRAM_BYTES, TCP_ACK_TIMEOUT_MS } from '../../shared/protocol/constants';
import type { GroupRef } from '../../shared/protocol/groups';
import type { AckPacket, TextPacket } from '../../shared/protocol/packets';
import { fragmentText } from './fragments';
import type { ResolvedOptions } from './node-options';
import {
  HELD_EPOCH,
  type ControlTag,
  type NodePersistence,
  type OutgoingRecord,
} from './persistence';
import type { PeerTable } from './peer-table';
import { DeliveryStateWriter } from './state-writer';
import { ReliableSender, type OutboundMessage, type SendMode } from './reliable-sender';
import type { StorageGuard } from './storage-guard';
import type { Timers } from './timers';
import { NodeError } from './types';
import type { PeerLink } from './peer-link';
import type { CarriedItem } from './groups/group-runtime';

/** What a stream message is besides chat text (a group item wins: a record is never both). */
function streamRole(
  group: GroupRef | undefined,
  control: string | undefined,
): StreamRole | undefined {
  if (group !== undefined) return { group };
  return control === undefined ? undefined : { control };
}

/**
 * Transmissions of one message that may go unanswered before the relay is tried (about 3.5 s
 * with the default timers; a relay that reaches the peer takes the rest, docs/RELAY.md).
 */
export const UNANSWERED_BEFORE_RELAY = 3;

/** How often a peer reached over TCP gets a text as a datagram too, to see whether UDP is back. */
const UDP_PROBE_EVERY_MS = 1_000;

export interface TextSenderDeps {
  readonly options: ResolvedOptions;
  readonly counters: NodeCounters;
  readonly link: PeerLink;
  readonly peers: PeerTable;
  readonly timers: Timers;
  readonly tcpAckTimeoutMs?: number;
  readonly persistence?: NodePersistence | undefined;
  readonly storage: StorageGuard;
  stateChanged(change: MessageStateChange): void;
  /** A delivery of a group item changed state (these are no conversation's messages). */
  carriedState(change: MessageStateChange): void;
  /** A control message changed state (these are no conversation's messages, cards included). */
  controlState?(change: MessageStateChange, control: string): void;
  warn(message: string, remote: Endpoint): void;
  /** A transmission that asks for an answer went to this peer (for "not responding"). */
  transmitted?(peerId: string): void;
}

/** A new message before its store: its record, and what starts after (none when held). */
interface NewMessage {
  readonly record: OutgoingRecord;
  readonly message: OutboundMessage | undefined;
  /** The stream's next number once it is stored (none when held: it is in no stream yet). */
  readonly nextSeq: number | undefined;
}

/** The new texts of one event-loop turn, stored together before any of them is sent. */
interface OutboundBatch {
  readonly items: (NewMessage & {
    resolve(message: ChatMessage): void;
    reject(error: NodeError): void;
  })[];
  readonly timer: ReturnType<typeof setImmediate>;
}

/**
 * Outgoing text to PacketChat peers: picks the transport (one datagram, TCP, or fragments),
 * stores the message, hands it to the reliable sender, and runs the fallback (one TCP attempt,
 * then `pending`). Every state change is stored, then emitted unchanged.
 */
export class TextSender {
  private readonly sender: ReliableSender;
  /** Peers whose key changed: messages to them are stored `held`, not sent (docs/PROTOCOL.md). */
  private readonly held = new Set<string>();
  /** Open deliveries of group items: their states go to the groups, not to a conversation. */
  private readonly carried = new Set<string>();
  /** Open control messages (id → consumer): their states go to the consumer, not a conversation. */
  private readonly controls = new Map<string, string>();
  private readonly states: DeliveryStateWriter | undefined;
  /**
   * Peers reached over TCP after UDP went unanswered, with when a UDP probe last went to each:
   * their texts go over TCP at once, each second one also as a datagram; an ack that comes back
   * over UDP ends this (docs/PROTOCOL.md, "UDP blocked").
   */
  private readonly overTcp = new Map<string, number>();
  /** New texts of this event-loop turn, waiting for their one transaction (see `send()`). */
  private batch: OutboundBatch | undefined;

  constructor(private readonly deps: TextSenderDeps) {
    const o = deps.options;
    const store = deps.persistence;
    // Delivery states queued when a batch of new texts is waiting go into that batch's commit.
    const states =
      store === undefined
        ? undefined
        : new DeliveryStateWriter(store, deps.storage, () => {
            if (this.batch === undefined) return false;
            this.flush();
            return true;
          });
    this.states = states;
    this.sender = new ReliableSender({
      transmit: (message, floor) => this.transmit(message, floor),
      exhausted: (message, floor) => this.fallback(message, floor),
      stateChanged: (change) => {
        // A state that cannot be stored is still true now; after a restart the message is resent
        // and the receiver's duplicate check answers for it.
        states?.write(change);
        if (this.carried.has(change.id)) {
          if (change.state === 'delivered' || change.state === 'failed')
            this.carried.delete(change.id);
          deps.carriedState(change);
          return;
        }
        const control = this.controls.get(change.id);
        if (control === undefined) {
          deps.stateChanged(change);
          return;
        }
        if (change.state === 'delivered' || change.state === 'cancelled')
          this.controls.delete(change.id);
        deps.controlState?.(change, control);
      },
      reachable: (peerId) => deps.peers.get(peerId)?.online === true,
      canFallBackEarly: (message) => this.canUseTcp(message.to) && message.mode === 'udp',
      now: o.now,
      random: o.random,
      rto: o.rto,
      maxTransmissions: o.maxTransmissions,
      ...(store === undefined
        ? {}
        : { loadStream: (peerId: string) => store.outboundStream(peerId) }),
    });
  }

  /**
   * Stores a control message to `peer` (its body in `text`, docs/PROTOCOL.md "Control
   * messages") and starts sending it in the peer's stream, like any text. Throws
   * NodeError('storage') if it cannot be stored. It is stored at once, in a transaction of its
   * own, after the texts waiting for their group commit (so the stream keeps its order).
   */
  sendControl(peer: PeerInfo, control: ControlTag, body: string): ChatMessage {
    this.flush();
    const item = this.newMessage(peer, body, undefined, control);
    try {
      this.deps.persistence?.recordOutgoing(item.record, item.nextSeq);
    } catch (error) {
      throw this.storeFailed(error);
    }
    return this.started(item);
  }

  /**
   * Stores a new message to `peer`, then starts sending it. The new messages of one event-loop
   * turn are stored in one transaction (group commit, docs/STORAGE.md "Store, then send"); each
   * resolves once that transaction committed, and goes to the network only then. When it fails,
   * every message of the batch rejects with NodeError('storage'), none is sent, and the peers'
   * sequence numbers are as if none was made.
   */
  send(peer: PeerInfo, text: string, reply?: MessageReply): Promise<ChatMessage> {
    const item = this.newMessage(peer, text, reply, undefined);
    if (this.deps.persistence === undefined) return Promise.resolve(this.started(item));
    if (item.message !== undefined) this.sender.reserve(item.message);
    const batch = (this.batch ??= { items: [], timer: setImmediate(() => this.flush()) });
    return new Promise((resolve, reject) => {
      batch.items.push({ ...item, resolve, reject });
    });
  }

  /**
   * Stores the open batch of new messages in one transaction, with the delivery states queued
   * until now, then sends them in order.
   */
  flush(): void {
    const batch = this.batch;
    const store = this.deps.persistence;
    if (batch === undefined || store === undefined) return;
    this.batch = undefined;
    clearImmediate(batch.timer);
    // The delivery states queued so far share this commit: one fsync, not two, before the send.
    const states = this.states?.take() ?? [];
    try {
      store.transaction(() => {
        this.states?.writeWithin(states);
        for (const item of batch.items) store.recordOutgoing(item.record, item.nextSeq);
      });
    } catch (error) {
      this.states?.restore(states);
      const failed = this.storeFailed(error);
      this.sender.unreserve(batch.items.flatMap((item) => item.message ?? []));
      for (const item of batch.items) item.reject(failed);
      return;
    }
    for (const item of batch.items) item.resolve(this.started(item));
  }

  /** A new message, numbered in its peer's stream (held ones are in none), not yet stored. */
  private newMessage(
    peer: PeerInfo,
    text: string,
    reply: MessageReply | undefined,
    control: ControlTag | undefined,
  ): NewMessage {
    const o = this.deps.options;
    const mode = this.modeFor(peer, text, reply, streamRole(undefined, control?.name));
    const prepared = this.sender.prepare(peer.id, text, o.now(), mode, reply);
    const message = control === undefined ? prepared : { ...prepared, control: control.name };
    if (this.deps.link.viaRelay(peer.id)) message.transport = 'relay';
    const held = this.held.has(peer.id);
    // A plain text's record is one literal (the optional fields are spread in only when there are
    // any: each `...(x === undefined ? {} : { x })` costs an empty object and a slow copy).
    let record: OutgoingRecord = {
      id: message.id,
      peerId: peer.id,
      epoch: held ? HELD_EPOCH : message.epoch,
      seq: held ? 0 : message.seq,
      text,
      sentAt: message.ts,
      remote: this.deps.link.remoteOf(peer),
      state: held ? 'held' : 'sending',
      transport: message.transport,
      attempts: 0,
    };
    if (reply !== undefined || control !== undefined)
      record = {
        ...record,
        ...(reply === undefined ? {} : { reply }),
        ...(control === undefined ? {} : { control }),
      };
    return held
      ? { record, message: undefined, nextSeq: undefined }
      : { record, message, nextSeq: message.seq + 1 };
  }

  /** After its store: the new message starts (or waits, held) and is returned as shown. */
  private started(item: NewMessage): ChatMessage {
    const { record, message } = item;
    const control = record.control;
    if (control === undefined) this.deps.counters.messagesSent += 1;
    else this.controls.set(record.id, control.name);
    if (message === undefined) {
      const change = {
        id: record.id,
        peerId: record.peerId,
        state: 'held' as const,
        transport: record.transport,
        attempts: 0,
      };
      if (control === undefined) queueMicrotask(() => this.deps.stateChanged(change));
    } else {
      this.sender.start(message);
    }
    const shown: ChatMessage = {
      id: record.id,
      peerId: record.peerId,
      direction: 'out',
      // A file offer shows as its card: its names, as the store gives it back (store/rows.ts),
      // never the control message's JSON.
      text: control?.card === undefined ? record.text : control.card.names.join(', '),
      transport: record.transport,
      // `held` until the user accepts a changed key; `pending` at once when the peer is known
      // offline.
      state: message === undefined ? 'held' : message.state,
      seq: record.seq,
      sentAt: record.sentAt,
      receivedAt: record.sentAt,
      remote: record.remote,
    };
    if (record.reply === undefined && control?.card === undefined) return shown;
    return {
      ...shown,
      ...(record.reply === undefined ? {} : { reply: record.reply }),
      ...(control?.card === undefined ? {} : { file: control.card }),
    };
  }

  private storeFailed(error: unknown): NodeError {
    this.deps.storage.fail('store a sent message', error);
    return new NodeError('storage', `the message could not be stored: ${String(error)}`, {
      cause: error,
    });
  }

  /**
   * Stores a delivery of a group item to one member and starts it, in that member's stream like
   * any text (docs/PROTOCOL.md, "Groups"). Group items are never held for a key change: they go
   * to the key the group lists. Returns the delivery id, or undefined when it could not be
   * stored (the item itself is stored; repair sends it later).
   */
  sendCarried(peerId: string, item: CarriedItem, relay: boolean): string | undefined {
    this.flush(); // the texts before it take their numbers first
    const peer = this.deps.peers.get(peerId);
    const mode = this.modeFor(peer, item.text, undefined, { group: item.ref });
    const message: OutboundMessage = {
      ...this.sender.prepare(peerId, item.text, item.ts, mode),
      group: item.ref,
    };
    const record: OutgoingRecord = {
      id: message.id,
      peerId,
      epoch: message.epoch,
      seq: message.seq,
      text: item.text,
      sentAt: item.ts,
      remote: peer === undefined ? '' : `${peer.address}:${String(peer.port)}`,
      state: 'sending',
      transport: message.transport,
      attempts: 0,
      carried: { groupId: item.groupId, kind: item.kind, item: item.item, relay, ref: item.ref },
    };
    try {
      this.deps.persistence?.recordOutgoing(record, message.seq + 1);
    } catch (error) {
      this.deps.storage.fail('store a group delivery', error);
      return undefined;
    }
    this.carried.add(message.id);
    this.sender.start(message);
    return message.id;
  }

  /** After a restart: undelivered messages wait (pending) until their peers are heard from. */
  restore(): void {
    const store = this.deps.persistence;
    if (store === undefined) return;
    this.states?.flush();
    this.sender.restore(
      store.loadOutbox().map((r) => {
        const peer = this.deps.peers.get(r.peerId);
        const group = r.carried?.ref;
        const control = r.control?.name;
        if (group !== undefined) this.carried.add(r.id);
        else if (control !== undefined) this.controls.set(r.id, control);
        const role = streamRole(group, control);
        const mode: SendMode = this.modeFor(peer, r.text, r.reply, role);
        return {
          ...(group === undefined ? {} : { group }),
          ...(control === undefined || group !== undefined ? {} : { control }),
          id: r.id,
          to: r.peerId,
          epoch: r.epoch,
          seq: r.seq,
          text: r.text,
          ts: r.sentAt,
          mode,
          ...(r.reply === undefined ? {} : { reply: r.reply }),
        };
      }),
    );
  }

  /** The peer's key changed: messages to it wait, stored as `held`, until release(). */
  hold(peerId: string): void {
    this.held.add(peerId);
  }

  /**
   * The user accepted `to` as the contact `from` now is: every undelivered message to `from`
   * (held ones and those pending on the old key) goes out to `to`, in order, in `to`'s stream.
   */
  release(from: string, to: PeerInfo): void {
    this.flush();
    this.held.delete(from);
    this.sender.drop(from);
    const store = this.deps.persistence;
    if (store === undefined) return;
    this.states?.flush();
    for (const record of store.loadUndelivered(from)) {
      const control = record.control?.name;
      const mode = this.modeFor(to, record.text, record.reply, streamRole(undefined, control));
      const prepared = this.sender.prepare(
        to.id,
        record.text,
        record.sentAt,
        mode,
        record.reply,
        record.id,
      );
      const message = control === undefined ? prepared : { ...prepared, control };
      const remote = this.deps.link.remoteOf(to);
      const moved = this.deps.storage.run('move a held message', () =>
        store.readdressOutgoing(
          record.id,
          { peerId: to.id, epoch: message.epoch, seq: message.seq, remote },
          message.seq + 1,
        ),
      );
      if (moved === undefined) return;
      this.sender.start(message);
      if (control !== undefined) {
        this.controls.set(record.id, control);
        continue;
      }
      this.deps.stateChanged({
        id: record.id,
        peerId: to.id,
        state: 'sending',
        transport: message.transport,
        attempts: 0,
      });
    }
  }

  /** An ack came in over `transport`. */
  acknowledge(ack: AckPacket, transport: Transport = 'udp'): void {
    this.acknowledgeAll(ack.from, [ack], transport);
  }

  /** The entries of an `acks` packet from `from` came in over `transport`: one walk of the window. */
  acknowledgeAll(
    from: string,
    acks: readonly { readonly id: string; readonly epoch: string; readonly seq: number }[],
    transport: Transport = 'udp',
  ): void {
    const messages = this.sender.acknowledgeAll(from, acks, transport);
    if (transport === 'udp') this.overTcp.delete(from);
    else if (messages.some((message) => message.mode === 'udp' && message.transport === 'tcp'))
      this.overTcp.set(from, this.deps.options.now());
  }

  /** Something authentic came from the peer: messages backing off go out again now. */
  pathWorks(peerId: string): void {
    this.sender.pathWorks(peerId);
  }

  /** The peer was heard from: its pending messages go out again. */
  resume(peerId: string): void {
    this.sender.resume(peerId);
  }

  /** The peer went offline: stop retransmitting to it until it is back. */
  park(peerId: string): void {
    this.sender.park(peerId);
  }

  /** Stops an undelivered message for good (`cancelled`); false when there is none. */
  cancel(messageId: string): boolean {
    return this.sender.cancel(messageId);
  }

  hasPending(peerId: string): boolean {
    return this.sender.hasPending(peerId);
  }

  /** Sends a pending message again now; false when there is no such pending message. */
  retry(messageId: string): boolean {
    return this.sender.retry(messageId);
  }

  rttMs(peerId: string): number | undefined {
    return this.sender.rttMs(peerId);
  }

  rtoMs(peerId: string): number | undefined {
    return this.sender.rtoMs(peerId);
  }

  close(): void {
    this.flush();
    this.sender.close();
    this.states?.flush();
  }

  /** It fits a datagram, or TCP when both sides have it, or fragments. */
  private modeFor(
    peer: PeerInfo | undefined,
    text: string,
    reply?: MessageReply,
    role?: StreamRole,
  ): SendMode {
    if (peer !== undefined && this.overTcp.has(peer.id) && this.canUseTcp(peer.id)) return 'tcp';
    if (fitsOneDatagram(text, reply, role)) return 'udp';
    return this.deps.link.tcpEnabled() && peer !== undefined && peer.tcpPort !== null
      ? 'tcp'
      : 'fragments';
  }

  private canUseTcp(peerId: string): boolean {
    return this.deps.link.tcpEnabled() && this.deps.peers.get(peerId)?.tcpPort != null;
  }

  private packetOf(message: OutboundMessage, floor: number): TextPacket {
    const plain: TextPacket = {
      kind: 'text',
      from: this.deps.options.nodeId,
      id: message.id,
      epoch: message.epoch,
      seq: message.seq,
      floor,
      ts: message.ts,
      text: message.text,
    };
    // A plain chat text (nearly every one) is one object literal, without three spreads.
    if (message.group === undefined && message.reply === undefined && message.control === undefined)
      return plain;
    return {
      ...plain,
      ...(message.group === undefined ? {} : { group: message.group }),
      ...(message.reply === undefined ? {} : { reply: message.reply }),
      ...(message.control === undefined ? {} : { control: message.control }),
    };
  }

  private transmit(message: OutboundMessage, floor: number): void {
    const peer = this.deps.peers.get(message.to);
    if (peer === undefined) return;
    if (message.attempts > 1) this.deps.counters.retransmitted += 1;
    if (message.attempts > UNANSWERED_BEFORE_RELAY) this.deps.link.unanswered(peer.id);
    if (this.deps.link.viaRelay(peer.id)) message.transport = 'relay';
    else if (message.transport === 'relay')
      message.transport = message.mode === 'tcp' ? 'tcp' : 'udp';
    this.deps.transmitted?.(peer.id);
    const packet = this.packetOf(message, floor);
    if (message.mode === 'tcp' && peer.tcpPort !== null) {
      void this.viaTcp(packet, peer); // failures are warnings; the retransmission timer retries
      this.probeUdp(packet, peer);
    } else if (message.mode === 'udp') {
      this.deps.link.send(peer.id, peer, packet);
    } else {
      const fragments = fragmentText(packet, MAX_INNER_DATAGRAM_BYTES);
      this.deps.counters.fragmentsSent += fragments.length;
      for (const fragment of fragments) this.deps.link.send(peer.id, peer, fragment);
    }
  }

  /** While a peer is reached over TCP because UDP was not answered: a datagram once a second. */
  private probeUdp(packet: TextPacket, peer: PeerInfo): void {
    const probed = this.overTcp.get(peer.id);
    const now = this.deps.options.now();
    if (probed === undefined || now - probed < UDP_PROBE_EVERY_MS) return;
    if (!fitsOneDatagram(packet.text, packet.reply, streamRole(packet.group, packet.control)))
      return;
    this.overTcp.set(peer.id, now);
    this.deps.link.send(peer.id, peer, packet);
  }

  private viaTcp(packet: TextPacket, peer: PeerInfo): Promise<boolean> {
    const port = peer.tcpPort;
    if (port === null) return Promise.resolve(false);
    return this.deps.link.sendTcp(peer.id, { address: peer.address, port }, packet).then(
      () => true,
      (error: unknown) => {
        this.deps.warn(`TCP to ${peer.address}:${port} failed: ${String(error)}`, peer);
        return false;
      },
    );
  }

  /** UDP retries ran out: one attempt over TCP, then `pending` until the peer is heard from. */
  private async fallback(
    message: OutboundMessage,
    floor: number,
  ): Promise<'pending' | 'failed' | 'delivered'> {
    const peer = this.deps.peers.get(message.to);
    if (message.mode !== 'udp' || peer?.tcpPort == null || !this.deps.link.tcpEnabled()) {
      return 'pending';
    }
    message.transport = 'tcp';
    if (!(await this.viaTcp(this.packetOf(message, floor), peer))) return 'pending';
    // The ack resolves the message as delivered (over TCP) before this timer, if it comes.
    return new Promise((resolve) => {
      this.deps.timers.after(this.deps.tcpAckTimeoutMs ?? TCP_ACK_TIMEOUT_MS, () =>
        resolve('pending'),
      );
    });
  }
}

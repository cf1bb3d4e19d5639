import type { Endpoint } from '../../shared/address';
import type {
  DeliveryUpdate,
  NodeCounters,
  PeerInfo,
  ReceivedMessage,
  Transport,
} from '../../shared/domain';
import { encodingLength } from '../../shared/protocol/codec';
import { MAX_DATAGRAM_BYTES, TCP_ACK_TIMEOUT_MS } from '../../shared/protocol/constants';
import type { AckPacket, FragPacket, Packet, TextPacket } from '../../shared/protocol/packets';
import { BoundedMap } from './bounded-set';
import { fragmentText, Reassembler } from './fragments';
import { InboundOrder, type InboundVerdict } from './inbound-order';
import type { IncomingRecord, NodePersistence } from './persistence';
import type { ResolvedOptions } from './node-options';
import type { PeerTable } from './peer-table';
import { ReliableSender, type OutboundMessage, type SendMode } from './reliable-sender';
import type { Timers } from './timers';
import type { Wire } from './wire';

export interface TextDeliveryDeps {
  readonly options: ResolvedOptions;
  readonly counters: NodeCounters;
  readonly wire: Wire;
  readonly peers: PeerTable;
  readonly timers: Timers;
  readonly tcpAckTimeoutMs?: number;
  readonly persistence?: NodePersistence | undefined;
  message(message: ReceivedMessage): void;
  status(update: DeliveryUpdate): void;
  warn(message: string, remote: Endpoint): void;
}

/**
 * Text in both directions. Out: picks the transport (one datagram, TCP, or fragments), hands the
 * message to the reliable sender, and runs the fallback (one TCP attempt, then `pending`).
 * In: orders, deduplicates, reassembles fragments and acknowledges.
 */
export class TextDelivery {
  readonly sender: ReliableSender;
  private readonly inbound = new InboundOrder();
  private readonly reassembler = new Reassembler();
  /** How each held message arrived, so its delivery event names the right transport. */
  private readonly arrivedBy = new BoundedMap<string, Transport>(8_192);

  constructor(private readonly deps: TextDeliveryDeps) {
    const o = deps.options;
    const store = deps.persistence;
    this.sender = new ReliableSender({
      transmit: (message, floor) => this.transmit(message, floor),
      exhausted: (message, floor) => this.fallback(message, floor),
      status: (update) => {
        // `sending` needs no write: stored messages are undelivered until a later state says so.
        if (update.status !== 'sending')
          store?.updateOutgoing(
            update.id,
            update.rttMs === undefined
              ? { state: update.status, transport: update.transport, attempts: update.attempts }
              : {
                  state: update.status,
                  transport: update.transport,
                  attempts: update.attempts,
                  rttMs: update.rttMs,
                },
          );
        deps.status(update);
      },
      now: o.now,
      random: o.random,
      rto: o.rto,
      maxTransmissions: o.maxTransmissions,
      ...(store === undefined
        ? {}
        : {
            loadStream: (peerId: string) => store.outboundStream(peerId),
            created: (message: OutboundMessage, nextSeq: number) => {
              const peer = deps.peers.get(message.to);
              store.recordOutgoing(
                {
                  id: message.id,
                  peerId: message.to,
                  epoch: message.epoch,
                  seq: message.seq,
                  text: message.text,
                  sentAt: message.ts,
                  remote: peer === undefined ? '' : `${peer.address}:${peer.port}`,
                  state: 'sending',
                  transport: message.transport,
                  attempts: 0,
                },
                nextSeq,
              );
            },
          }),
    });
  }

  /** After a restart: undelivered messages wait (pending) for their peers; held ones for their gaps. */
  restore(): void {
    const store = this.deps.persistence;
    if (store === undefined) return;
    const outbox = store.loadOutbox().map((r) => {
      const peer = this.deps.peers.get(r.peerId);
      const mode: SendMode = peer === undefined ? 'udp' : this.modeFor(peer, r.text);
      return {
        id: r.id,
        to: r.peerId,
        epoch: r.epoch,
        seq: r.seq,
        text: r.text,
        ts: r.sentAt,
        mode,
      };
    });
    this.sender.restore(outbox);
    const { streams, held } = store.loadInbound();
    this.inbound.restore(
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
      })),
    );
    for (const r of held) this.arrivedBy.set(r.id, r.transport);
  }

  /** Chooses how a text travels: it fits a datagram, or TCP when both sides have it, or fragments. */
  modeFor(peer: PeerInfo, text: string): SendMode {
    if (this.fitsDatagram(text)) return 'udp';
    return this.deps.wire.tcpEnabled && peer.tcpPort !== null ? 'tcp' : 'fragments';
  }

  send(peer: PeerInfo, text: string): OutboundMessage {
    this.deps.counters.messagesSent += 1;
    return this.sender.send(peer.id, text, this.deps.options.now(), this.modeFor(peer, text));
  }

  onPacket(
    packet: TextPacket | FragPacket | AckPacket,
    from: Endpoint,
    transport: Transport,
    reply?: (p: Packet) => void,
  ): void {
    switch (packet.kind) {
      case 'text':
        this.receive(packet, from, transport, reply);
        return;
      case 'frag':
        this.receiveFragment(packet, from);
        return;
      case 'ack':
        this.sender.acknowledge(packet);
        return;
    }
  }

  close(): void {
    this.sender.close();
  }

  private fitsDatagram(text: string): boolean {
    const probe: TextPacket = {
      kind: 'text',
      from: this.deps.options.nodeId,
      id: 'x'.repeat(12),
      epoch: 'x'.repeat(8),
      seq: Number.MAX_SAFE_INTEGER,
      floor: Number.MAX_SAFE_INTEGER,
      ts: Number.MAX_SAFE_INTEGER,
      text,
    };
    return encodingLength(probe) <= MAX_DATAGRAM_BYTES;
  }

  private packetOf(message: OutboundMessage, floor: number): TextPacket {
    return {
      kind: 'text',
      from: this.deps.options.nodeId,
      id: message.id,
      epoch: message.epoch,
      seq: message.seq,
      floor,
      ts: message.ts,
      text: message.text,
    };
  }

  private transmit(message: OutboundMessage, floor: number): void {
    const peer = this.deps.peers.get(message.to);
    if (peer === undefined) return;
    if (message.attempts > 1) this.deps.counters.retransmitted += 1;
    const packet = this.packetOf(message, floor);
    if (message.mode === 'tcp' && peer.tcpPort !== null) {
      void this.viaTcp(packet, peer); // failures are warnings; the retransmission timer retries
    } else if (message.mode === 'udp') {
      this.deps.wire.sendPacket(packet, peer, peer.id);
    } else {
      const fragments = fragmentText(packet);
      this.deps.counters.fragmentsSent += fragments.length;
      for (const fragment of fragments) this.deps.wire.sendPacket(fragment, peer, peer.id);
    }
  }

  private viaTcp(packet: TextPacket, peer: PeerInfo): Promise<boolean> {
    const port = peer.tcpPort;
    if (port === null) return Promise.resolve(false);
    return this.deps.wire.sendTcp(packet, { address: peer.address, port }, peer.id).then(
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
    if (
      message.mode !== 'udp' ||
      peer === undefined ||
      !this.deps.wire.tcpEnabled ||
      peer.tcpPort === null
    ) {
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

  private receive(
    packet: TextPacket,
    from: Endpoint,
    transport: Transport,
    reply?: (p: Packet) => void,
  ): void {
    const verdict = this.inbound.accept(packet);
    if (verdict.duplicate) this.deps.counters.duplicatesDropped += 1;
    else this.arrivedBy.set(packet.id, transport);
    const now = this.deps.options.now();
    const deliver = this.persist(packet, verdict, from, transport, now);
    if (deliver === undefined) return; // not stored: no ack, so the sender sends it again
    if (verdict.ack) this.acknowledge(packet, from, reply);
    const peer = this.deps.peers.get(packet.from);
    for (const message of deliver) {
      this.deps.counters.messagesReceived += 1;
      this.deps.message({
        id: message.id,
        from: message.from,
        nick: peer?.nick ?? '',
        address: peer?.address ?? from.address,
        port: peer?.port ?? from.port,
        text: message.text,
        transport: this.arrivedBy.get(message.id) ?? transport,
        seq: message.seq,
        sentAt: message.ts,
        receivedAt: now,
      });
    }
  }

  /**
   * Stores what this packet changed (the new message, held or delivered, and any held ones it
   * released) before the ack goes out. Returns what to show, or undefined when storing failed.
   */
  private persist(
    packet: TextPacket,
    verdict: InboundVerdict,
    from: Endpoint,
    transport: Transport,
    now: number,
  ): readonly TextPacket[] | undefined {
    const store = this.deps.persistence;
    const accepted = verdict.ack && !verdict.duplicate;
    if (store === undefined || (!accepted && verdict.deliver.length === 0)) return verdict.deliver;
    // The new message is inserted in place when it is the first to show; otherwise it is stored
    // held and released with the rest, so stored order is exactly delivery order.
    const first = verdict.deliver[0]?.id === packet.id;
    const record: IncomingRecord | undefined = accepted
      ? {
          id: packet.id,
          peerId: packet.from,
          epoch: packet.epoch,
          seq: packet.seq,
          text: packet.text,
          transport,
          sentAt: packet.ts,
          receivedAt: now,
          remote: `${from.address}:${String(from.port)}`,
          held: !first,
        }
      : undefined;
    const released = verdict.deliver.filter((m) => !(first && m.id === packet.id)).map((m) => m.id);
    try {
      const result = store.recordInbound({
        ...(record === undefined ? {} : { record }),
        released,
        stream: {
          peerId: packet.from,
          epoch: packet.epoch,
          expected: this.inbound.expected(packet.from, packet.epoch) ?? packet.seq,
        },
        at: now,
      });
      // Stored before (a restart forgot it was delivered): ack again, show nothing twice.
      return result === 'duplicate'
        ? verdict.deliver.filter((m) => m.id !== packet.id)
        : verdict.deliver;
    } catch (error) {
      this.deps.warn(`could not store message ${packet.id}: ${String(error)}`, from);
      return undefined;
    }
  }

  private acknowledge(
    packet: TextPacket | FragPacket,
    from: Endpoint,
    reply?: (p: Packet) => void,
  ): void {
    const ack: AckPacket = {
      kind: 'ack',
      from: this.deps.options.nodeId,
      id: packet.id,
      epoch: packet.epoch,
      seq: packet.seq,
    };
    if (reply === undefined) this.deps.wire.sendPacket(ack, from, packet.from);
    else reply(ack);
  }

  private receiveFragment(fragment: FragPacket, from: Endpoint): void {
    this.deps.counters.fragmentsReceived += 1;
    if (this.inbound.delivered(fragment.from, fragment.id)) {
      this.deps.counters.duplicatesDropped += 1;
      this.acknowledge(fragment, from); // our ack was lost: say it again
      return;
    }
    const result = this.reassembler.accept(fragment, this.deps.options.now());
    if (result.status === 'complete') this.receive(result.packet, from, 'udp');
    if (result.status === 'rejected') this.deps.warn(`dropped fragment: ${result.reason}`, from);
  }
}

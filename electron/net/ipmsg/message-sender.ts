// Outgoing messages: SENDMSG with SENDCHECKOPT, answered by RECVMSG carrying the packet number.
// One packet in flight per peer, in order, like iptux itself: iptux acknowledges and then drops
// any number not above the last it took from us, so a retransmission that arrives after a later
// message would be acknowledged and lost. Retransmissions reuse the number (the receiver drops the
// copy); after the last one the message waits as `pending` until the peer is heard again.
import { formatEndpoint } from '../../../shared/address';
import type { ChatMessage, DeliveryStatus, MessageStateChange } from '../../../shared/domain';
import { randomToken } from '../ids';
import type { PacketComposer, Outgoing } from './compose';
import { Command, MAX_SEND_DATAGRAM_BYTES, Option } from './constants';
import { splitText } from './split-text';
import { IPMSG_PIECE_BYTES } from '../../../shared/ipmsg-text';
import type { IpmsgEncoding } from './text-encoding';
import type { IpmsgPeer } from './types';
import type { IpmsgCounters } from './udp-wire';

const MAX_RTT_PEERS = 4096;

export interface SendOptions {
  readonly multicast?: boolean;
  /** What goes on the wire when it differs from the stored text (a file offer's own words). */
  readonly wireText?: string;
  /** NUL sections after the text: the attachment list of a file offer. */
  readonly sections?: readonly string[];
  readonly extraOptions?: number;
  /** Called with the packet number once the first part goes out (file offers key on it). */
  readonly onPacketNo?: (packetNo: number, messageId: string) => void;
}

export interface SenderDeps {
  readonly now: () => number;
  readonly composer: PacketComposer;
  readonly counters: IpmsgCounters;
  readonly retryIntervalMs: number;
  readonly maxTransmissions: number;
  readonly maxOutbox: number;
  peer(peerId: string): IpmsgPeer | undefined;
  transmit(out: Outgoing, peer: IpmsgPeer): void;
  save(message: ChatMessage): void;
  stateChanged(change: MessageStateChange): void;
}

interface Part {
  readonly text: string;
  /** Kept for every transmission, across rounds, so the receiver can drop copies. */
  packetNo: number | undefined;
  firstSentAt: number;
  /** Transmissions in this round (a round ends acknowledged or `pending`). */
  transmissions: number;
  retransmitted: boolean;
}

interface Queued {
  message: ChatMessage;
  /** The peer's encoding when the text was cut: its parts are always sent in it. */
  encoding: IpmsgEncoding;
  readonly options: SendOptions;
  parts: Part[] | undefined;
  next: number;
  state: DeliveryStatus;
  rttMs: number | undefined;
  /** Retransmissions of its parts so far: attempts = 1 + this. */
  retransmissions: number;
}

export class MessageSender {
  private readonly queues = new Map<string, Queued[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastRtt = new Map<string, number>();
  private size = 0;
  private closed = false;

  constructor(private readonly deps: SenderDeps) {}

  /** Queues a message (stored first) and returns it in state `sending`. */
  send(peer: IpmsgPeer, text: string, options: SendOptions = {}): ChatMessage {
    const now = this.deps.now();
    const message: ChatMessage = {
      id: `ipm-${randomToken()}`,
      peerId: peer.id,
      direction: 'out',
      text,
      transport: 'udp',
      state: 'sending',
      seq: 0,
      sentAt: now,
      receivedAt: now,
      remote: formatEndpoint(peer),
    };
    this.deps.save(message);
    this.enqueue(peer.id, message, options, 'sending');
    if (this.hasPending(peer.id))
      this.resume(peer.id); // a new message is a good time to try again
    else this.pump(peer.id);
    return message;
  }

  /** Messages stored by an earlier run: they wait as `pending` until their peer shows up. */
  restore(messages: readonly ChatMessage[]): void {
    for (const message of messages) this.enqueue(message.peerId, message, {}, 'pending');
  }

  /** RECVMSG from `peerId` for `packetNo`. */
  acknowledge(peerId: string, packetNo: number): void {
    const head = this.queues.get(peerId)?.[0];
    const part = head?.parts?.[head.next];
    if (head === undefined || part === undefined || part.packetNo !== packetNo) return;
    this.clearTimer(peerId);
    // Karn: the ack of a retransmitted part says nothing about the round-trip time.
    head.rttMs = part.retransmitted ? undefined : this.deps.now() - part.firstSentAt;
    head.next += 1;
    if (head.parts !== undefined && head.next >= head.parts.length) this.finish(peerId, head);
    this.pump(peerId);
  }

  /** The peer was heard from: pending messages go again, in order. */
  resume(peerId: string): void {
    const queue = this.queues.get(peerId);
    if (queue === undefined || queue[0]?.state !== 'pending') return;
    for (const queued of queue) this.change(queued, 'sending');
    this.pump(peerId);
  }

  /** Sends a pending message (and what waits before it) again now. False when unknown. */
  retry(messageId: string): boolean {
    for (const [peerId, queue] of this.queues) {
      if (queue.some((q) => q.message.id === messageId)) {
        this.resume(peerId);
        return true;
      }
    }
    return false;
  }

  hasPending(peerId: string): boolean {
    return this.queues.get(peerId)?.[0]?.state === 'pending';
  }

  rttMs(peerId: string): number | undefined {
    return this.lastRtt.get(peerId);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private enqueue(
    peerId: string,
    message: ChatMessage,
    options: SendOptions,
    state: DeliveryStatus,
  ): void {
    const queue = this.queues.get(peerId) ?? [];
    queue.push({
      message,
      encoding: 'utf-8', // set when the text is cut, from the peer's encoding then
      options,
      parts: undefined,
      next: 0,
      state,
      rttMs: undefined,
      retransmissions: 0,
    });
    this.queues.set(peerId, queue);
    this.size += 1;
    if (this.size > this.deps.maxOutbox) this.dropOldest();
  }

  /** Sends the head's current part when nothing is in flight for this peer. */
  private pump(peerId: string): void {
    if (this.closed || this.timers.has(peerId)) return;
    const head = this.queues.get(peerId)?.[0];
    const peer = this.deps.peer(peerId);
    if (head === undefined || head.state !== 'sending' || peer === undefined) return;
    if (head.parts === undefined) {
      head.encoding = peer.encoding;
      head.parts = this.split(head, peer);
    }
    const part = head.parts[head.next];
    if (part === undefined) return;
    part.transmissions = 0; // a new round; the packet number stays (nothing later went out)
    this.transmit(peerId, head, part);
  }

  private transmit(peerId: string, head: Queued, part: Part): void {
    const peer = this.deps.peer(peerId);
    if (peer === undefined) return;
    const command =
      Command.SENDMSG |
      Option.SENDCHECKOPT |
      (head.options.multicast === true ? Option.MULTICASTOPT : 0) |
      (head.options.extraOptions ?? 0);
    const sections = head.next === 0 ? (head.options.sections ?? []) : [];
    const out = this.deps.composer.compose({
      command,
      encoding: head.encoding,
      body: part.text,
      sections,
      ...(part.packetNo === undefined ? {} : { packetNo: part.packetNo }),
    });
    if (part.packetNo === undefined) {
      part.packetNo = out.packetNo;
      part.firstSentAt = this.deps.now();
      if (head.next === 0 && head.message.seq === 0) this.firstNumber(head, out.packetNo);
    } else {
      part.retransmitted = true;
      head.retransmissions += 1;
      this.deps.counters.retransmitted += 1;
    }
    part.transmissions += 1;
    this.deps.transmit(out, peer);
    this.timers.set(
      peerId,
      setTimeout(() => this.timeout(peerId), this.deps.retryIntervalMs),
    );
  }

  private timeout(peerId: string): void {
    this.timers.delete(peerId);
    const head = this.queues.get(peerId)?.[0];
    const part = head?.parts?.[head.next];
    if (head === undefined || part === undefined) return;
    if (part.transmissions < this.deps.maxTransmissions) {
      this.transmit(peerId, head, part);
      return;
    }
    for (const queued of this.queues.get(peerId) ?? []) this.change(queued, 'pending');
  }

  private finish(peerId: string, head: Queued): void {
    this.queues.get(peerId)?.shift();
    if (this.queues.get(peerId)?.length === 0) this.queues.delete(peerId);
    this.size -= 1;
    this.deps.counters.messagesSent += 1;
    if (head.rttMs !== undefined) {
      this.lastRtt.delete(peerId);
      this.lastRtt.set(peerId, head.rttMs);
      if (this.lastRtt.size > MAX_RTT_PEERS)
        this.lastRtt.delete(this.lastRtt.keys().next().value ?? '');
    }
    this.change(head, 'delivered');
  }

  private change(queued: Queued, state: DeliveryStatus): void {
    if (queued.state === state) return;
    queued.state = state;
    this.deps.stateChanged({
      id: queued.message.id,
      peerId: queued.message.peerId,
      state,
      transport: 'udp',
      attempts: 1 + queued.retransmissions,
      ...(state === 'delivered' && queued.rttMs !== undefined ? { rttMs: queued.rttMs } : {}),
    });
  }

  private split(head: Queued, peer: IpmsgPeer): Part[] {
    const command = Command.SENDMSG | Option.SENDCHECKOPT | Option.MULTICASTOPT | Option.UTF8OPT;
    const room = this.deps.composer.bodyRoom(command, peer.encoding, MAX_SEND_DATAGRAM_BYTES);
    const sectionBytes = (head.options.sections ?? []).reduce(
      (n, s) => n + Buffer.byteLength(s) * 2 + 1,
      0,
    );
    const texts = splitText(
      head.options.wireText ?? head.message.text,
      peer.encoding,
      // At most IPMSG_PIECE_BYTES, so the composer's count of pieces is the one sent.
      Math.min(IPMSG_PIECE_BYTES, Math.max(64, room - sectionBytes)),
    );
    return texts.map((text) => ({
      text,
      packetNo: undefined,
      firstSentAt: 0,
      transmissions: 0,
      retransmitted: false,
    }));
  }

  private firstNumber(head: Queued, packetNo: number): void {
    head.message = { ...head.message, seq: packetNo };
    head.options.onPacketNo?.(packetNo, head.message.id);
  }

  private dropOldest(): void {
    for (const [peerId, queue] of this.queues) {
      const index = queue.findIndex((q) => q.state === 'pending');
      if (index === -1) continue;
      const [dropped] = queue.splice(index, 1);
      this.size -= 1;
      if (queue.length === 0) this.queues.delete(peerId);
      if (dropped !== undefined) this.change(dropped, 'failed');
      return;
    }
  }

  private clearTimer(peerId: string): void {
    const timer = this.timers.get(peerId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(peerId);
  }
}

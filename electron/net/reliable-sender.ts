import type {
  DeliveryStatus,
  MessageReply,
  MessageStateChange,
  Transport,
} from '../../shared/domain';
import { MAX_UDP_TRANSMISSIONS } from '../../shared/protocol/constants';
import type { AckPacket } from '../../shared/protocol/packets';
import { randomToken } from './ids';
import { DEFAULT_RTO, retransmitDelay, RttEstimator, type RtoOptions } from './rtt-estimator';

/** How a message travels: one datagram, TCP (too long, TCP on), or UDP fragments (TCP off). */
export type SendMode = 'udp' | 'tcp' | 'fragments';

export interface OutboundMessage {
  readonly id: string;
  readonly mode: SendMode;
  readonly to: string;
  readonly epoch: string;
  readonly seq: number;
  readonly text: string;
  readonly ts: number;
  /** The message this one answers, carried in every transmission. */
  readonly reply?: MessageReply;
  state: Exclude<DeliveryStatus, 'delivered' | 'failed' | 'cancelled'>;
  transport: Transport;
  /** UDP transmissions so far. */
  attempts: number;
  lastSentAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** True while the fallback (TCP attempt) decides; the message is not resumed meanwhile. */
  fallback: boolean;
}

export interface ReliableSenderDeps {
  /** Puts one transmission of `message` on the wire, with the stream's current floor. */
  transmit(message: OutboundMessage, floor: number): void;
  /**
   * UDP retries ran out. Resolves with what to do next: `failed`, or `pending` to keep the
   * message until the peer is heard from again. (The TCP fallback hooks in here.)
   */
  exhausted(message: OutboundMessage, floor: number): Promise<'failed' | 'pending' | 'delivered'>;
  /** A message changed state (never called for the initial `sending` of a new message). */
  stateChanged(change: MessageStateChange): void;
  now(): number;
  random(): number;
  readonly rto?: RtoOptions;
  readonly maxTransmissions?: number;
  /**
   * Whether the peer is known to be there. A message to a peer known offline waits (`pending`)
   * without using its retries, and goes out when the peer is heard from (`resume`).
   */
  reachable?(peerId: string): boolean;
  /** Messages in flight per peer; later ones wait their turn (still `sending`). */
  readonly window?: number;
  /** A peer's stream as stored (sequence numbers continue across restarts). */
  loadStream?(peerId: string): { epoch: string; nextSeq: number } | undefined;
}

interface PeerStream {
  readonly epoch: string;
  nextSeq: number;
  /** Unresolved messages in sequence order (Map keeps insertion order). */
  readonly open: Map<number, OutboundMessage>;
  readonly rtt: RttEstimator;
}

const DEFAULT_WINDOW = 64;

/**
 * Reliable, ordered text delivery over an unreliable datagram transport: per-peer sequence
 * numbers, adaptive retransmission (RFC 6298) with exponential back-off and jitter, and a floor
 * that tells the receiver which gaps will never be filled.
 */
export class ReliableSender {
  private readonly streams = new Map<string, PeerStream>();
  private readonly byId = new Map<string, OutboundMessage>();
  private closed = false;

  constructor(private readonly deps: ReliableSenderDeps) {}

  /**
   * The next message to `to`, numbered but not yet queued: the caller stores it, then calls
   * `start()`. Nothing changes if it never does.
   */
  prepare(
    to: string,
    text: string,
    ts: number,
    mode: SendMode = 'udp',
    reply?: MessageReply,
    id: string = randomToken(),
  ): OutboundMessage {
    const stream = this.stream(to);
    return {
      ...(reply === undefined ? {} : { reply }),
      id,
      mode,
      to,
      epoch: stream.epoch,
      seq: stream.nextSeq,
      text,
      ts,
      state: 'sending',
      transport: mode === 'tcp' ? 'tcp' : 'udp',
      attempts: 0,
      lastSentAt: 0,
      timer: undefined,
      fallback: false,
    };
  }

  /** Queues a prepared message and sends it when the window has room. */
  start(message: OutboundMessage): void {
    const stream = this.stream(message.to);
    stream.nextSeq = message.seq + 1;
    stream.open.set(message.seq, message);
    this.byId.set(message.id, message);
    if (this.deps.reachable?.(message.to) === false) {
      message.state = 'pending';
      this.report(message, 'pending');
      return;
    }
    this.pump(stream);
  }

  /**
   * The peer is known to be gone (it said bye, or timed out): messages still being retransmitted
   * to it stop and wait (`pending`) until it is heard from again.
   */
  park(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    for (const message of stream.open.values()) {
      if (message.state !== 'sending' || message.fallback) continue;
      clearTimeout(message.timer);
      message.timer = undefined;
      message.state = 'pending';
      this.report(message, 'pending');
    }
  }

  /**
   * Stops a message that is not delivered yet: it leaves its stream, so the floor moves past it
   * and the receiver stops waiting for it, and it ends `cancelled`. False when it is not open.
   */
  cancel(id: string): boolean {
    const message = this.byId.get(id);
    const stream = message === undefined ? undefined : this.streams.get(message.to);
    if (message === undefined || stream === undefined) return false;
    this.resolve(stream, message, 'cancelled', undefined);
    return true;
  }

  /**
   * Takes back messages that were not delivered before a restart. They stay `pending` (no
   * traffic) until their peer is heard from, then go out again in their original order.
   */
  restore(
    messages: readonly {
      id: string;
      to: string;
      epoch: string;
      seq: number;
      text: string;
      ts: number;
      mode: SendMode;
      reply?: MessageReply;
    }[],
  ): void {
    for (const m of messages) {
      const stream = this.stream(m.to);
      if (stream.open.has(m.seq) || this.byId.has(m.id)) continue;
      const message: OutboundMessage = {
        ...m,
        state: 'pending',
        transport: m.mode === 'tcp' ? 'tcp' : 'udp',
        attempts: 0,
        lastSentAt: 0,
        timer: undefined,
        fallback: false,
      };
      stream.open.set(m.seq, message);
      this.byId.set(m.id, message);
      if (m.epoch === stream.epoch && m.seq >= stream.nextSeq) stream.nextSeq = m.seq + 1;
    }
  }

  /** Handles an ack; returns the delivered message, if the ack matched one that was open. */
  acknowledge(ack: AckPacket): OutboundMessage | undefined {
    const stream = this.streams.get(ack.from);
    const message = stream?.open.get(ack.seq);
    if (stream === undefined || message === undefined) return undefined;
    if (message.id !== ack.id || message.epoch !== ack.epoch) return undefined;
    let rttMs: number | undefined;
    if (message.attempts === 1 && message.transport === 'udp') {
      rttMs = this.deps.now() - message.lastSentAt;
      stream.rtt.sample(rttMs);
    }
    this.resolve(stream, message, 'delivered', rttMs);
    return message;
  }

  /** The peer was heard from: send its pending messages again, in order. */
  resume(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    for (const message of stream.open.values()) {
      if (message.state === 'pending' && message.timer === undefined && !message.fallback) {
        message.state = 'sending';
        message.transport = message.mode === 'tcp' ? 'tcp' : 'udp';
        message.attempts = 0;
        this.report(message, 'sending');
      }
    }
    this.pump(stream);
  }

  /** Sends one pending message again now (the user pressed retry). */
  retry(id: string): boolean {
    const message = this.byId.get(id);
    if (message?.state !== 'pending' || message.fallback) return false;
    const stream = this.streams.get(message.to);
    if (stream === undefined) return false;
    message.state = 'sending';
    message.transport = message.mode === 'tcp' ? 'tcp' : 'udp';
    message.attempts = 0;
    this.report(message, 'sending');
    this.pump(stream);
    return true;
  }

  /** Forgets every open message to `peerId` (they were moved to another peer's stream). */
  drop(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    for (const message of stream.open.values()) {
      clearTimeout(message.timer);
      this.byId.delete(message.id);
    }
    stream.open.clear();
  }

  hasPending(peerId: string): boolean {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return false;
    for (const message of stream.open.values()) if (message.state === 'pending') return true;
    return false;
  }

  rttMs(peerId: string): number | undefined {
    return this.streams.get(peerId)?.rtt.smoothedRttMs;
  }

  /** Lowest sequence number still being delivered in this epoch (the next one when none is). */
  floor(peerId: string, epoch?: string): number {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return 1;
    const inEpoch = epoch ?? stream.epoch;
    let lowest = inEpoch === stream.epoch ? stream.nextSeq : Number.MAX_SAFE_INTEGER;
    for (const message of stream.open.values()) {
      if (message.epoch === inEpoch && message.seq < lowest) lowest = message.seq;
    }
    return lowest;
  }

  close(): void {
    this.closed = true;
    for (const message of this.byId.values()) clearTimeout(message.timer);
  }

  private stream(to: string): PeerStream {
    let stream = this.streams.get(to);
    if (stream === undefined) {
      const stored = this.deps.loadStream?.(to);
      stream = {
        epoch: stored?.epoch ?? randomToken(6),
        nextSeq: stored?.nextSeq ?? 1,
        open: new Map(),
        rtt: new RttEstimator(this.deps.rto ?? DEFAULT_RTO),
      };
      this.streams.set(to, stream);
    }
    return stream;
  }

  /** Starts queued messages while the window has room. */
  private pump(stream: PeerStream): void {
    const window = this.deps.window ?? DEFAULT_WINDOW;
    let inFlight = 0;
    for (const message of stream.open.values()) {
      if (message.state !== 'sending') continue;
      if (message.attempts > 0 || message.timer !== undefined) {
        inFlight += 1;
        continue;
      }
      if (inFlight >= window) break;
      this.transmit(stream, message);
      inFlight += 1;
    }
  }

  private transmit(stream: PeerStream, message: OutboundMessage): void {
    if (this.closed) return;
    message.attempts += 1;
    message.lastSentAt = this.deps.now();
    this.deps.transmit(message, this.floor(message.to, message.epoch));
    const random = (): number => this.deps.random();
    const delay = retransmitDelay(
      stream.rtt.rtoMs,
      message.attempts,
      random,
      this.deps.rto ?? DEFAULT_RTO,
    );
    message.timer = setTimeout(() => this.onTimeout(stream, message), delay);
  }

  private onTimeout(stream: PeerStream, message: OutboundMessage): void {
    message.timer = undefined;
    if (this.closed || !stream.open.has(message.seq)) return;
    if (message.attempts < (this.deps.maxTransmissions ?? MAX_UDP_TRANSMISSIONS)) {
      this.transmit(stream, message);
      return;
    }
    message.state = 'pending'; // parked while the fallback decides; not reported yet
    message.fallback = true;
    void this.deps.exhausted(message, this.floor(message.to, message.epoch)).then(
      (next) => this.afterFallback(stream, message, next),
      () => this.afterFallback(stream, message, 'failed'),
    );
  }

  private afterFallback(
    stream: PeerStream,
    message: OutboundMessage,
    next: 'failed' | 'pending' | 'delivered',
  ): void {
    message.fallback = false;
    if (this.closed || !stream.open.has(message.seq) || message.state !== 'pending') return;
    if (next === 'pending') {
      this.report(message, 'pending');
      this.pump(stream);
    } else {
      this.resolve(stream, message, next, undefined);
    }
  }

  private resolve(
    stream: PeerStream,
    message: OutboundMessage,
    state: 'delivered' | 'failed' | 'cancelled',
    rttMs: number | undefined,
  ): void {
    clearTimeout(message.timer);
    message.timer = undefined;
    stream.open.delete(message.seq);
    this.byId.delete(message.id);
    this.report(message, state, rttMs);
    this.pump(stream);
  }

  private report(message: OutboundMessage, state: DeliveryStatus, rttMs?: number): void {
    this.deps.stateChanged({
      id: message.id,
      peerId: message.to,
      state,
      transport: message.transport,
      attempts: message.attempts,
      ...(rttMs === undefined ? {} : { rttMs }),
    });
  }
}

import type {
  DeliveryStatus,
  MessageReply,
  MessageStateChange,
  Transport,
} from '../../shared/domain';
import { MAX_UDP_TRANSMISSIONS } from '../../shared/protocol/constants';
import type { GroupRef } from '../../shared/protocol/groups';
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
  /** A group item travels in the text packet's `group` field (its text is the item's text). */
  readonly group?: GroupRef;
  /** The message this one answers, carried in every transmission. */
  readonly reply?: MessageReply;
  /** A control message for this consumer (the packet's `control`): `text` is its body. */
  readonly control?: string;
  state: Exclude<DeliveryStatus, 'delivered' | 'failed' | 'cancelled'>;
  transport: Transport;
  /** UDP transmissions so far. */
  attempts: number;
  /** When the first transmission since the last (re)start went out. */
  firstSentAt: number;
  /** `attempts` when the path last proved to work: the back-off counts from there. */
  backoffBase: number;
  /** The early fallback ran for this message (it runs once; then the UDP retries go on). */
  triedEarly: boolean;
  lastSentAt: number;
  /**
   * When the retransmission timer of this transmission runs out (`now()` time), or undefined
   * when it is not running. The stream's one timer (`PeerStream.timer`) fires for it.
   */
  due: number | undefined;
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
  /**
   * Whether `exhausted` may run early, after EARLY_FALLBACK_TRANSMISSIONS unanswered UDP
   * transmissions, when nothing has come back on the stream since the message first went out
   * (UDP looks blocked and the peer has TCP). Without it, only after every UDP retry.
   */
  canFallBackEarly?(message: OutboundMessage): boolean;
  /** A peer's stream as stored (sequence numbers continue across restarts). */
  loadStream?(peerId: string): { epoch: string; nextSeq: number } | undefined;
}

interface PeerStream {
  readonly epoch: string;
  nextSeq: number;
  /** Unresolved messages in sequence order (Map keeps insertion order). */
  readonly open: Map<number, OutboundMessage>;
  readonly rtt: RttEstimator;
  /** When the last ack on this stream came (-Infinity: never). */
  lastAckAt: number;
  /** Numbers of prepared messages whose store is still to commit (see `reserve()`). */
  readonly reserved: Set<number>;
  /**
   * Open messages transmitted more than once (the only ones `rearm()` re-sends; it skips its walk
   * of the window while there are none). A superset: one leaves when it is resolved or dropped.
   */
  readonly retried: Set<OutboundMessage>;
  /**
   * The stream's one retransmission timer, set for `timerAt`: no later than the earliest `due` of
   * its open messages. One `setTimeout` per message cost a timer object, two closures and a
   * timer-list insert and removal per text; this one is set again only when a transmission is
   * due before it, and when it fires (it may find the message it was set for acknowledged).
   */
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number;
  /**
   * The last `pump()` stopped at a message it could not start because the window was full, and
   * no message has left the window since (left `open`, or stopped `sending`). A message
   * `start()`ed meanwhile joins the end of the queue, so a walk would start nothing: `start()`
   * skips it (a stream that keeps more texts open than the window walked it for every text).
   */
  full: boolean;
  /**
   * Open messages that were made `pending` (a superset: one leaves when `hasPending` finds it
   * open no more or not pending). Every packet from a peer asks whether it has pending messages;
   * a walk of the window for it cost more than the packet's other work.
   */
  readonly pending: Set<OutboundMessage>;
}

const DEFAULT_WINDOW = 64;
/** UDP transmissions left unanswered (about 1.5 s) before an early TCP fallback. */
export const EARLY_FALLBACK_TRANSMISSIONS = 2;

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
    const message: OutboundMessage = {
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
      firstSentAt: 0,
      backoffBase: 0,
      triedEarly: false,
      lastSentAt: 0,
      due: undefined,
      fallback: false,
    };
    // One literal for the usual message: a literal that starts with a spread is built property
    // by property, each one growing its out-of-object storage (garbage on every text).
    return reply === undefined ? message : { ...message, reply };
  }

  /**
   * Keeps a prepared message's number while its store waits for the group commit: the next
   * `prepare()` numbers after it, and the floor stays below it. `start()` or `unreserve()` ends it.
   */
  reserve(message: OutboundMessage): void {
    const stream = this.stream(message.to);
    stream.nextSeq = message.seq + 1;
    stream.reserved.add(message.seq);
  }

  /**
   * The store of reserved messages failed: their numbers are free again, as if they were never
   * prepared. Only the newest numbers of a stream are ever reserved, so `nextSeq` goes back to
   * the lowest of them.
   */
  unreserve(messages: readonly OutboundMessage[]): void {
    for (const message of messages) {
      const stream = this.streams.get(message.to);
      if (stream?.reserved.delete(message.seq) !== true) continue;
      if (stream.epoch === message.epoch && message.seq < stream.nextSeq)
        stream.nextSeq = message.seq;
    }
  }

  /** Queues a prepared message and sends it when the window has room. */
  start(message: OutboundMessage): void {
    const stream = this.stream(message.to);
    stream.reserved.delete(message.seq);
    stream.nextSeq = Math.max(stream.nextSeq, message.seq + 1);
    stream.open.set(message.seq, message);
    this.byId.set(message.id, message);
    if (this.deps.reachable?.(message.to) === false) {
      message.state = 'pending';
      stream.pending.add(message);
      this.report(message, 'pending');
      return;
    }
    if (!stream.full) this.pump(stream);
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
      message.due = undefined;
      message.state = 'pending';
      stream.full = false;
      stream.pending.add(message);
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
      group?: GroupRef;
      reply?: MessageReply;
      control?: string;
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
        firstSentAt: 0,
        backoffBase: 0,
        triedEarly: false,
        lastSentAt: 0,
        due: undefined,
        fallback: false,
      };
      stream.open.set(m.seq, message);
      stream.pending.add(message);
      this.byId.set(m.id, message);
      if (m.epoch === stream.epoch && m.seq >= stream.nextSeq) stream.nextSeq = m.seq + 1;
    }
  }

  /**
   * Handles an ack that came over `via` (the receiver answers on the transport a copy reached it
   * by, so that is how the message got there); returns the delivered message, if the ack matched
   * one that was open.
   */
  acknowledge(ack: AckPacket, via?: Transport): OutboundMessage | undefined {
    return this.acknowledgeAll(ack.from, [ack], via)[0];
  }

  /**
   * Handles the acks of one packet (`ack`, or the entries of an `acks`) from `from`, as if each
   * came alone, but with one walk of the window: every matching message is resolved first, then
   * the window refills once and the lost ones go again once. Returns the delivered messages.
   */
  acknowledgeAll(
    from: string,
    acks: readonly { readonly id: string; readonly epoch: string; readonly seq: number }[],
    via?: Transport,
  ): OutboundMessage[] {
    const stream = this.streams.get(from);
    if (stream === undefined) return [];
    const done: OutboundMessage[] = [];
    let answered = -Infinity;
    for (const ack of acks) {
      const message = stream.open.get(ack.seq);
      if (message === undefined || message.id !== ack.id || message.epoch !== ack.epoch) continue;
      const now = this.deps.now();
      stream.lastAckAt = now;
      if (via !== undefined) message.transport = via;
      let rttMs: number | undefined;
      // A control message is acknowledged once its consumer handled it: its ack says nothing of
      // the path.
      if (message.attempts === 1 && message.transport === 'udp' && message.control === undefined) {
        rttMs = now - message.lastSentAt;
        stream.rtt.sample(rttMs);
      }
      this.resolve(stream, message, 'delivered', rttMs, false);
      answered = Math.max(answered, message.lastSentAt);
      done.push(message);
    }
    if (done.length === 0) return done;
    this.pump(stream);
    // Whatever went out before a transmission just acknowledged and is still unanswered was
    // lost (as TCP's fast retransmit reasons): after a partition, that is everything sent into it.
    this.rearm(stream, (m) => m.lastSentAt < answered);
    return done;
  }

  /**
   * Something authentic came from the peer: the path works. Messages that were backing off after
   * unanswered transmissions go out again now, instead of each waiting out its own back-off (after
   * a partition heals, all of them are delivered within a round trip or two, not over seconds).
   */
  pathWorks(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    const quietSince = this.deps.now() - stream.rtt.rtoMs;
    this.rearm(stream, (m) => m.lastSentAt <= quietSince);
  }

  /** The peer was heard from: send its pending messages again, in order. */
  resume(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    for (const message of stream.open.values()) {
      if (message.state === 'pending' && message.due === undefined && !message.fallback) {
        message.state = 'sending';
        message.transport = message.mode === 'tcp' ? 'tcp' : 'udp';
        message.attempts = 0;
        message.backoffBase = 0;
        message.triedEarly = false;
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
    message.backoffBase = 0;
    message.triedEarly = false;
    this.report(message, 'sending');
    this.pump(stream);
    return true;
  }

  /** Forgets every open message to `peerId` (they were moved to another peer's stream). */
  drop(peerId: string): void {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return;
    for (const message of stream.open.values()) {
      message.due = undefined;
      this.byId.delete(message.id);
    }
    stream.open.clear();
    stream.full = false;
    stream.retried.clear();
    stream.pending.clear();
    clearTimeout(stream.timer);
    stream.timer = undefined;
  }

  hasPending(peerId: string): boolean {
    const stream = this.streams.get(peerId);
    if (stream === undefined || stream.pending.size === 0) return false;
    for (const message of stream.pending) {
      if (message.state === 'pending' && stream.open.get(message.seq) === message) return true;
      stream.pending.delete(message); // resolved, dropped or sending again since
    }
    return false;
  }

  rttMs(peerId: string): number | undefined {
    return this.streams.get(peerId)?.rtt.smoothedRttMs;
  }

  /** The link's retransmission timeout, once a round trip was measured on it. */
  rtoMs(peerId: string): number | undefined {
    const rtt = this.streams.get(peerId)?.rtt;
    return rtt?.smoothedRttMs === undefined ? undefined : rtt.rtoMs;
  }

  /** Lowest sequence number still being delivered in this epoch (the next one when none is). */
  floor(peerId: string, epoch?: string): number {
    const stream = this.streams.get(peerId);
    if (stream === undefined) return 1;
    const inEpoch = epoch ?? stream.epoch;
    let lowest = inEpoch === stream.epoch ? stream.nextSeq : Number.MAX_SAFE_INTEGER;
    if (inEpoch === stream.epoch) for (const seq of stream.reserved) lowest = Math.min(lowest, seq);
    for (const message of stream.open.values()) {
      if (message.epoch === inEpoch && message.seq < lowest) lowest = message.seq;
    }
    return lowest;
  }

  close(): void {
    this.closed = true;
    for (const stream of this.streams.values()) {
      clearTimeout(stream.timer);
      stream.timer = undefined;
    }
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
        lastAckAt: -Infinity,
        reserved: new Set(),
        retried: new Set(),
        pending: new Set(),
        timer: undefined,
        timerAt: 0,
        full: false,
      };
      this.streams.set(to, stream);
    }
    return stream;
  }

  /** Starts queued messages while the window has room. */
  private pump(stream: PeerStream): void {
    const window = this.deps.window ?? DEFAULT_WINDOW;
    let inFlight = 0;
    // A first transmission changes no stream's open messages, so the floor of the stream's
    // epoch is the same for every message this walk starts: found once, when one is started.
    let floor: number | undefined;
    stream.full = false;
    for (const message of stream.open.values()) {
      if (message.state !== 'sending') continue;
      if (message.attempts > 0 || message.due !== undefined) {
        inFlight += 1;
        continue;
      }
      if (inFlight >= window) {
        stream.full = true;
        return;
      }
      if (message.epoch === stream.epoch) floor ??= this.floor(message.to, message.epoch);
      this.transmit(
        stream,
        message,
        message.epoch === stream.epoch ? floor : this.floor(message.to, message.epoch),
      );
      inFlight += 1;
    }
  }

  /**
   * Re-sends every message retransmitted at least once whose last transmission looks `lost` (quiet
   * for an RTO, or sent before the transmission an ack answered), so each is re-sent once per
   * sign that it was lost, however many acks come.
   */
  private rearm(stream: PeerStream, lost: (message: OutboundMessage) => boolean): void {
    if (stream.retried.size === 0) return; // nothing was sent twice: nothing to re-send
    for (const message of stream.open.values()) {
      // A message whose early TCP attempt is still connecting (a partition drops SYNs too) goes
      // out over UDP as well; the fallback's answer then changes nothing (afterFallback()).
      const connecting = message.fallback && message.triedEarly && message.state === 'pending';
      const waiting = message.state === 'sending' && !message.fallback && message.due !== undefined;
      if (!connecting && !waiting) continue;
      if (message.attempts < 2 || !lost(message)) continue;
      if (connecting) {
        message.state = 'sending';
        message.transport = 'udp';
      }
      message.due = undefined;
      message.backoffBase = message.attempts;
      this.transmit(stream, message);
    }
  }

  private transmit(stream: PeerStream, message: OutboundMessage, floor?: number): void {
    if (this.closed) return;
    message.attempts += 1;
    message.lastSentAt = this.deps.now();
    if (message.attempts === 1) message.firstSentAt = message.lastSentAt;
    else stream.retried.add(message);
    this.deps.transmit(message, floor ?? this.floor(message.to, message.epoch));
    const delay = retransmitDelay(
      stream.rtt.rtoMs,
      message.attempts - message.backoffBase,
      this.random,
      this.deps.rto ?? DEFAULT_RTO,
    );
    message.due = message.lastSentAt + delay;
    this.arm(stream, message.due);
  }

  private readonly random = (): number => this.deps.random();

  /** Makes the stream's timer fire by `due` (`now()` time) at the latest. */
  private arm(stream: PeerStream, due: number): void {
    if (stream.timer !== undefined && stream.timerAt <= due) return;
    clearTimeout(stream.timer);
    stream.timerAt = due;
    stream.timer = setTimeout(this.onStreamTimer, Math.max(0, due - this.deps.now()), stream);
  }

  /**
   * The stream's timer ran out: every message due by the time it was set for runs out, in stream
   * order, and the timer is set again for the earliest one still running.
   */
  private readonly onStreamTimer = (stream: PeerStream): void => {
    stream.timer = undefined;
    if (this.closed) return;
    const deadline = stream.timerAt;
    const expired: OutboundMessage[] = [];
    for (const message of stream.open.values())
      if (message.due !== undefined && message.due <= deadline) expired.push(message);
    for (const message of expired) {
      // An earlier one's handling may have resolved, re-sent or parked this one meanwhile.
      if (message.due === undefined || message.due > deadline) continue;
      message.due = undefined;
      this.onTimeout(stream, message);
    }
    let next: number | undefined;
    for (const message of stream.open.values())
      if (message.due !== undefined && (next === undefined || message.due < next))
        next = message.due;
    if (next !== undefined) this.arm(stream, next);
  };

  private onTimeout(stream: PeerStream, message: OutboundMessage): void {
    if (this.closed || !stream.open.has(message.seq)) return;
    const early =
      !message.triedEarly &&
      message.attempts - message.backoffBase >= EARLY_FALLBACK_TRANSMISSIONS &&
      stream.lastAckAt < message.firstSentAt &&
      this.deps.canFallBackEarly?.(message) === true;
    // The retries count from the last time the path proved to work (see rearm()).
    const tries = message.attempts - message.backoffBase;
    if (!early && tries < (this.deps.maxTransmissions ?? MAX_UDP_TRANSMISSIONS)) {
      this.transmit(stream, message);
      return;
    }
    message.state = 'pending'; // parked while the fallback decides; not reported yet
    stream.full = false;
    stream.pending.add(message);
    message.fallback = true;
    if (early) message.triedEarly = true;
    void this.deps.exhausted(message, this.floor(message.to, message.epoch)).then(
      (next) => this.afterFallback(stream, message, next, early),
      () => this.afterFallback(stream, message, 'failed', early),
    );
  }

  private afterFallback(
    stream: PeerStream,
    message: OutboundMessage,
    next: 'failed' | 'pending' | 'delivered',
    early: boolean,
  ): void {
    message.fallback = false;
    if (this.closed || !stream.open.has(message.seq) || message.state !== 'pending') return;
    if (early && next !== 'delivered') {
      // TCP did not get it through either (a partition, not blocked UDP): the UDP retries go on.
      message.state = 'sending';
      message.transport = 'udp';
      this.transmit(stream, message);
      return;
    }
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
    pump = true,
  ): void {
    message.due = undefined;
    stream.open.delete(message.seq);
    stream.full = false;
    stream.retried.delete(message);
    stream.pending.delete(message);
    this.byId.delete(message.id);
    this.report(message, state, rttMs);
    if (pump) this.pump(stream);
  }

  private report(message: OutboundMessage, state: DeliveryStatus, rttMs?: number): void {
    const { id, to: peerId, transport, attempts } = message;
    // Two literals rather than a spread: one of these is made for every message delivered.
    this.deps.stateChanged(
      rttMs === undefined
        ? { id, peerId, state, transport, attempts }
        : { id, peerId, state, transport, attempts, rttMs },
    );
  }
}

import { RttEstimator } from './rtt-estimator';

/** The window's bounds: how many background handshakes of ours may wait for an answer at once. */
export const MIN_WINDOW = 1;
export const MAX_WINDOW = 16;
const START_WINDOW = 8;
/**
 * An answer slower than this means the answering side is behind (its CPU or its socket queue), so
 * the window shrinks. A LAN answers a handshake in a few milliseconds.
 */
export const SLOW_ANSWER_MS = 1_000;
/** The pending handshake's own timeout (secure-channel.ts): no place is held longer. */
const MAX_HOLD_MS = 10_000;

/**
 * How many background handshakes a node keeps in flight, as TCP's congestion window
 * (additive increase, multiplicative decrease): each answer in time widens it by 1/window, a
 * slow answer halves it, at most once per SLOW_ANSWER_MS. A node that meets 200 peers at once
 * then starts no more handshakes than the answering side keeps up with: started all at once,
 * the answers queue past their timeouts in the peers' sockets, the queues overflow, and the work
 * is lost and done again (docs/BENCHMARKS.md, "Tenth pass on issue 18"). No answer at all does
 * not shrink it: a lost packet, a peer gone or an announce under an invented id says nothing of
 * the load, and would let a flood of announces hold the window at its minimum.
 *
 * A handshake without an answer holds its place for a retransmission timeout of the answers'
 * latency (RFC 6298: smoothed latency plus four times its variation), 1 to 10 s: on a LAN 1 s, so
 * what never answers soon gives its place to the next; on a loaded machine as long as answers
 * take, so handshakes still on their way are not joined by more.
 */
export class HandshakeWindow {
  private window = START_WINDOW;
  private lastCut = Number.NEGATIVE_INFINITY;
  private readonly latency = new RttEstimator({
    initialMs: SLOW_ANSWER_MS,
    minMs: SLOW_ANSWER_MS,
    maxMs: MAX_HOLD_MS,
    jitter: 0,
  });

  /** The number of handshakes that may wait for an answer now. */
  get size(): number {
    return Math.floor(this.window);
  }

  /** How long a handshake without an answer holds its place. */
  get holdMs(): number {
    return this.latency.rtoMs;
  }

  /** A handshake of ours was answered `latencyMs` after it started. */
  answered(latencyMs: number, now: number): void {
    this.latency.sample(latencyMs);
    if (latencyMs >= SLOW_ANSWER_MS) this.cut(now);
    else this.window = Math.min(MAX_WINDOW, this.window + 1 / this.window);
  }

  private cut(now: number): void {
    if (now - this.lastCut < SLOW_ANSWER_MS) return;
    this.lastCut = now;
    this.window = Math.max(MIN_WINDOW, this.window / 2);
  }
}

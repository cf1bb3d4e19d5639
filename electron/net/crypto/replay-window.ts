/**
 * Sliding-window replay filter of RFC 6479, as WireGuard uses it (wireguard-go replay/replay.go,
 * the kernel's counter_validate in receive.c): a ring of bit blocks; moving the window forward
 * clears whole blocks, so each packet costs O(1) however far the counter jumps.
 *
 * `check` only looks; `accept` marks. The receiver checks before decrypting (cheap rejection of
 * old and repeated counters) and accepts only after the AEAD tag verified, so a forged packet can
 * never move the window or burn a counter.
 */
import {
  REJECT_AFTER_MESSAGES,
  REPLAY_BLOCK_BITS,
  REPLAY_RING_BITS,
  REPLAY_WINDOW_SIZE,
} from './limits';

const RING_BLOCKS = REPLAY_RING_BITS / REPLAY_BLOCK_BITS;
const BLOCK_SHIFT = BigInt(Math.log2(REPLAY_BLOCK_BITS));
const BLOCK_MASK = BigInt(RING_BLOCKS - 1);
const BIT_MASK = BigInt(REPLAY_BLOCK_BITS - 1);
const WINDOW = BigInt(REPLAY_WINDOW_SIZE);

export type ReplayVerdict =
  | 'fresh'
  | 'replayed'
  /** More than REPLAY_WINDOW_SIZE behind the newest accepted counter. */
  | 'too-old'
  /** At or above the limit (REJECT_AFTER_MESSAGES): never valid. */
  | 'over-limit';

export class ReplayWindow {
  private readonly ring = new Uint32Array(RING_BLOCKS);
  private readonly limit: bigint;
  /** The newest accepted counter (0 before any: counter 0 is then still fresh, as in WireGuard). */
  private last = 0n;

  constructor(limit: bigint = REJECT_AFTER_MESSAGES) {
    this.limit = limit;
  }

  /** Whether `counter` would be accepted now. Changes nothing. */
  check(counter: bigint): ReplayVerdict {
    if (counter < 0n || counter >= this.limit) return 'over-limit';
    if (counter > this.last) return 'fresh';
    if (this.last - counter > WINDOW) return 'too-old';
    return (this.word(counter) & this.bit(counter)) === 0 ? 'fresh' : 'replayed';
  }

  /** Marks `counter` as seen if it is fresh, sliding the window forward when it is the newest. */
  accept(counter: bigint): ReplayVerdict {
    const verdict = this.check(counter);
    if (verdict !== 'fresh') return verdict;
    if (counter > this.last) this.slide(counter);
    const block = Number((counter >> BLOCK_SHIFT) & BLOCK_MASK);
    this.ring[block] = (this.word(counter) | this.bit(counter)) >>> 0;
    return 'fresh';
  }

  private slide(counter: bigint): void {
    const current = this.last >> BLOCK_SHIFT;
    const distance = (counter >> BLOCK_SHIFT) - current;
    const clear = distance > BigInt(RING_BLOCKS) ? RING_BLOCKS : Number(distance);
    const start = Number(current & BLOCK_MASK);
    for (let i = 1; i <= clear; i++) this.ring[(start + i) % RING_BLOCKS] = 0;
    this.last = counter;
  }

  private word(counter: bigint): number {
    return this.ring[Number((counter >> BLOCK_SHIFT) & BLOCK_MASK)] ?? 0;
  }

  private bit(counter: bigint): number {
    return (1 << Number(counter & BIT_MASK)) >>> 0;
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REJECT_AFTER_MESSAGES,
  REPLAY_RING_BITS,
  REPLAY_WINDOW_SIZE,
} from '../../../../electron/net/crypto/limits';
import { ReplayWindow } from '../../../../electron/net/crypto/replay-window';

const W = BigInt(REPLAY_WINDOW_SIZE);

describe('ReplayWindow', () => {
  it('has the 8,192-bit ring of WireGuard and accepts up to 8,160 behind', () => {
    expect(REPLAY_RING_BITS).toBe(8192);
    expect(REPLAY_WINDOW_SIZE).toBe(8160);
  });

  it('passes the WireGuard selftest table (kernel counter_validate, wireguard-go replay_test.go)', () => {
    const window = new ReplayWindow();
    const T_LIM = W + 1n;
    const R = REJECT_AFTER_MESSAGES;
    const table: [bigint, boolean][] = [
      [0n, true],
      [1n, true],
      [1n, false],
      [9n, true],
      [8n, true],
      [7n, true],
      [7n, false],
      [T_LIM, true],
      [T_LIM - 1n, true],
      [T_LIM - 1n, false],
      [T_LIM - 2n, true],
      [2n, true],
      [2n, false],
      [T_LIM + 16n, true],
      [3n, false],
      [T_LIM + 16n, false],
      [T_LIM * 4n, true],
      [T_LIM * 4n - (T_LIM - 1n), true],
      [10n, false],
      [T_LIM * 4n - T_LIM, false],
      [T_LIM * 4n - (T_LIM + 1n), false],
      [T_LIM * 4n - (T_LIM - 2n), true],
      [T_LIM * 4n + 1n - T_LIM, false],
      [0n, false],
      [R, false],
      [R - 1n, true],
      [R, false],
      [R - 1n, false],
      [R - 2n, true],
      [R + 1n, false],
      [R + 2n, false],
      [R - 2n, false],
      [R - 3n, true],
      [0n, false],
    ];
    for (const [index, [counter, expected]] of table.entries()) {
      expect(window.accept(counter) === 'fresh', `step ${index + 1}: ${counter}`).toBe(expected);
    }
  });

  it.each<[string, bigint[], bigint[], bigint[]]>([
    // [label, accepted in order, then these are fresh, then these are not]
    ['bulk 1: 1..W then 0', range(1n, W), [0n], []],
    ['bulk 2: 2..W+1 then 1', range(2n, W + 1n), [1n], [0n]],
    ['bulk 3: W+1 down to 1', range(1n, W + 1n).reverse(), [], []],
    ['bulk 4: W+2 down to 2', range(2n, W + 2n).reverse(), [], [0n]],
    ['bulk 5: W down to 1, then W+1', range(1n, W).reverse(), [W + 1n], [0n]],
  ])('%s', (_label, first, fresh, stale) => {
    const window = new ReplayWindow();
    for (const counter of first) expect(window.accept(counter)).toBe('fresh');
    for (const counter of fresh) expect(window.accept(counter)).toBe('fresh');
    for (const counter of stale) expect(window.accept(counter)).not.toBe('fresh');
  });

  it('says why a counter is refused, and check() changes nothing', () => {
    const window = new ReplayWindow();
    expect(window.accept(10_000n)).toBe('fresh');
    expect(window.check(10_000n)).toBe('replayed');
    expect(window.check(10_000n - W)).toBe('fresh');
    expect(window.check(10_000n - W - 1n)).toBe('too-old');
    expect(window.check(REJECT_AFTER_MESSAGES)).toBe('over-limit');
    expect(window.check(-1n)).toBe('over-limit');
    expect(window.check(20_000n)).toBe('fresh');
    expect(window.check(20_000n)).toBe('fresh');
    expect(window.accept(10_000n - W)).toBe('fresh');
    expect(window.accept(10_000n - W)).toBe('replayed');
  });

  it('honours a lower limit', () => {
    const window = new ReplayWindow(5n);
    expect(window.accept(4n)).toBe('fresh');
    expect(window.accept(5n)).toBe('over-limit');
  });

  it('agrees with a model that remembers every counter (random walks, big jumps included)', () => {
    const step = fc.oneof(
      fc.bigInt({ min: -40n, max: 40n }),
      fc.bigInt({ min: -9000n, max: 9000n }),
      fc.constantFrom(W, -W, W + 1n, -W - 1n, 32n, -32n),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const window = new ReplayWindow();
        const seen = new Set<bigint>();
        let newest = -1n;
        let counter = 100_000n;
        for (const delta of steps) {
          counter = counter + delta < 0n ? 0n : counter + delta;
          const expected = seen.has(counter)
            ? 'replayed'
            : newest >= 0n && newest - counter > W
              ? 'too-old'
              : 'fresh';
          const verdict = window.accept(counter);
          // A counter older than the window may have been seen: the window says too-old either way.
          if (expected === 'replayed' && newest - counter > W) expect(verdict).toBe('too-old');
          else expect(verdict).toBe(expected);
          if (verdict === 'fresh') {
            seen.add(counter);
            if (counter > newest) newest = counter;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

function range(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}

import { describe, expect, it } from 'vitest';
import {
  reconnectDelay,
  RECONNECT_BASE_MS,
  RECONNECT_CAP_MS,
} from '../../../../electron/net/relay/backoff';

describe('reconnectDelay', () => {
  it('doubles from the base up to the cap, half of it fixed and half random', () => {
    const low = (attempt: number) => reconnectDelay(attempt, () => 0);
    const high = (attempt: number) => reconnectDelay(attempt, () => 1);
    expect([low(0), high(0)]).toEqual([RECONNECT_BASE_MS / 2, RECONNECT_BASE_MS]);
    expect([low(1), high(1)]).toEqual([RECONNECT_BASE_MS, 2 * RECONNECT_BASE_MS]);
    expect([low(40), high(40)]).toEqual([RECONNECT_CAP_MS / 2, RECONNECT_CAP_MS]);
  });

  it('spreads many clients that lost the broker at the same moment', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1_000 }, () => reconnectDelay(3, random));
    const perSecond = new Map<number, number>();
    for (const d of delays)
      perSecond.set(Math.floor(d / 1_000), (perSecond.get(Math.floor(d / 1_000)) ?? 0) + 1);
    // attempt 3: between 4 s and 8 s, no second holding more than a third of the clients
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
    expect(Math.max(...perSecond.values())).toBeLessThan(400);
  });
});

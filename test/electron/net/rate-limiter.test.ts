import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../electron/net/rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate', () => {
    const limiter = new RateLimiter(10, 5, 100);
    const burst = Array.from({ length: 8 }, () => limiter.take('a', 0));
    expect(burst).toEqual([true, true, true, true, true, false, false, false]);
    expect(limiter.take('a', 100)).toBe(true); // 0.1 s at 10/s refills one token
    expect(limiter.take('a', 100)).toBe(false);
  });

  it('keeps sources apart', () => {
    const limiter = new RateLimiter(1, 1, 100);
    expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('b', 0)).toBe(true);
  });

  it('stays bounded under a flood of distinct sources', () => {
    const limiter = new RateLimiter(1, 1, 50);
    for (let i = 0; i < 10_000; i += 1) limiter.take(`10.0.${i >> 8}.${i & 255}:1`, i);
    expect(limiter.size).toBe(50);
  });
});

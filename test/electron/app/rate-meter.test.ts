import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../electron/app/rate-meter';

describe('RateMeter', () => {
  it('gives bytes per second over the last few seconds', () => {
    const meter = new RateMeter(0, 3_000);
    expect(meter.rate(0, 0)).toBe(0);
    expect(meter.rate(1_000, 1_000)).toBe(1_000);
    expect(meter.rate(2_000, 3_000)).toBe(1_500);
    // Samples older than the window go: the rate is the pace since t=5000 only.
    expect(meter.rate(5_000, 3_000)).toBe(0);
    expect(meter.rate(6_000, 13_000)).toBe(10_000);
  });

  it('never goes below zero (a download that started over) and stays bounded', () => {
    const meter = new RateMeter(0, 1_000_000, 4);
    meter.rate(1, 500);
    expect(meter.rate(2, 0)).toBe(0);
    for (let t = 3; t < 100; t += 1) meter.rate(t, t * 10);
    expect(meter.rate(100, 1_000)).toBe(10_000);
  });
});

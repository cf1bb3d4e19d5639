import { describe, expect, it } from 'vitest';
import { DEFAULT_RTO, retransmitDelay, RttEstimator } from '../../../electron/net/rtt-estimator';

describe('RttEstimator (RFC 6298)', () => {
  it('starts at the initial RTO', () => {
    expect(new RttEstimator().rtoMs).toBe(DEFAULT_RTO.initialMs);
  });

  it('first sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR', () => {
    const rtt = new RttEstimator({ ...DEFAULT_RTO, minMs: 1 });
    rtt.sample(100);
    expect(rtt.smoothedRttMs).toBe(100);
    expect(rtt.rtoMs).toBe(300);
  });

  it('later samples smooth with alpha 1/8 and beta 1/4', () => {
    const rtt = new RttEstimator({ ...DEFAULT_RTO, minMs: 1 });
    rtt.sample(100); // srtt 100, rttvar 50
    rtt.sample(200); // rttvar = .75*50 + .25*100 = 62.5; srtt = 112.5
    expect(rtt.smoothedRttMs).toBe(112.5);
    expect(rtt.rtoMs).toBe(112.5 + 4 * 62.5);
  });

  it('never goes below the floor on a fast LAN or above the cap', () => {
    const rtt = new RttEstimator();
    for (let i = 0; i < 20; i += 1) rtt.sample(0.2);
    expect(rtt.rtoMs).toBe(DEFAULT_RTO.minMs);
    rtt.sample(1_000_000);
    expect(rtt.rtoMs).toBe(DEFAULT_RTO.maxMs);
  });
});

describe('retransmitDelay', () => {
  const mid = (): number => 0.5;
  it('doubles per transmission (exponential back-off) up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retransmitDelay(500, n, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('applies jitter within ±20%', () => {
    expect(retransmitDelay(1000, 1, () => 0)).toBe(800);
    expect(retransmitDelay(1000, 1, () => 0.999_999)).toBe(1200);
  });

  it('never drops below the floor even with negative jitter', () => {
    expect(retransmitDelay(200, 1, () => 0)).toBe(DEFAULT_RTO.minMs);
  });
});

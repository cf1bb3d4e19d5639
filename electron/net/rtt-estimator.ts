import {
  RTO_INITIAL_MS,
  RTO_JITTER,
  RTO_MAX_MS,
  RTO_MIN_MS,
} from '../../shared/protocol/constants';

export interface RtoOptions {
  readonly initialMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

export const DEFAULT_RTO: RtoOptions = {
  initialMs: RTO_INITIAL_MS,
  minMs: RTO_MIN_MS,
  maxMs: RTO_MAX_MS,
  jitter: RTO_JITTER,
};

/**
 * Retransmission timeout estimator after RFC 6298 section 2: SRTT and RTTVAR smoothed with
 * alpha = 1/8 and beta = 1/4, RTO = SRTT + max(G, 4 * RTTVAR), clamped to [min, max].
 * The clock granularity G is taken as 1 ms. Samples come only from messages sent once (Karn).
 */
export class RttEstimator {
  private srtt: number | undefined;
  private rttvar = 0;
  private current: number;

  constructor(private readonly options: RtoOptions = DEFAULT_RTO) {
    this.current = options.initialMs;
  }

  get rtoMs(): number {
    return this.current;
  }

  get smoothedRttMs(): number | undefined {
    return this.srtt;
  }

  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.current = clamp(this.srtt + Math.max(1, 4 * this.rttvar), this.options);
  }
}

function clamp(ms: number, options: RtoOptions): number {
  return Math.min(options.maxMs, Math.max(options.minMs, ms));
}

/**
 * Delay before transmission number `attempt + 1`, after `attempt` transmissions (attempt >= 1):
 * the RTO doubled per retransmission (RFC 6298 5.5), capped, then scaled by a random factor in
 * [1 - jitter, 1 + jitter] so many senders do not retransmit in lockstep.
 * `random` returns a number in [0, 1).
 */
export function retransmitDelay(
  rtoMs: number,
  attempt: number,
  random: () => number,
  options: RtoOptions = DEFAULT_RTO,
): number {
  const backedOff = clamp(rtoMs * 2 ** Math.max(0, attempt - 1), options);
  const factor = 1 + options.jitter * (2 * random() - 1);
  return Math.max(options.minMs, Math.round(backedOff * factor));
}

/** Bytes per second over the last few seconds, from (time, bytes done) samples; bounded. */
export class RateMeter {
  private readonly samples: [number, number][];

  constructor(
    now: number,
    private readonly windowMs = 3_000,
    private readonly maxSamples = 64,
  ) {
    this.samples = [[now, 0]];
  }

  rate(now: number, bytesDone: number): number {
    this.samples.push([now, bytesDone]);
    while (
      this.samples.length > this.maxSamples ||
      (this.samples.length > 2 && now - (this.samples[0]?.[0] ?? now) > this.windowMs)
    )
      this.samples.shift();
    const [at, bytes] = this.samples[0] ?? [now, bytesDone];
    const ms = now - at;
    return ms <= 0 ? 0 : Math.max(0, Math.round(((bytesDone - bytes) * 1000) / ms));
  }
}

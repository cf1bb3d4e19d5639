/** Transfer rate over a sliding window, with time passed in (pure). */

const WINDOW_MS = 3_000;
const MAX_SAMPLES = 64;

export class RateMeter {
  private samples: { at: number; bytes: number }[] = [];

  /** Records the running byte count at time `at`. */
  add(at: number, bytes: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && at - last.at < WINDOW_MS / MAX_SAMPLES) {
      last.bytes = bytes;
      return;
    }
    this.samples.push({ at, bytes });
    this.trim(at);
  }

  /** Bytes per second over the window ending at `at`; 0 when nothing moved in it. */
  rate(at: number): number {
    this.trim(at);
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last === first) return 0;
    const span = Math.max(at, last.at) - first.at;
    return span <= 0 ? 0 : Math.round(((last.bytes - first.bytes) * 1000) / span);
  }

  reset(): void {
    this.samples = [];
  }

  private trim(at: number): void {
    while (this.samples.length > MAX_SAMPLES) this.samples.shift();
    while (this.samples.length > 1 && at - (this.samples[0]?.at ?? at) > WINDOW_MS)
      this.samples.shift();
  }
}

/** Timers a component owns, all cleared by one call (so `close()` leaves nothing behind). */
export class Timers {
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();

  after(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: ReturnType<typeof setTimeout>): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  every(ms: number, fn: () => void): void {
    this.handles.add(setInterval(fn, ms));
  }

  clear(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}

/**
 * An interval that runs only while its owner has work for it: `arm()` starts it (once), and each
 * tick ends it when `busy()` says nothing is left. An idle node then has no timer firing every
 * second or faster: no wake-ups for nothing, and V8 never finds Node's timer code hot enough to
 * compile it, which would page the compilers' code into the idle process (docs/BENCHMARKS.md,
 * "Eighth pass on issue 18: an idle node that stays idle").
 */
export class WhileBusy {
  private handle: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly ms: number,
    private readonly tick: () => void,
    private readonly busy: () => boolean,
  ) {}

  /** Starts the interval unless it runs already (cheap: called for every unit of work). */
  arm(): void {
    if (this.handle !== undefined || this.closed) return;
    this.handle = setInterval(() => {
      this.tick();
      if (!this.busy()) this.stop();
    }, this.ms);
    this.handle.unref();
  }

  /** Whether the interval runs now. */
  get running(): boolean {
    return this.handle !== undefined;
  }

  /** Stops the interval for good: `arm()` does nothing after this. */
  close(): void {
    this.closed = true;
    this.stop();
  }

  private stop(): void {
    clearInterval(this.handle);
    this.handle = undefined;
  }
}

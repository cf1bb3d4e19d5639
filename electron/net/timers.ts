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

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WhileBusy } from '../../../electron/net/timers';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('WhileBusy', () => {
  it('ticks only between arm() and the tick that finds nothing left', () => {
    let work = 0;
    const ticks: number[] = [];
    const timer = new WhileBusy(
      100,
      () => {
        ticks.push(work);
        work = Math.max(0, work - 1);
      },
      () => work > 0,
    );
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([]); // never armed: no interval at all
    expect(timer.running).toBe(false);

    work = 3;
    timer.arm();
    timer.arm(); // already running: still one interval
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    // Three ticks did work; the third left none, so the interval ended there.
    expect(ticks).toEqual([3, 2, 1]);
    expect(timer.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);

    work = 1;
    timer.arm(); // work again: it starts again
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([3, 2, 1, 1]);
  });

  it('does nothing after close(), even when armed', () => {
    let ticks = 0;
    const timer = new WhileBusy(
      100,
      () => {
        ticks += 1;
      },
      () => true,
    );
    timer.arm();
    vi.advanceTimersByTime(250);
    timer.close();
    timer.arm();
    vi.advanceTimersByTime(1_000);
    expect(ticks).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

import { vi } from 'vitest';

/** The periods (ms) of the intervals that `during` sets, each still set as it asked. */
export async function intervalsSetDuring(during: () => Promise<void>): Promise<number[]> {
  const periods: number[] = [];
  const real = globalThis.setInterval;
  const spy = vi
    .spyOn(globalThis, 'setInterval')
    .mockImplementation((fn: () => void, ms?: number) => {
      periods.push(ms ?? 0);
      return real(fn, ms);
    });
  try {
    await during();
  } finally {
    spy.mockRestore();
  }
  return periods;
}

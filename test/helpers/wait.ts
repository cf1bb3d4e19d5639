import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first event `name` whose arguments satisfy `predicate`; rejects after
 * `timeoutMs` with a message naming what was awaited. No sleeps: tests wait for events.
 */
export function waitForEvent<T>(
  emitter: EventEmitter,
  name: string,
  predicate: (value: T) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${name}"`));
    }, timeoutMs);
    function listener(value: T): void {
      if (!predicate(value)) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(value);
    }
    emitter.on(name, listener);
  });
}

/** Polls `condition` every few ms until it holds; for state that has no event of its own. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import { useSyncExternalStore } from 'react';

/** Relative times ("today", list clocks) are good to the minute. */
const TICK_MS = 60_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) clearInterval(timer);
  };
}

const snapshot = () => now;

/** The current time, the same for every component, re-rendering once a minute (render stays pure). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

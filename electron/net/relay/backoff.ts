/** Reconnect delays to a broker: the first retry after about a second, the longest 20 s. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_CAP_MS = 20_000;

/**
 * The wait before reconnect attempt `attempt` (0 for the first retry): exponential with "equal
 * jitter" (half fixed, half random), so thousands of nodes that lost one broker at once come back
 * spread over the interval instead of in one storm, and none retries in a tight loop.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function reconnectDelay(
  attempt: number,
  random: () => number,
  baseMs = RECONNECT_BASE_MS,
  capMs = RECONNECT_CAP_MS,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

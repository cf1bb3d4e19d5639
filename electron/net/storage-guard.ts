import type { StorageHealth } from './types';

/** SQLITE_FULL (https://sqlite.org/rescode.html#full), or the OS saying the disk is full. */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errcode, code, message } = error as {
    errcode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  return (
    errcode === 13 ||
    code === 'ENOSPC' ||
    (typeof message === 'string' && /database or disk is full|SQLITE_FULL|ENOSPC/.test(message))
  );
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs writes to durable storage and reports their health once per change: the first failure of
 * an episode, and the first success after it. Never throws.
 */
export class StorageGuard {
  private failing = false;

  constructor(private readonly report: (health: StorageHealth) => void) {}

  /** The write's result, or undefined when it failed (the failure has been reported). */
  run<T>(what: string, write: () => T): { value: T } | undefined {
    try {
      const value = write();
      if (this.failing) {
        this.failing = false;
        this.report({ ok: true, diskFull: false, message: 'Storage works again.' });
      }
      return { value };
    } catch (error) {
      this.fail(what, error);
      return undefined;
    }
  }

  fail(what: string, error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const diskFull = isDiskFull(error);
    const message = diskFull
      ? `The disk is full: cannot ${what}. Received messages are not acknowledged until there is space, so senders keep them.`
      : `Cannot ${what}: ${reasonOf(error)}. Received messages are not acknowledged until storage works, so senders keep them.`;
    this.report({ ok: false, diskFull, message });
  }
}

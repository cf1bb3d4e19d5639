// Setup and teardown shared by the end-to-end files: everything opened is closed in reverse order
// (also when setup failed half-way), and a failing test leaves a screenshot in test-results/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');

export interface Closers {
  add(close: () => Promise<unknown>): void;
}

/** Registers the afterAll that closes, newest first, whatever was added. */
export function closeAfterAll(): Closers {
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  return { add: (close) => closers.push(close) };
}

/** Registers the afterEach that photographs the page when a test failed. */
export function screenshotOnFailure(page: () => Page | undefined): void {
  afterEach(async (context) => {
    const current = page();
    if (context.task.result?.state !== 'fail' || current === undefined || current.isClosed())
      return;
    await mkdir(RESULTS, { recursive: true });
    const name = context.task.name.replace(/[^\w-]+/g, '-').slice(0, 60);
    await current.screenshot({ path: path.join(RESULTS, `e2e-${name}.png`) });
  });
}

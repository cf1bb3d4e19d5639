// axe-core (Deque's accessibility engine, the one browser devtools use) run in a real page.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export interface Violation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly nodes: readonly string[];
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe on the page (injected with `evaluate`, which the page's CSP does not govern) and
 * returns the serious and critical violations, each with the elements it found.
 */
export async function seriousViolations(on: Page): Promise<Violation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await on.evaluate(await axeSource);
  await on.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return on.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
      })))`);
}

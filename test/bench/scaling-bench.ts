/**
 * The scaling view: opening conversations of 1,000, 100,000 and 1,000,000 messages (a tenth of
 * each with --quick). For each size, the store's read of the newest page (what `messages:history`
 * answers when a conversation opens) and the app's first paint of it in Chromium, from the click
 * on the contact to the newest message on screen. Indexed reads should stay flat (or grow with
 * the logarithm of the size): each figure is shown against the smallest conversation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createBackend, type Backend } from '../../electron/app/backend';
import { createAppHandlers } from '../../electron/ipc/app-handlers';
import { createEmitter } from '../../electron/ipc/emitter';
import { openStore } from '../../electron/store/open-store';
import { HISTORY_PAGE } from '../../renderer/src/store/conversations-slice';
import { launchChromium } from '../e2e/chromium';
import { installBridge, type PageBridge } from '../e2e/page-bridge';
import { buildRenderer } from '../e2e/renderer-build';
import { serveDirectory } from '../e2e/static-server';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';
import { median, round, type Figure } from './stats';
import { openTimer, VIEWPORT } from './ui-bench';

const PEER = 'b'.repeat(32);
const NICK = 'Bea (long history)';
/** Store reads per size, and app opens per size (each on a fresh page). */
const READS = 50;
const OPENS = 3;

export interface ScalingRow {
  readonly messages: number;
  readonly fillMs: number;
  readonly readP50: number;
  readonly openMs: readonly number[];
  readonly openP50: number;
}

export interface ScalingResult {
  readonly rows: readonly ScalingRow[];
  readonly figures: Figure[];
}

/**
 * A profile holding one conversation of `messages`, written in a few SQL statements (a
 * recursive series) through the store's own schema and triggers (FTS included): the store's
 * insert path one row at a time would take minutes for a million.
 */
export function fill(dir: string, messages: number): void {
  const { store } = openStore(dir);
  try {
    const now = Date.now();
    store.upsertPeer({
      id: PEER,
      nick: NICK,
      host: 'bea-host',
      address: '10.0.0.2',
      port: 4000,
      tcpPort: 4000,
      path: { kind: 'lan', address: '10.0.0.2', port: 4000 },
      status: 'online',
      online: false,
      firstSeen: now - 86_400_000,
      lastSeen: now - 3_600_000,
    });
    const chunk = 100_000;
    for (let start = 0; start < messages; start += chunk) {
      const end = Math.min(messages, start + chunk);
      store.transaction(() => {
        store.sql.run(
          `WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
           INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state,
             sent_at, received_at, remote, attempts, position)
           SELECT 's' || i, ?, 'in', 'history', i + 1,
             'message #' || i || ': ' || CASE WHEN i % 7 = 0
               THEN 'a longer line that wraps over two lines in the bubble, as real chat does'
               ELSE 'short line' END,
             'udp', 'received', ? - (? - i) * 1000, ? - (? - i) * 1000, '10.0.0.2:4000', 1, i + 1
           FROM n`,
          start,
          end,
          PEER,
          now,
          messages,
          now,
          messages,
        );
      });
    }
    store.markRead(PEER);
  } finally {
    store.close();
  }
}

export async function scalingBench(options: { quick: boolean }): Promise<ScalingResult> {
  const sizes = options.quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000];
  process.env['VITEST'] = 'true';
  const build = await buildRenderer();
  const server = await serveDirectory(build.dir);
  let browser: Browser | undefined;
  const rows: ScalingRow[] = [];
  try {
    browser = await launchChromium();
    for (const messages of sizes) {
      const dataDir = mkdtempSync(join(tmpdir(), 'packetchat-bench-scaling-'));
      let backend: Backend | undefined;
      let bridge: PageBridge | undefined;
      try {
        let t = performance.now();
        fill(dataDir, messages);
        const fillMs = performance.now() - t;
        const emitter = createEmitter({
          send: (wire, payload) => bridge?.send(wire, payload) ?? false,
        });
        backend = createBackend({
          profile: { dataDir },
          appVersion: '0.0.0-bench',
          node: { ...testPorts(), broadcast: [LOOPBACK_BROADCAST] },
          emit: emitter.emit,
        });
        const started = backend.start();
        await started;
        await backend.handlers['settings:set']({ onboarded: true });
        const handlers = createAppHandlers({
          backend: backend.handlers,
          started,
          onReady: () => emitter.ready(),
          onSettings: () => undefined,
          openInBrowser: () => Promise.resolve(),
          isSafeExternalUrl: () => false,
        });

        // The store's read of the newest page, as the app asks for it.
        const reads: number[] = [];
        for (let i = 0; i < READS; i += 1) {
          t = performance.now();
          await handlers['messages:history']({ peerId: PEER, limit: HISTORY_PAGE });
          reads.push(performance.now() - t);
        }

        // The app: load, then click the contact and wait for the newest message on screen.
        const openMs: number[] = [];
        const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
        // The first open in a fresh browser also warms its caches: one more, not counted.
        const warmUp = rows.length === 0 ? 1 : 0;
        for (let i = 0; i < OPENS + warmUp; i += 1) {
          const page = await context.newPage();
          bridge = await installBridge(page, handlers);
          await page.goto(server.url);
          const row = page.locator(`.contact-list [role=option][aria-label^="${NICK}"]`);
          await row.waitFor({ timeout: 60_000 });
          // Timed in the page, as the ui section's open: click event to the frame after the
          // newest message is in the DOM. Awaited there, not with a locator polling the page.
          await page.evaluate(openTimer(`message #${messages - 1}:`));
          await row.click();
          const opened = await page.evaluate<number>('window.__openTimed');
          if (i >= warmUp) openMs.push(opened);
          bridge.close();
          bridge = undefined;
          await page.close();
        }
        await context.close();
        rows.push({ messages, fillMs, readP50: median(reads), openMs, openP50: median(openMs) });
        console.log(
          `  ${messages.toLocaleString('en')} messages: filled in ${round(fillMs)} ms, read p50 ${round(median(reads))} ms, open ${openMs.map((x) => round(x)).join(' / ')} ms`,
        );
      } finally {
        bridge?.close();
        await backend?.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser?.close();
    await server.close();
    await build.remove();
  }
  const first = rows[0]!;
  const small = first.messages.toLocaleString('en');
  const figures: Figure[] = rows.flatMap((r) => {
    const n = r.messages.toLocaleString('en');
    return [
      {
        section: 'scaling',
        figure: `store read, newest ${HISTORY_PAGE} of ${n} messages, p50`,
        unit: 'ms',
        value: round(r.readP50),
        baseline: `the same read of ${small}`,
        baselineValue: round(first.readP50),
        factor: round(r.readP50 / first.readP50),
        note: `${READS} reads through messages:history`,
      },
      {
        section: 'scaling',
        figure: `open a ${n}-message conversation (click to newest message painted, in the page), median`,
        unit: 'ms',
        value: round(r.openP50),
        baseline: `the same with ${small}`,
        baselineValue: round(first.openP50),
        factor: round(r.openP50 / first.openP50),
        note: `${OPENS} opens on fresh pages: ${r.openMs.map((x) => round(x)).join(', ')} ms`,
      },
    ];
  });
  return { rows, figures };
}

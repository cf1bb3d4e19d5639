// Long lists in real Chromium: 5,000 contacts and a 100,000-message conversation paged in from
// `messages:history`. The handlers are the in-memory fake (test/renderer/fake-backend.ts): the
// point here is the renderer's virtualization and paging, not the node.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { VIEWPORT } from './app-under-test';
import { launchChromium } from './chromium';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { serveRenderer } from './window';
import { installBridge, type PageBridge } from './page-bridge';
import type { StaticServer } from './static-server';
import { fakeHandlers, makeContact, makeMessage, sampleData } from '../renderer/fake-backend';

const CONTACTS = 5_000;
const MESSAGES = 100_000;
const VARIED = 600;
const NOW = Date.now();
const HOUR = 3_600_000;

let browser: Browser;
let server: StaticServer;
let page: Page;
let bridge: PageBridge;

function bigLan() {
  const data = sampleData(NOW);
  data.contacts = Array.from({ length: CONTACTS }, (_, i) =>
    makeContact(`peer-${i}`, {
      nick: `Peer ${String(i).padStart(4, '0')}`,
      address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      online: i % 3 !== 0,
    }),
  );
  // One message an hour, so the conversation spans years and has day separators throughout.
  data.messages = Array.from({ length: MESSAGES }, (_, i) =>
    makeMessage(`m${i}`, 'peer-1', {
      direction: i % 2 === 0 ? 'in' : 'out',
      state: i % 2 === 0 ? 'received' : 'delivered',
      text: `message number ${i}`,
      receivedAt: NOW - (MESSAGES - i) * HOUR,
    }),
  );
  // A shorter one whose rows differ in height (runs of one side, lines that wrap), so estimated
  // and real row heights differ, as in real chats.
  data.messages.push(
    ...Array.from({ length: VARIED }, (_, i) =>
      makeMessage(`v${i}`, 'peer-2', {
        direction: Math.floor(i / 3) % 2 === 0 ? 'in' : 'out',
        state: Math.floor(i / 3) % 2 === 0 ? 'received' : 'delivered',
        text: `varied ${i}: ${i % 5 === 0 ? 'a long line that wraps in the bubble '.repeat(6) : 'short'}`,
        receivedAt: NOW - (VARIED - i) * 60_000,
      }),
    ),
  );
  data.unread = {};
  return data;
}

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  browser = await launchChromium();
  closers.add(() => browser.close());
  server = await serveRenderer(closers);
  page = await browser.newPage({ viewport: VIEWPORT });
  bridge = await installBridge(page, fakeHandlers(bigLan()));
  await page.goto(server.url);
}, 60_000);

const NEXT_FRAME = 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))';
const rendered = (selector: string) => page.locator(selector).count();
const pages = () =>
  bridge.calls.filter(
    (c) => c.channel === 'messages:history' && (c.args as { peerId?: string }).peerId === 'peer-1',
  ).length;

describe('virtualized lists', () => {
  it('renders a window of 5,000 contacts and reaches the last one with the End key', async () => {
    const list = page.getByRole('listbox', { name: 'Contacts' });
    await list.getByRole('option', { name: /^Online, 3333 contacts/ }).waitFor();
    expect(await rendered('.contact-row')).toBeLessThan(40);
    await list.focus();
    await page.keyboard.press('End');
    const last = list.getByRole('option', { name: /^Peer 4998 / });
    await last.waitFor();
    expect(await last.isVisible()).toBe(true);
    expect(await rendered('.contact-row')).toBeLessThan(40);
  });

  it('opens a conversation with its newest message at the bottom, from the first frame on', async () => {
    // Sampled right after every frame (a message posted from the frame's animation callback runs
    // once the frame is painted), from the first frame that shows the newest message: it must
    // sit at the list's bottom and not move, nor may the seven messages above it. Rows shown at
    // estimated heights and corrected a frame later, a second landing, or the virtual list
    // taking over from the first frame's rows at other places would move them.
    const newest = `varied ${VARIED - 1}: short`;
    const above = Array.from({ length: 7 }, (_, k) => `v${VARIED - 2 - k}`);
    await page.evaluate(`window.__landing = new Promise((resolve) => {
      const frames = [];
      const after = new MessageChannel();
      after.port1.onmessage = () => {
        const list = document.querySelector('.message-list');
        const text = [...document.querySelectorAll('.message-list .message-text')]
          .find((el) => el.textContent === ${JSON.stringify(newest)});
        if (list && text) {
          const box = text.closest('.message').getBoundingClientRect();
          const tops = ${JSON.stringify(above)}.map((id) => {
            const el = list.querySelector('[data-message-id="' + id + '"]');
            return el ? Math.round(el.getBoundingClientRect().top) : null;
          });
          // The list is filled to its top edge: the oldest row shown starts at or above it.
          const oldest = list.querySelector('[data-index]').getBoundingClientRect();
          const filled = oldest.top <= list.getBoundingClientRect().top;
          frames.push({ gap: Math.round(list.getBoundingClientRect().bottom - box.bottom), top: Math.round(box.top), tops, filled });
        }
        if (frames.length >= 12) resolve(frames); else requestAnimationFrame(frame);
      };
      const frame = () => after.port2.postMessage(0);
      requestAnimationFrame(frame);
    }); undefined`);
    await page.getByRole('searchbox').fill('Peer 0002');
    await page.getByRole('button', { name: /Peer 0002/ }).click();
    const frames =
      await page.evaluate<{ gap: number; top: number; tops: (number | null)[]; filled: boolean }[]>(
        'window.__landing',
      );
    const first = frames[0];
    expect(first?.gap).toBeGreaterThanOrEqual(0);
    expect(first?.gap).toBeLessThan(40);
    expect(first?.tops).not.toContain(null);
    expect(first?.filled).toBe(true);
    expect(frames).toEqual(frames.map(() => first));
    const log = page.getByRole('log', { name: 'Conversation with Peer 0002' });
    expect(await log.getByText(newest, { exact: true }).isVisible()).toBe(true);
  });

  it('pages a 100,000-message conversation in as it scrolls up, keeping its place', async () => {
    await page.getByRole('searchbox').fill('Peer 0001');
    await page.getByRole('button', { name: /Peer 0001/ }).click();
    const log = page.getByRole('log', { name: 'Conversation with Peer 0001' });
    await log.getByText('message number 99999', { exact: true }).waitFor();
    await log.hover();
    for (let loaded = 1; loaded <= 10; loaded += 1) {
      await expect.poll(() => pages()).toBe(loaded);
      const oldest = log.getByText(`message number ${MESSAGES - loaded * 100}`, { exact: true });
      await page.mouse.wheel(0, -50_000);
      await expect.poll(() => pages()).toBe(loaded + 1);
      // The message that was on top stays in view while the older page goes in above it.
      await oldest.waitFor();
      expect(await oldest.isVisible()).toBe(true);
    }
    expect(await rendered('.message')).toBeLessThan(60);
    // A day separator every 24 messages: one comes into view within a few screens.
    for (let step = 0; step < 8 && (await rendered('.day-separator')) === 0; step += 1) {
      await page.mouse.wheel(0, -600);
      await page.evaluate(NEXT_FRAME);
    }
    expect(await rendered('.day-separator')).toBeGreaterThan(0);
  });

  it('jumps from a search hit to the very first of 100,000 messages', async () => {
    const started = Date.now();
    await page.getByRole('searchbox').fill('message number 0');
    await page.getByRole('region', { name: 'Search results' }).getByRole('button').first().click();
    const log = page.getByRole('log', { name: 'Conversation with Peer 0001' });
    await log.getByText('message number 0', { exact: true }).waitFor({ timeout: 20_000 });
    await log.getByText('Beginning of the conversation').waitFor();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await rendered('.message')).toBeLessThan(60);
    // With all 100,000 loaded, a wheel step still renders within a few frames.
    const steps: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const t = Date.now();
      await page.mouse.wheel(0, 1_500);
      await page.evaluate(NEXT_FRAME);
      steps.push(Date.now() - t);
    }
    steps.sort((a, b) => a - b);
    expect(steps[Math.floor(steps.length / 2)]).toBeLessThan(100);
    expect(await rendered('.message')).toBeLessThan(60);
  }, 40_000);
});

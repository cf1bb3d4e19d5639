// The renderer's code split (docs/UI.md, "Loading"), in real Chromium over http with the app's
// Content-Security-Policy: the first screen runs the entry and the boot chunk only; a view such
// as Settings loads its chunk when first opened; a chunk that fails to load leaves an error
// state with the reason, never an empty window.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testPorts } from '../helpers/ports';
import { type AppUnderTest } from './app-under-test';
import { seriousViolations } from './axe';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { openAppWindow } from './window';

const ports = testPorts();
let app: AppUnderTest;
let page: Page;
const refused: string[] = [];

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
  }));
  page = app.page;
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.getByRole('main', { name: 'Conversation' }).waitFor();
}, 60_000);

/** The script files the page has loaded so far, without their content hashes. */
async function scripts(): Promise<string[]> {
  const names = await page.evaluate<string[]>(
    `performance.getEntries().map((e) => e.name).filter((n) => n.endsWith('.js'))`,
  );
  return names.map((n) => (n.split('/').pop() ?? '').replace(/-[\w-]{8}\.js$/, ''));
}

describe('views loaded on first use', () => {
  it('load Settings only when it opens, under the page CSP', async () => {
    const before = await scripts();
    expect(before).toContain('boot');
    expect(before).not.toContain('SettingsDialog');
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    expect(await scripts()).toContain('SettingsDialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(refused).toEqual([]);
  });

  it('show an error state, not an empty window, when a chunk fails to load', async () => {
    await page.route('**/assets/TransfersView-*.js', (route) => route.abort('connectionrefused'));
    try {
      const opener = page.getByRole('button', { name: 'Transfers' });
      await opener.click();
      const alert = page.getByRole('alert').filter({ hasText: 'This view could not load' });
      await alert.waitFor();
      // As a dialog would: it has the focus, offers Try again and Close, and passes axe.
      expect(await page.locator(':focus').getAttribute('role')).toBe('alert');
      await alert.getByRole('button', { name: 'Try again' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await alert.waitFor({ state: 'detached' });
      expect(await page.locator(':focus').getAttribute('aria-label')).toBe('Transfers');
    } finally {
      await page.unroute('**/assets/TransfersView-*.js');
    }
  });
});

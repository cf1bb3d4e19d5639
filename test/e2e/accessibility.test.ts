// axe-core (Deque's accessibility engine, the one browser devtools use) in real Chromium on
// every view: the main window in both themes, the inspector, settings, and the chat window's
// menus and dialogs. No serious or critical violation is allowed: colour contrast (WCAG AA,
// 4.5:1 for text), names, roles, focusable content.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketChatNode } from '../../electron/net/node';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { launchApp, startPeer, type AppUnderTest } from './app-under-test';
import { seriousViolations } from './axe';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { openAppWindow } from './window';
import type { StaticServer } from './static-server';

const ports = testPorts();
const TIMEOUT = 10_000;
let browser: Browser;
let server: StaticServer;
let app: AppUnderTest;
let page: Page;
let alice: PacketChatNode;

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  ({ browser, server, app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
  }));
  page = app.page;
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  await waitForPeer(alice, app.self.nodeId);
  await alice.sendText(app.self.nodeId, 'Hi Lin! 🙂 Lunch at noon?');
  await page.getByRole('option', { name: /^Alice / }).click({ timeout: TIMEOUT });
  const composer = page.getByRole('textbox', { name: 'Message to Alice' });
  await composer.fill('Yes, noon works.');
  await composer.press('Enter');
  await page.locator('.message.out').getByText('Delivered').waitFor({ timeout: TIMEOUT });
}, 60_000);

/** Switches the theme through the settings dialog, as a person does. */
async function theme(name: 'light' | 'dark'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) === name) return;
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: name === 'dark' ? 'Dark' : 'Light' }).click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('Saved').waitFor();
  await page.keyboard.press('Escape');
}

describe('axe-core finds no serious or critical violation', () => {
  it.each(['light', 'dark'] as const)('in the main window (%s)', async (name) => {
    await theme(name);
    await page.locator(`html[data-theme="${name}"]`).waitFor();
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
    const found = await seriousViolations(page);
    expect(found).toEqual([]);
  });

  it('in the packet inspector with a packet open, and in settings', async () => {
    await theme('light');
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    await page.locator('.packet-row:not(.head)').first().click();
    await page.getByRole('complementary', { name: 'Packet details' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });

  it('in the context menu, the forward picker, the delete dialog and the emoji picker', async () => {
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
    const incoming = page.locator('.message.in').first();
    await incoming.click({ button: 'right' });
    await page.getByRole('menu', { name: 'Message actions' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('menuitem', { name: 'Forward…' }).click();
    await page.getByRole('dialog', { name: /^Forward/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await incoming.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete for me' }).click();
    await page.getByRole('alertdialog').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Emoji' }).click();
    await page.getByRole('dialog', { name: 'Emoji' }).getByRole('button').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('at 800×600: the packet log and its detail fit the window', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      await page.getByRole('button', { name: 'Packet inspector' }).click();
      await page.locator('.packet-row', { hasText: 'text' }).first().click();
      const detail = page.getByRole('complementary', { name: 'Packet details' });
      await detail.getByRole('region', { name: 'Payload' }).locator('pre').waitFor();
      const fits = await page.evaluate(`(() => {
        const head = document.querySelector('.packet-row.head');
        const summary = head.lastElementChild.getBoundingClientRect();
        const box = document.querySelector('.packet-detail').getBoundingClientRect();
        return summary.right <= innerWidth && box.right <= innerWidth && box.bottom <= innerHeight
          && box.height > 100 && head.scrollWidth <= head.clientWidth;
      })()`);
      expect(fits).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1180, height: 760 });
    }
  });

  it('in the status menu', async () => {
    await page.getByRole('button', { name: /^My status/ }).click();
    await page.getByRole('dialog', { name: 'My status' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('in the first-run dialog', async () => {
    const fresh = await launchApp(browser, {
      url: server.url,
      ports: testPorts(),
      settings: { language: 'en', theme: 'light', onboarded: false },
    });
    try {
      const dialog = fresh.page.getByRole('dialog', { name: 'Welcome to PacketChat' });
      await dialog.waitFor({ timeout: TIMEOUT });
      // The computer's name is suggested, never the login name.
      expect(await dialog.getByLabel('Nickname').inputValue()).toBe(fresh.self.host);
      expect(await seriousViolations(fresh.page)).toEqual([]);
      await dialog.getByLabel('Nickname').fill('Mei');
      await dialog.getByRole('radio', { name: 'Colour 140°' }).click();
      await dialog.getByRole('button', { name: 'Start chatting' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await fresh.backend.handlers['settings:get'](undefined)).toMatchObject({
        nick: 'Mei',
        avatarHue: 140,
        onboarded: true,
      });
    } finally {
      await fresh.close();
    }
  });
});

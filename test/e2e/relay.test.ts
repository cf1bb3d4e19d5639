// The relay in the real UI: the app and a peer on loopback that cannot find each other on the LAN
// (each announces only to its own server port) meet through a real Mosquitto broker on loopback.
// In real Chromium: the broker's state in settings, the peer found in the relay directory,
// connected, its path "via relay 127.0.0.1:PORT" in the row, the header and the inspector, a
// message delivered through the broker; axe-core on the relay views (settings with the broker,
// Dora's row and header "via relay …", the inspector filtered to relay traffic) in both themes;
// then the broker stops and settings say so. It takes the relay screenshots (relay-light-en.png,
// relay-settings-light-en.png): `npm run screenshots` runs it with fixed ports (the app at 8000
// and 4000, the broker at 1883) for docs/screenshots/, `npm test` into test-results/screenshots/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../electron/net/index';
import { startBroker, type Broker } from '../helpers/mosquitto';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../helpers/require-tool';
import { type AppUnderTest } from './app-under-test';
import { seriousViolations } from './axe';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { screenshotTarget } from './screenshot-target';

const mosquitto = findTool(TOOLS.mosquitto);
const TIMEOUT = 15_000;
const target = screenshotTarget();
/** MQTT's own port, for the documentation's pictures. */
const DOCS_BROKER_PORT = 1883;
let broker: Broker;
let app: AppUnderTest;
let page: Page;
let dora: PacketChatNode;

const closers = closeAfterAll();
screenshotOnFailure(() => page);

describe('the relay in the UI', () => {
  beforeAll(async () => {
    // Without Mosquitto each test skips (outside CI) or fails (in CI) through requireOrSkip.
    if (!mosquitto.ok) return;
    broker = await startBroker(target.docs ? { port: DOCS_BROKER_PORT } : {});
    closers.add(() => broker.stop());
    await mkdir(target.dir, { recursive: true });
    ({ app } = await openAppWindow(closers, {
      ports: target.docs ? target.ports : testPorts(),
      machine: target.machine,
      // The profile's broker (the settings show it, with its saved password); the node gets the
      // same broker as `--relay` gives it, which is what it uses.
      settings: {
        nick: 'Lin',
        language: 'en',
        theme: 'light',
        relays: [{ url: broker.url, username: 'lin', password: 'not-used-by-this-broker' }],
      },
      node: { relay: { brokers: [{ url: broker.url }], directory: true } },
    }));
    page = app.page;
    // Another server port: the app's announces never reach Dora, only the broker joins them.
    dora = createNode({
      ...testPorts(),
      nick: 'Dora',
      host: 'dora-pc',
      broadcast: [LOOPBACK_BROADCAST],
      relay: { brokers: [{ url: broker.url }], directory: true },
    });
    closers.add(() => dora.close());
    await dora.start();
  }, 60_000);

  const brokerName = () => `${broker.host}:${String(broker.port)}`;

  async function shoot(name: string): Promise<void> {
    // No focus ring from the last key press; fonts in, the last row measured.
    await page.evaluate('document.activeElement?.blur()');
    await page.evaluate('document.fonts.ready.then(() => undefined)');
    await page.evaluate(
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
    );
    await page.screenshot({ path: path.join(target.dir, `${name}.png`), caret: 'hide' });
  }

  /** Switches the theme through the settings dialog, as a person does. */
  async function switchTheme(name: 'light' | 'dark'): Promise<void> {
    if ((await page.locator('html').getAttribute('data-theme')) === name) return;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('radio', { name: name === 'dark' ? 'Dark' : 'Light' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Saved', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator(`html[data-theme="${name}"]`).waitFor({ timeout: TIMEOUT });
  }

  it('shows the broker connected in settings', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const now = dialog.getByRole('region', { name: 'Connections now' });
    await now.getByText(broker.url).waitFor({ timeout: TIMEOUT });
    await now.getByText('Connected', { exact: true }).waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Escape');
  });

  it('finds Dora in the directory, connects, and chats through the broker', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    await page.getByRole('searchbox', { name: 'Search contacts and messages' }).fill('Dor');
    const results = page.getByRole('region', { name: 'Search results' });
    const connect = results.getByRole('button', { name: 'Connect to Dora through the relay' });
    // The directory entry may arrive after the first search: search again until it is listed.
    for (let i = 0; i < 30 && !(await connect.isVisible()); i += 1) {
      await page.getByRole('searchbox', { name: 'Search contacts and messages' }).fill('');
      await page.getByRole('searchbox', { name: 'Search contacts and messages' }).fill('Dor');
      await connect.waitFor({ timeout: 500 }).catch(() => undefined);
    }
    await connect.click();
    await page.getByRole('searchbox', { name: 'Search contacts and messages' }).fill('');
    const row = page.getByRole('option', { name: /^Dora / });
    await row.waitFor({ timeout: TIMEOUT });
    expect(await row.textContent()).toContain(`via relay ${brokerName()}`);
    await row.click();
    const header = page.getByRole('region', { name: 'About Dora' });
    await header.getByText(`via relay ${brokerName()}`).waitFor();
    await header.getByText('Sealed through the relay (MQTT)').waitFor();
    const composer = page.getByRole('textbox', { name: 'Message to Dora' });
    await composer.fill('Hello across sites');
    await composer.press('Enter');
    await page.locator('.message.out').getByText('Delivered').waitFor({ timeout: TIMEOUT });
    await shoot('relay-light-en');
    // The relay settings over the conversation: the broker, its state, the saved password.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog
      .getByRole('group', { name: 'Broker 1' })
      .getByText('Connected', { exact: true })
      .waitFor({ timeout: TIMEOUT });
    await dialog
      .getByRole('heading', { name: 'Relay: other subnets and sites' })
      .evaluate((heading: { scrollIntoView(options: { block: 'start' }): void }) => {
        heading.scrollIntoView({ block: 'start' });
      });
    await shoot('relay-settings-light-en');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Packet inspector' }).click();
    const relayRow = page
      .locator('.packet-row:not(.head)')
      .filter({ hasText: 'RELAY' })
      .filter({ hasText: 'Hello across sites' })
      .first();
    await relayRow.click({ timeout: TIMEOUT });
    const detail = page.getByRole('complementary', { name: 'Packet details' });
    await detail.getByText(`via relay ${brokerName()}`).waitFor();
    // The inspector keeps a relayed packet's bytes as it does a datagram's: the inner packet.
    const payload = detail.getByRole('region', { name: 'Payload' });
    await payload.getByText(/Hello across sites/).waitFor();
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
  }, 60_000);

  it('axe-core finds no serious or critical violation in the relay views, light and dark', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(theme);
      // Dora's row and header: the path "via relay host:port".
      await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
      const row = page.getByRole('option', { name: /^Dora / });
      await row.click();
      await page
        .getByRole('region', { name: 'About Dora' })
        .getByText(`via relay ${brokerName()}`)
        .waitFor();
      expect(await seriousViolations(page), `${theme}: Dora via relay`).toEqual([]);

      // The inspector showing only the broker's traffic.
      await page.getByRole('button', { name: 'Packet inspector' }).click();
      await page
        .getByRole('combobox', { name: 'Filter by transport' })
        .selectOption({ label: 'Relay (MQTT)' });
      const rows = page.locator('.packet-row:not(.head)');
      await rows.first().waitFor({ timeout: TIMEOUT });
      expect(new Set(await rows.locator('.proto').allTextContents())).toEqual(new Set(['RELAY']));
      // A click on the selected row closes its details: open them only when they are closed.
      const details = page.getByRole('complementary', { name: 'Packet details' });
      if (!(await details.isVisible())) await rows.first().click();
      await details.waitFor();
      expect(await seriousViolations(page), `${theme}: inspector, relay filter`).toEqual([]);
      await page
        .getByRole('combobox', { name: 'Filter by transport' })
        .selectOption({ label: 'All transports' });

      // Settings with the broker and its state.
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('group', { name: 'Broker 1' }).scrollIntoViewIfNeeded();
      await dialog
        .getByRole('region', { name: 'Connections now' })
        .getByText('Connected', { exact: true })
        .waitFor({ timeout: TIMEOUT });
      expect(await seriousViolations(page), `${theme}: relay settings`).toEqual([]);
      await page.keyboard.press('Escape');
    }
    await switchTheme('light');
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
  }, 90_000);

  it('says when the broker is gone', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    await broker.stop();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const now = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', {
      name: 'Connections now',
    });
    await now
      .getByText(/^(Not connected|Connecting…)$/)
      .first()
      .waitFor({ timeout: TIMEOUT });
    expect(await now.getByText('Connected', { exact: true }).count()).toBe(0);
    await page.keyboard.press('Escape');
  });
});

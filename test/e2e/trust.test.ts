// Trust in real Chromium against the real backend: the encryption state of a contact, the verify
// view (the same safety number as the peer computes, a QR code, marking verified), a key change
// (a peer that comes back with a new key under the same name and host: the warning, held
// messages, accepting), the inspector's sealed packets, and axe on each of these views.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCE_INTERVAL_MS } from '../../shared/protocol/constants';
import type { ChatMessage } from '../../shared/domain';
import type { PacketChatNode } from '../../electron/net/node';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { startPeer, type AppUnderTest } from './app-under-test';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';

const ports = testPorts();
const alicePorts = { ...ports, clientPort: ports.clientPort + 20 };
const TIMEOUT = 10_000;
let app: AppUnderTest;
let page: Page;
let alice: PacketChatNode;
let axeSource: string;

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
  }));
  page = app.page;
  alice = await startPeer('Alice', alicePorts);
  closers.add(() => alice.close());
  await waitForPeer(alice, app.self.nodeId);
}, 60_000);

/**
 * axe's serious and critical violations on the page (as test/e2e/accessibility.test.ts). The
 * tests switch themes by setting `data-theme` as the settings do, so a dialog can stay open.
 */
async function seriousViolations(): Promise<unknown[]> {
  await page.evaluate(axeSource);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
}

/** No serious or critical violation in the light theme, then in the dark one. */
async function inBothThemes(): Promise<void> {
  for (const name of ['light', 'dark'] as const) {
    await page.evaluate(`document.documentElement.dataset.theme = '${name}'`);
    expect(await seriousViolations(), name).toEqual([]);
  }
  await page.evaluate(`document.documentElement.dataset.theme = 'light'`);
}

const contacts = () => page.getByRole('listbox', { name: 'Contacts' });
const header = () => page.getByRole('region', { name: /^About Alice/ });

describe('trust in Chromium with real nodes', () => {
  it('shows Encrypted, and the verify view has the safety number Alice computes too', async () => {
    const row = contacts().getByRole('option', { name: /^Alice / });
    await expect
      .poll(() => row.getAttribute('aria-label', { timeout: TIMEOUT }), { timeout: TIMEOUT })
      .toMatch(/, Encrypted/);
    await row.click();
    await header().getByText('Encrypted', { exact: true }).waitFor({ timeout: TIMEOUT });
    await header().getByRole('button', { name: 'Verify…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify Alice' });
    const digits = dialog.getByRole('region', { name: 'Safety number' }).locator('.safety-digits');
    await digits.waitFor({ timeout: TIMEOUT });
    const shown = (await digits.textContent())?.replace(/\s+/g, '') ?? '';
    const key = alice.peerList().find((p) => p.id === app.self.nodeId)?.publicKey;
    expect(key).toBeDefined();
    expect(shown).toMatch(/^\d{60}$/);
    expect(shown).toBe(alice.safetyNumber(app.self.nodeId, key ?? '').digits);
    expect(await dialog.locator('.safety-group').count()).toBe(12);
    await dialog.getByRole('img', { name: 'QR code of the safety number' }).waitFor();
    expect(await dialog.getByText(alice.fingerprint, { exact: true }).count()).toBe(1);
    expect(await dialog.getByText(app.self.fingerprint, { exact: true }).count()).toBe(1);
    await inBothThemes();

    await dialog.getByRole('button', { name: 'Mark as verified' }).click();
    await dialog.getByText('You marked Alice as verified.').waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await header().getByText('Verified', { exact: true }).waitFor();
    // Marking verified changes nothing else: Alice is still online.
    expect(await header().locator('.status-chip').textContent()).toBe('Online');
    expect(await row.getAttribute('aria-label')).toMatch(/, Verified/);
    // Main remembers it: the contact list it answers says so.
    const listed = await app.backend.handlers['contacts:list'](undefined);
    expect(listed.find((c) => c.id === alice.id)?.trust).toBe('verified');
  });

  it('shows sealed packets in the inspector: the header in the clear, the inner packet decrypted', async () => {
    await alice.sendText(app.self.nodeId, 'sealed hello');
    await page
      .getByRole('log', { name: 'Conversation with Alice' })
      .getByText('sealed hello')
      .waitFor({
        timeout: TIMEOUT,
      });
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    const row = page.locator('.packet-row', { hasText: 'sealed hello' }).first();
    await row.click({ timeout: TIMEOUT });
    const detail = page.getByRole('complementary', { name: 'Packet details' });
    const sealed = detail.getByRole('region', { name: 'Protocol v2 header' });
    expect(await sealed.locator('td').first().textContent()).toBe('transport');
    await sealed.getByRole('rowheader', { name: 'Receiver index' }).waitFor();
    await sealed.getByRole('rowheader', { name: 'Counter (nonce)' }).waitFor();
    await detail.getByText('Decrypted inner packet').first().waitFor();
    const payload = detail.getByRole('region', { name: 'Payload' }).locator('pre');
    await expect.poll(() => payload.textContent(), { timeout: TIMEOUT }).toContain('sealed hello');
    await inBothThemes();
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();
  });

  it('says Not encrypted for a stranger, in the list, the header and on each message', async () => {
    const netcat = createSocket('udp4');
    await new Promise<void>((resolve) => netcat.bind(0, '127.0.0.1', resolve));
    try {
      const port = netcat.address().port;
      netcat.send('plain hello', app.self.clientPort, '127.0.0.1');
      const row = contacts().getByRole('option', { name: new RegExp(`^127\\.0\\.0\\.1:${port} `) });
      await expect
        .poll(() => row.getAttribute('aria-label'), { timeout: TIMEOUT })
        .toMatch(/, Not encrypted/);
      await row.click();
      const about = page.getByRole('region', { name: `About 127.0.0.1:${port}` });
      await about.getByText('Not encrypted', { exact: true }).waitFor();
      expect(await about.getByRole('button', { name: 'Verify…' }).count()).toBe(0);
      const message = page.locator('.message.in', { hasText: 'plain hello' });
      expect(await message.locator('.plain-mark').textContent()).toBe('Not encrypted');
      await inBothThemes();
    } finally {
      netcat.close();
    }
    await contacts()
      .getByRole('option', { name: /^Alice / })
      .click();
  });

  it('warns when Alice comes back with a new key, holds messages, and sends them once accepted', async () => {
    const oldId = alice.id;
    await alice.close();
    await expect
      .poll(
        async () =>
          (await app.backend.handlers['contacts:list'](undefined)).find((c) => c.id === oldId)
            ?.online,
        { timeout: TIMEOUT },
      )
      .toBe(false);
    // The same name on the same host, with a new key: a reinstall, or someone posing as Alice.
    alice = await startPeer('Alice', alicePorts);
    closers.add(() => alice.close());
    expect(alice.id).not.toBe(oldId);
    const banner = page.getByRole('region', { name: /^Alice.*’s key changed$/ });
    // The new Alice announces at start and then every 15 s: on a loaded machine the first may be
    // missed, so the wait covers one announce interval more (as chat-window.test.ts).
    await banner.waitFor({ timeout: TIMEOUT + ANNOUNCE_INTERVAL_MS * 1.1 });
    expect(await banner.textContent()).toContain(alice.fingerprint);
    const oldRow = contacts().getByRole('option', { name: /Key changed/ });
    expect(await oldRow.count()).toBe(1);
    // The new key is online (main's contact update must not take the stored row's word for it).
    const newRow = contacts().getByRole('option', {
      name: new RegExp(`^Alice ${alice.id.slice(0, 6)} `),
    });
    await expect
      .poll(() => newRow.getAttribute('aria-label'), { timeout: TIMEOUT })
      .toMatch(/, Online, Encrypted/);
    await page
      .getByRole('note')
      .getByText(/^What you send is held until you accept Alice.*’s new key\.$/)
      .waitFor();
    await inBothThemes();

    const received: ChatMessage[] = [];
    alice.on('message', (m) => received.push(m));
    const composer = page.getByRole('textbox', { name: 'Message to Alice' });
    await composer.fill('is it really you?');
    await composer.press('Enter');
    const mine = page.locator('.message.out', { hasText: 'is it really you?' });
    await mine.getByText(/^Held until you accept Alice.*’s new key$/).waitFor({ timeout: TIMEOUT });
    expect(received).toEqual([]);

    const arrived = waitForEvent<ChatMessage>(
      alice,
      'message',
      (m) => m.text === 'is it really you?',
      TIMEOUT,
    );
    await banner.getByRole('button', { name: 'Accept new key' }).click();
    await arrived;
    await banner.waitFor({ state: 'detached', timeout: TIMEOUT });
    await page.getByText('You accepted the new key of Alice').waitFor({ timeout: TIMEOUT });
    await page
      .locator('.message.out', { hasText: 'is it really you?' })
      .getByText('Delivered')
      .waitFor({ timeout: TIMEOUT });
    // One Alice is left, under the new key, with the history from before the change.
    expect(
      await contacts()
        .getByRole('option', { name: /^Alice / })
        .count(),
    ).toBe(1);
    expect(
      await contacts()
        .getByRole('option', { name: /Key changed/ })
        .count(),
    ).toBe(0);
    await page
      .getByRole('log', { name: 'Conversation with Alice' })
      .getByText('sealed hello')
      .waitFor();
  }, 90_000);
});

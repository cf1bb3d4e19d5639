// Groups end to end in real Chromium: the built renderer, the real backend behind
// `window.packetChat`, and a second real node ("Alice") as the other member, all on loopback.
// Create a group from the contact list, chat in it both ways, see the member panel, multi-send;
// axe-core checks the group views (colour contrast WCAG AA, names, roles) in both themes.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketChatNode } from '../../electron/net/node';
import type { GroupChange } from '../../shared/domain';
import { groupConversationId } from '../../shared/protocol/groups';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { startPeer, type AppUnderTest } from './app-under-test';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';

const ports = testPorts();
const TIMEOUT = 10_000;
let app: AppUnderTest;
let alice: PacketChatNode;
let page: Page;
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
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  await waitForPeer(alice, app.self.nodeId);
}, 60_000);

/** Serious and critical axe violations on the page (axe injected with `evaluate`). */
async function seriousViolations(): Promise<unknown[]> {
  await page.evaluate(axeSource);
  return page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
}

const log = () => page.getByRole('log', { name: 'Conversation with Lunch' });

describe('a group in Chromium with two real nodes', () => {
  let groupId = '';

  it('creates a group from the contact list; the other member joins it', async () => {
    await page
      .getByRole('listbox', { name: 'Contacts' })
      .getByRole('option', { name: /^Alice / })
      .waitFor({ timeout: TIMEOUT });
    const joined = waitForEvent<GroupChange>(alice, 'group', (c) => c.change === 'joined', TIMEOUT);
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByRole('textbox', { name: 'Group name' }).fill('Lunch');
    await dialog.getByRole('checkbox', { name: /Alice/ }).check();
    await dialog.getByRole('button', { name: 'Create with 2 members' }).click();
    await log().waitFor({ timeout: TIMEOUT });
    const change = await joined;
    groupId = change.group.id;
    expect(change.group.name).toBe('Lunch');
    expect(change.group.members.map((m) => m.id).sort()).toEqual(
      [app.self.nodeId, alice.info().nodeId].sort(),
    );
    const row = page.getByRole('option', { name: /^Lunch 2 members/ });
    await row.waitFor({ timeout: TIMEOUT });
  });

  it('sends to the group: the tally says Alice has it, as her node stored it', async () => {
    const got = waitForEvent<{ text: string }>(
      alice,
      'message',
      (m) => m.text === 'Hello group',
      TIMEOUT,
    );
    const composer = page.getByRole('textbox', { name: 'Message to Lunch' });
    await composer.fill('Hello group');
    await composer.press('Enter');
    await got;
    const mine = log().locator('.message.out', { hasText: 'Hello group' });
    await mine.getByText('Delivered to 1 of 1').waitFor({ timeout: TIMEOUT });
    await mine.getByRole('button', { name: 'Show who has this message' }).click();
    expect(await mine.locator('.delivery').textContent()).toBe('Alice: has it');
  });

  it('shows Alice’s message with her name and trust state', async () => {
    alice.sendText(groupConversationId(groupId), 'Hi from Alice');
    const hers = log().locator('.message.in', { hasText: 'Hi from Alice' });
    await hers.waitFor({ timeout: TIMEOUT });
    expect(await hers.locator('.sender').textContent()).toBe('Alice');
    expect(await hers.locator('.trust-badge').textContent()).toBe('Encrypted, not verified');
    expect(await log().locator('.gap-marker').count()).toBe(0);
  });

  it('shows the member panel with online state, IP:port and trust, and passes axe in both themes', async () => {
    await page.getByRole('button', { name: 'Members (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lunch · 2 members' });
    const rows = dialog.getByRole('listitem');
    expect(await rows.locator('.nick').allTextContents()).toEqual(['Lin (me)', 'Alice']);
    const aliceRow = rows.filter({ hasText: 'Alice' });
    expect(await aliceRow.textContent()).toContain(`127.0.0.1:${alice.info().clientPort}`);
    expect(await aliceRow.textContent()).toContain('Online');
    await aliceRow.getByRole('button', { name: 'Remove Alice from the group' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await seriousViolations()).toEqual([]);
    // The group conversation as docs/UI.md shows it (copied from here to docs/screenshots/).
    await page.screenshot({
      path: path.resolve(import.meta.dirname, '../../test-results/screenshots/group-light-en.png'),
    });
    await page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')");
    await page.getByRole('button', { name: 'Members (2)' }).click();
    expect(await seriousViolations()).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await seriousViolations()).toEqual([]);
    await page.evaluate("document.documentElement.setAttribute('data-theme', 'light')");
  });

  it('sends one text to several contacts with a combined tally', async () => {
    const got = waitForEvent<{ text: string }>(
      alice,
      'message',
      (m) => m.text === 'Fire drill',
      TIMEOUT,
    );
    await page.getByRole('button', { name: 'Send to several' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send to several contacts' });
    await dialog.getByRole('button', { name: 'Select everyone online' }).click();
    await dialog.getByRole('textbox', { name: 'Message' }).fill('Fire drill');
    await dialog.getByRole('button', { name: 'Send to 1' }).click();
    await got;
    await dialog.getByText('Delivered to 1 of 1').waitFor({ timeout: TIMEOUT });
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('leaves the group: the composer gives way to a note, Alice sees the change', async () => {
    const left = waitForEvent<GroupChange>(alice, 'group', (c) => c.op === 'leave', TIMEOUT);
    await page.getByRole('button', { name: 'Members (2)' }).click();
    await page.getByRole('button', { name: 'Leave group' }).click();
    await left;
    await page.keyboard.press('Escape');
    await page.getByText('You are no longer a member: you cannot write here.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message to Lunch' }).count()).toBe(0);
  });
});

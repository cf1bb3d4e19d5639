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
import type { ChatMessage, GroupChange } from '../../shared/domain';
import { groupConversationId } from '../../shared/protocol/groups';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { startPeer, type AppUnderTest } from './app-under-test';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { screenshotTarget } from './screenshot-target';

// `npm run screenshots` runs this file too: fixed ports and a made-up LAN card for docs/screenshots/.
const target = screenshotTarget();
const ports = target.docs ? target.ports : testPorts();
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
    machine: target.machine,
  }));
  page = app.page;
  alice = await startPeer('Alice', {
    ...ports,
    clientPort: ports.clientPort + (target.docs ? 1 : 20),
  });
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
    await mine.getByRole('button', { name: 'Who has it, member by member' }).click();
    expect(await mine.locator('.delivery').textContent()).toBe('Alice: has it');
  });

  it('shows Alice’s message with her name and trust state', async () => {
    await alice.sendText(groupConversationId(groupId), 'Hi from Alice');
    const hers = log().locator('.message.in', { hasText: 'Hi from Alice' });
    await hers.waitFor({ timeout: TIMEOUT });
    expect(await hers.locator('.sender').textContent()).toBe('Alice');
    expect(await hers.locator('.trust-badge').textContent()).toBe('Encrypted');
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
    // The group conversation as the README shows it (`npm run screenshots` writes it to
    // docs/screenshots/, `npm test` to test-results/screenshots/).
    await page.screenshot({ path: path.join(target.dir, 'group-light-en.png'), caret: 'hide' });
    await page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')");
    await page.getByRole('button', { name: 'Members (2)' }).click();
    expect(await seriousViolations()).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await seriousViolations()).toEqual([]);
    await page.evaluate("document.documentElement.setAttribute('data-theme', 'light')");
  });

  it('@ suggests members (keyboard), and the message carries the mention to Alice', async () => {
    const got = waitForEvent<ChatMessage>(alice, 'message', (m) => m.text.startsWith('Thanks'));
    const composer = page.getByRole('textbox', { name: 'Message to Lunch' });
    await composer.fill('');
    await composer.pressSequentially('Thanks @al');
    const list = page.getByRole('listbox', { name: 'Members to mention' });
    await list.waitFor({ timeout: TIMEOUT });
    expect(await list.getByRole('option').allTextContents()).toEqual(['Alice']);
    expect(await composer.getAttribute('aria-activedescendant')).toBe(
      await list.getByRole('option', { name: 'Alice' }).getAttribute('id'),
    );
    await composer.press('Enter'); // picks
    expect(await composer.inputValue()).toBe('Thanks @Alice ');
    await composer.press('Enter'); // sends
    const message = await got;
    expect(message.group?.mentions).toEqual([alice.info().nodeId]);
    expect(await seriousViolations()).toEqual([]);
  });

  it('mutes the group: Alice’s text stays quiet, her @mention of me stands out; inspector filter', async () => {
    await page.getByRole('button', { name: /^Mute Lunch/ }).click();
    await page.getByRole('button', { name: 'Unmute Lunch' }).waitFor({ timeout: TIMEOUT });
    // Another conversation is open, so the group's new messages stay unread.
    await page
      .getByRole('listbox', { name: 'Contacts' })
      .getByRole('option', { name: /^Alice / })
      .click();
    const conversation = groupConversationId(groupId);
    const row = page.getByRole('option', { name: /^Lunch 2 members.*Muted/ });
    await alice.sendText(conversation, 'Muted chatter');
    await row.locator('.unread-badge.quiet', { hasText: '1' }).waitFor({ timeout: TIMEOUT });
    await alice.sendText(conversation, '@Lin lunch?', undefined, [app.self.nodeId]);
    await page
      .getByRole('option', { name: /^Lunch 2 members.*Muted.*Mentions you/ })
      .waitFor({ timeout: TIMEOUT });
    expect(await row.locator('.unread-badge').textContent()).toBe('@ 2');
    expect(await row.locator('.unread-badge.quiet').count()).toBe(0);
    // The rows and the rail's Chats button carry unread badges: their names include the digits.
    expect(await seriousViolations()).toEqual([]);

    // The inspector's group filter: only the packets that name the group.
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    const filter = page.getByRole('combobox', { name: 'Filter by group' });
    await filter.selectOption({ label: 'Lunch' });
    const rows = page.getByRole('table', { name: 'Packets' }).getByRole('row');
    await rows.nth(1).waitFor({ timeout: TIMEOUT });
    const kinds: string[] = [];
    for (let i = 1; i < (await rows.count()); i += 1)
      kinds.push((await rows.nth(i).getByRole('cell').nth(6).textContent()) ?? '');
    expect(kinds.length).toBeGreaterThan(0);
    // A sealed record shows its decrypted kind after a "Sealed" mark.
    const inner = kinds.map((k) => k.replace(/^Sealed/, ''));
    expect(
      inner.every((k) => k === 'text' || k === 'frag' || k.startsWith('group-')),
      kinds.join(),
    ).toBe(true);
    await filter.selectOption({ label: 'All groups' });
    await page.getByRole('button', { name: /^Chats(, |$)/ }).click();

    await row.click();
    const mention = log().locator('.message.mentions-me', { hasText: '@Lin lunch?' });
    await mention.getByText('@ you').waitFor({ timeout: TIMEOUT });
    expect(await log().locator('.message.mentions-me', { hasText: 'Muted chatter' }).count()).toBe(
      0,
    );
    await page.getByRole('button', { name: 'Unmute Lunch' }).click();
    await page.getByRole('button', { name: /^Mute Lunch/ }).waitFor({ timeout: TIMEOUT });
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

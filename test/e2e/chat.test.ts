// End to end in real Chromium: the built renderer, the real backend behind `window.packetChat`,
// and a second real node ("Alice") as the remote peer, all on loopback.
import { createSocket, type Socket } from 'node:dgram';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/domain';
import type { PacketChatNode } from '../../electron/net/node';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { startPeer, type AppUnderTest } from './app-under-test';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { openAppWindow } from './window';

const ports = testPorts();
const TIMEOUT = 10_000;
let app: AppUnderTest;
let alice: PacketChatNode;
let page: Page;

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
  }));
  page = app.page;
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  // Alice sends to the app in the tests: she must know it, not only the app her.
  await waitForPeer(alice, app.self.nodeId);
}, 60_000);

const contacts = () => page.getByRole('listbox', { name: 'Contacts' });
const aliceRow = () => contacts().getByRole('option', { name: /^Alice / });
const log = () => page.getByRole('log', { name: 'Conversation with Alice' });
const showChats = () => page.getByRole('button', { name: 'Chats' }).click();
const text = (locator: ReturnType<Page['locator']>) => locator.textContent({ timeout: TIMEOUT });

describe('PacketChat in Chromium with a real node behind it', () => {
  it('discovers the peer and shows its IP:port', async () => {
    const endpoint = `127.0.0.1:${alice.info().clientPort}`;
    await aliceRow().waitFor({ timeout: TIMEOUT });
    expect(await aliceRow().getAttribute('aria-label')).toContain(endpoint);
    expect(await text(aliceRow().locator('code'))).toBe(endpoint);
    expect(await text(contacts().getByRole('option', { name: /^Online, 1 contacts/ }))).toContain(
      'Online',
    );
    const card = page.getByRole('region', { name: 'My card' });
    expect(await text(card)).toContain(`:${app.self.clientPort}`);
  });

  it('counts unread messages in a badge and clears it when the conversation is opened', async () => {
    await alice.sendText(app.self.nodeId, 'Are you there?');
    await alice.sendText(app.self.nodeId, 'Lunch at noon?');
    await expect
      .poll(() => aliceRow().getAttribute('aria-label'), { timeout: TIMEOUT })
      .toContain('2 unread');
    expect(await text(aliceRow().locator('.unread-badge'))).toBe('2');
    expect(await text(page.getByRole('button', { name: 'Chats' }))).toBe('2');
    expect(await page.title()).toBe('(2) PacketChat');
    await aliceRow().click();
    await log().getByText('Lunch at noon?').waitFor({ timeout: TIMEOUT });
    await expect
      .poll(() => aliceRow().getAttribute('aria-label'), { timeout: TIMEOUT })
      .not.toContain('unread');
    await expect
      .poll(() => app.backend.handlers['conversations:list'](undefined))
      .toEqual([expect.objectContaining({ peerId: alice.info().nodeId, unread: 0 })]);
    expect(await page.title()).toBe('PacketChat');
  });

  it('chats both ways, with the header showing IP:port, host and transport', async () => {
    const header = page.getByRole('region', { name: 'About Alice' });
    expect(await text(header)).toContain(`127.0.0.1:${alice.info().clientPort}`);
    expect(await text(header)).toContain('Host alice-pc');
    expect(await text(header)).toContain(`UDP + TCP ${alice.info().tcpPort}`);
    const received = waitForEvent<ChatMessage>(alice, 'message', (m) => m.text === 'Hi Alice!');
    const composer = page.getByRole('textbox', { name: 'Message to Alice' });
    await composer.fill('Hi Alice!');
    await composer.press('Enter');
    expect((await received).peerId).toBe(app.self.nodeId);
    const mine = log().locator('.message.out', { hasText: 'Hi Alice!' });
    await mine.getByText('Delivered').waitFor({ timeout: TIMEOUT });
    expect(await text(header)).toMatch(/RTT \d+ ms/);
    await alice.sendText(app.self.nodeId, 'Hello Lin, noon works.');
    await log().locator('.message.in', { hasText: 'Hello Lin, noon works.' }).waitFor();
  });

  it('sends a long message over TCP and marks it', async () => {
    const long = `${'Long message. '.repeat(100)}end`;
    const received = waitForEvent<ChatMessage>(alice, 'message', (m) => m.text === long);
    const composer = page.getByRole('textbox', { name: 'Message to Alice' });
    await composer.fill(long);
    expect(await text(page.getByRole('status', { name: 'Message size' }))).toContain('goes by TCP');
    await composer.press('Enter');
    expect((await received).transport).toBe('tcp');
    const bubble = log().locator('.message.out', { hasText: 'end' }).last();
    await bubble.getByText('Delivered').waitFor({ timeout: TIMEOUT });
    expect(await text(bubble.getByTitle('Went over TCP'))).toBe('TCP');
  });

  it('shows the exchanged packets in the inspector, filtered by peer and kind', async () => {
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    await page.getByRole('combobox', { name: 'Filter by peer' }).selectOption({ label: 'Alice' });
    const rows = page.getByRole('table', { name: 'Packets' }).getByRole('row');
    await expect.poll(() => rows.filter({ hasText: 'TCP' }).count()).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'Filter by kind' }).selectOption('text');
    const texts = rows.filter({ hasText: 'text' });
    await expect.poll(() => texts.count()).toBeGreaterThanOrEqual(4);
    const outgoing = rows.filter({ hasText: '→ Out' }).filter({ hasText: 'UDP' }).first();
    expect(await text(outgoing)).toContain(`127.0.0.1:${alice.info().clientPort}`);
    await outgoing.click();
    const detail = page.getByRole('complementary', { name: 'Packet details' });
    expect(await text(detail)).toMatch(/kind\s*text/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await contacts().waitFor();
  });

  it('shows a nickname change to the peer', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByLabel('Nickname').fill('Lin Yi');
    const seen = waitForEvent<{ peer: { nick: string } }>(
      alice,
      'peer',
      (c) => c.peer.nick === 'Lin Yi',
      TIMEOUT,
    );
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Saved').waitFor();
    await seen;
    await page.keyboard.press('Escape');
    await showChats();
    await page.getByRole('region', { name: 'My card' }).getByText('Lin Yi').waitFor();
  });

  it('shows a stranger’s plain datagram in Strangers and replies as plain text', async () => {
    await showChats();
    const netcat: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => netcat.bind(0, '127.0.0.1', resolve));
    try {
      const port = netcat.address().port;
      netcat.send('hello from netcat', app.self.clientPort, '127.0.0.1');
      const row = contacts().getByRole('option', { name: new RegExp(`^127\\.0\\.0\\.1:${port}`) });
      await row.waitFor({ timeout: TIMEOUT });
      expect(await text(contacts().getByRole('option', { name: /^Strangers, 1 contacts/ }))).toBe(
        'Strangers 1',
      );
      expect(await text(row)).toContain('hello from netcat');
      await row.click();
      const reply = new Promise<string>((resolve) =>
        netcat.once('message', (data) => resolve(data.toString('utf8'))),
      );
      const composer = page.getByRole('textbox', { name: `Message to 127.0.0.1:${port}` });
      await composer.fill('hi, stranger');
      await composer.press('Enter');
      // A reply ends with a newline, as a line typed into nc does, so it prints as its own line.
      expect(await reply).toBe('hi, stranger\n');
      // Nothing acknowledges plain text: the bubble says Sent, never Delivered.
      const mine = page.locator('.message.out', { hasText: 'hi, stranger' });
      await mine.getByText('Sent', { exact: true }).waitFor({ timeout: TIMEOUT });
      expect(await mine.getByText('Delivered').count()).toBe(0);
    } finally {
      netcat.close();
    }
  });
});

// The chat window's rules in real Chromium against real nodes on loopback (issue 13): unread
// counts that follow what was seen, drafts that survive, honest states for a peer that was
// killed (retry, cancel), forwarding. The app's node retries quickly so "pending" comes in
// seconds; everything else is the production code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCE_INTERVAL_MS } from '../../shared/protocol/constants';
import type { ChatMessage, ConversationSummary } from '../../shared/domain';
import type { PacketChatNode } from '../../electron/net/node';
import { startCliNode, type CliNode } from '../helpers/cli-node';
import { waitForPeer } from '../helpers/peers';
import { loopbackArgs, testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { startPeer, type AppUnderTest } from './app-under-test';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { openAppWindow } from './window';

const ports = testPorts();
const TIMEOUT = 10_000;
let app: AppUnderTest;
let page: Page;
let alice: PacketChatNode;
let bob: PacketChatNode;

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
    // Quick retries: a message to a killed peer is pending in about a second, not 25.
    node: { maxTransmissions: 3, rto: { initialMs: 150, minMs: 100, maxMs: 300, jitter: 0 } },
  }));
  page = app.page;
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  bob = await startPeer('Bob', { ...ports, clientPort: ports.clientPort + 40 });
  closers.add(() => bob.close());
  await Promise.all([waitForPeer(alice, app.self.nodeId), waitForPeer(bob, app.self.nodeId)]);
}, 60_000);

const contacts = () => page.getByRole('listbox', { name: 'Contacts' });
const row = (nick: string) => contacts().getByRole('option', { name: new RegExp(`^${nick} `) });
const log = (nick: string) => page.getByRole('log', { name: `Conversation with ${nick}` });
const composer = (nick: string) => page.getByRole('textbox', { name: `Message to ${nick}` });
const showChats = () => page.getByRole('button', { name: /^Chats(, |$)/ }).click();
const summaryOf = async (peerId: string): Promise<ConversationSummary | undefined> =>
  (await app.backend.handlers['conversations:list'](undefined)).find((c) => c.peerId === peerId);
/** The total the tray and taskbar badge show: the newest `unread` event. */
const badgeTotal = () =>
  (app.events.filter((e) => e.event === 'unread').at(-1)?.payload as { total: number } | undefined)
    ?.total;

async function hear(from: PacketChatNode, text: string): Promise<void> {
  await from.sendText(app.self.nodeId, text);
  await page.locator('.message.in', { hasText: text }).first().waitFor({ timeout: TIMEOUT });
}

describe('unread follows what was seen', () => {
  it('keeps messages that arrive while scrolled up unread, with a ↓ N button, until they are seen', async () => {
    await row('Alice').click();
    for (let i = 1; i <= 30; i += 1) await alice.sendText(app.self.nodeId, `filler ${i}`);
    await log('Alice').getByText('filler 30').waitFor({ timeout: TIMEOUT });
    await expect.poll(() => summaryOf(alice.info().nodeId)).toMatchObject({ unread: 0 });
    // Scroll to the top: the newest messages are out of sight.
    await page.evaluate("document.querySelector('.message-list').scrollTo(0, 0)");
    const toBottom = page.getByRole('button', { name: /^Scroll to the newest message/ });
    await toBottom.waitFor();
    for (const text of ['new one', 'new two', 'new three'])
      await alice.sendText(app.self.nodeId, text);
    await expect.poll(() => row('Alice').getAttribute('aria-label')).toContain('3 unread');
    expect(await toBottom.getAttribute('aria-label')).toBe(
      'Scroll to the newest message, 3 unread',
    );
    expect(await page.title()).toBe('(3) PacketChat');
    expect(await summaryOf(alice.info().nodeId)).toMatchObject({ unread: 3 });
    expect(badgeTotal()).toBe(3);
    await toBottom.click();
    await expect.poll(() => row('Alice').getAttribute('aria-label')).not.toContain('unread');
    await expect.poll(() => page.title()).toBe('PacketChat');
    await expect.poll(() => summaryOf(alice.info().nodeId)).toMatchObject({ unread: 0 });
    expect(badgeTotal()).toBe(0);
  });

  it('reads what is on screen when coming back from the inspector, below an Unread divider', async () => {
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    await page.getByRole('table', { name: 'Packets' }).waitFor();
    await alice.sendText(app.self.nodeId, 'while you were in the inspector');
    await alice.sendText(app.self.nodeId, 'and one more');
    await expect.poll(() => page.title()).toBe('(2) PacketChat');
    expect(await page.getByRole('button', { name: /^Chats(, |$)/ }).textContent()).toBe('2');
    await showChats();
    // No click on the contact: being on screen in a focused window is reading.
    await log('Alice').getByRole('separator', { name: 'Unread messages' }).waitFor();
    await log('Alice').getByText('and one more').waitFor();
    await expect.poll(() => page.title()).toBe('PacketChat');
    await expect.poll(() => summaryOf(alice.info().nodeId)).toMatchObject({ unread: 0 });
    expect(badgeTotal()).toBe(0);
  });
});

describe('drafts', () => {
  it('keeps a draft across a view switch and a conversation switch, and shows it in the list', async () => {
    await composer('Alice').fill('half a thought about lunch');
    await page.getByRole('button', { name: 'Packet inspector' }).click();
    await showChats();
    expect(await composer('Alice').inputValue()).toBe('half a thought about lunch');
    await row('Bob').click();
    await composer('Bob').waitFor();
    expect(await row('Alice').textContent()).toContain('[Draft] half a thought about lunch');
    await expect
      .poll(() => app.backend.handlers['drafts:list'](undefined))
      .toEqual([expect.objectContaining({ text: 'half a thought about lunch' })]);
    await row('Alice').click();
    expect(await composer('Alice').inputValue()).toBe('half a thought about lunch');
    await composer('Alice').fill('');
  });
});

describe('the composer', () => {
  // The page is evaluated from strings: the tests are type-checked without the DOM's types.
  const composerCss = (nick: string) => `textarea[aria-label="Message to ${nick}"]`;
  const height = (nick: string) =>
    page.evaluate<number>(
      `document.querySelector('${composerCss(nick)}').getBoundingClientRect().height`,
    );
  const overflowY = (nick: string) =>
    page.evaluate<string>(
      `getComputedStyle(document.querySelector('${composerCss(nick)}')).overflowY`,
    );

  it('takes the cursor on open, grows with the text up to 40 % of the pane, and is one line again once sent', async () => {
    await row('Bob').click();
    await expect
      .poll(() =>
        page.evaluate<boolean>(
          `document.activeElement === document.querySelector('${composerCss('Bob')}')`,
        ),
      )
      .toBe(true);
    const empty = await height('Bob');
    await composer('Bob').fill('one\ntwo\nthree');
    const three = await height('Bob');
    expect(three).toBeGreaterThan(empty * 1.5);
    await composer('Bob').fill(Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n'));
    const pane = await page.evaluate<number>(
      `document.querySelector('.conversation').clientHeight`,
    );
    const tall = await height('Bob');
    expect(tall).toBeGreaterThan(three);
    expect(tall).toBeLessThanOrEqual(pane * 0.4 + 1);
    expect(await overflowY('Bob')).toBe('auto');
    await composer('Bob').fill('three\nlines\nsent');
    await composer('Bob').press('Enter');
    await log('Bob').getByText('three', { exact: false }).first().waitFor();
    await expect.poll(() => composer('Bob').inputValue()).toBe('');
    expect(await height('Bob')).toBe(empty);
    expect(await overflowY('Bob')).toBe('hidden');
    // A conversation opened with a draft of several lines shows all of them.
    await composer('Bob').fill('a draft\nof two lines');
    await row('Alice').click();
    await composer('Alice').waitFor();
    await row('Bob').click();
    await expect.poll(() => composer('Bob').inputValue()).toBe('a draft\nof two lines');
    const two = await height('Bob');
    expect(two).toBeGreaterThan(empty);
    expect(two).toBeLessThan(three);
    await composer('Bob').fill('');
  });
});

describe('message actions', () => {
  it('forwards a message to another contact through the menu and the picker', async () => {
    await row('Alice').click();
    await hear(alice, 'The build is green, tell Bob');
    const received = waitForEvent<ChatMessage>(
      bob,
      'message',
      (m) => m.text === 'The build is green, tell Bob',
      TIMEOUT,
    );
    await log('Alice')
      .locator('.message.in', { hasText: 'The build is green, tell Bob' })
      .click({ button: 'right' });
    await page.getByRole('menu', { name: 'Message actions' }).waitFor();
    await page.getByRole('menuitem', { name: 'Forward…' }).click();
    const picker = page.getByRole('dialog', { name: 'Forward a message to…' });
    await picker.getByRole('button', { name: /^Bob/ }).click();
    expect((await received).peerId).toBe(app.self.nodeId);
    const forwarded = log('Bob').locator('.message.out', {
      hasText: 'The build is green, tell Bob',
    });
    await forwarded.getByText('Delivered').waitFor({ timeout: TIMEOUT });
  });
});

describe('a peer that was killed', () => {
  let carol: CliNode;
  let dir: string;
  let carolId: string;
  const carolPorts = { ...ports, clientPort: ports.clientPort + 60 };
  const startCarol = () =>
    startCliNode({
      label: 'carol',
      args: ['--data-dir', dir, '--nick', 'Carol', ...loopbackArgs(carolPorts)],
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pc-e2e-carol-'));
    closers.add(() => rm(dir, { recursive: true, force: true }));
    carol = startCarol();
    closers.add(() => carol.stop());
    carolId = (await carol.ready()).nodeId;
    await row('Carol').waitFor({ timeout: TIMEOUT });
  });

  it('says Carol is not responding, then waits; Retry now tries again, Cancel stops it for good', async () => {
    await row('Carol').click();
    if (carol.pid !== undefined) process.kill(carol.pid, 'SIGKILL');
    await carol.exited;
    await composer('Carol').fill('are you there?');
    await composer('Carol').press('Enter');
    const mine = log('Carol').locator('.message.out', { hasText: 'are you there?' });
    // Honest states: no "Delivered", no TCP mark for an attempt, an offer to act.
    await page
      .getByRole('region', { name: 'About Carol' })
      .getByText('Not responding')
      .waitFor({ timeout: TIMEOUT });
    await mine.getByText('Will be delivered when Carol is back').waitFor({ timeout: TIMEOUT });
    expect(await mine.getByText('Delivered', { exact: true }).count()).toBe(0);
    expect(await mine.getByTitle('Went over TCP').count()).toBe(0);
    const id = await mine.getAttribute('data-message-id');
    const states = () =>
      app.events
        .filter((e) => e.event === 'message-state' && (e.payload as { id: string }).id === id)
        .map((e) => (e.payload as { state: string }).state);
    const pendingBefore = states().filter((s) => s === 'pending').length;
    await mine.getByRole('button', { name: 'Retry sending this message' }).click();
    await expect.poll(() => states().filter((s) => s === 'pending').length).toBe(pendingBefore + 1);
    expect(states()).toContain('sending');
    await mine.getByRole('button', { name: 'Cancel sending this message' }).click();
    await mine.getByText('Cancelled: it will not be sent').waitFor({ timeout: TIMEOUT });
    // Carol comes back: a later message arrives, the cancelled one never does.
    carol = startCarol();
    closers.add(() => carol.stop());
    expect((await carol.ready()).nodeId).toBe(carolId);
    // Carol announces at start and then every 15 s: on a loaded machine the first may come before
    // the app's node is ready for it, so the wait covers one announce interval more.
    await expect
      .poll(() => row('Carol').getAttribute('aria-label'), {
        timeout: TIMEOUT + ANNOUNCE_INTERVAL_MS * 1.1,
      })
      .toContain('Online');
    await composer('Carol').fill('after the restart');
    await composer('Carol').press('Enter');
    await carol.waitForType('message', (e) => e.message.text === 'after the restart', TIMEOUT);
    expect(carol.eventsOf('message').map((e) => e.message.text)).toEqual(['after the restart']);
  }, 90_000);
});

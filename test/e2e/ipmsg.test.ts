// An IPMsg peer in the real window (Chromium), next to the real backend with its IPMsg bridge: the
// peer is the IPMsg module on its own 127.x.y.z, as an iptux or FeiQ colleague would be. Its row and
// header carry the protocol badge and "Not encrypted", its absence shows, its message arrives, its
// file offer is a card accepted into a picked folder (equal SHA-256), a file from the paperclip is
// the same card on our side, the composer counts IPMsg messages, a sealed message reads "Read"
// once the peer opened it, and axe finds no contrast or naming violation in either theme.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createIpmsgNode,
  type IncomingOffer,
  type IpmsgNode,
} from '../../electron/net/ipmsg/index';
import { waitForEvent, waitUntil } from '../helpers/wait';
import { ipmsgTestPort, testPorts } from '../helpers/ports';
import { type AppUnderTest } from './app-under-test';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';
import { seriousViolations } from './axe';

const TIMEOUT = 15_000;
const subnet = `127.${String(randomInt(60, 250))}.${String(randomInt(1, 250))}`;
const APP_IP = `${subnet}.2`;
const PEER_IP = `${subnet}.3`;
const port = ipmsgTestPort();

let app: AppUnderTest;
let page: Page;
let wang: IpmsgNode;
let dir: string;
/** What the next `files:pick` returns. */
let picks: string[][] = [];

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pc-e2e-ipmsg-'));
  closers.add(() => rm(dir, { recursive: true, force: true }));
  ({ app } = await openAppWindow(closers, {
    ports: testPorts(),
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
    ipmsg: { port, bindAddress: APP_IP, peers: [PEER_IP] },
    pickPaths: () => Promise.resolve(picks.shift() ?? []),
  }));
  page = app.page;
  wang = createIpmsgNode({
    nick: '王伟',
    host: 'wang-pc',
    bindAddress: PEER_IP,
    port,
    broadcast: [],
    targets: [APP_IP],
    interfaces: () => [],
  });
  closers.add(() => wang.close());
  const started = await wang.start();
  if (!started.ok) throw new Error(started.unavailable.message);
  // The app answers wang's BR_ENTRY after a random delay (no reply storms): wang can write to it
  // only once that ANSENTRY is in.
  await waitUntil(() => wang.findPeer(`ipmsg:${APP_IP}`) !== undefined, 10_000);
}, 90_000);

describe('an IPMsg peer in the window', () => {
  it('is listed with its badge, IP:2425-style address and "Not encrypted", and my card shows the bridge', async () => {
    const address = `${PEER_IP}:${String(port)}`.replaceAll('.', '\\.');
    const row = page.getByRole('option', {
      name: new RegExp(`^王伟 IPMsg ${address} .*, Online, Not encrypted$`),
    });
    await row.waitFor({ timeout: TIMEOUT });
    await expect(row.locator('.protocol-badge').textContent()).resolves.toBe('IPMsg');
    await expect(row.locator('.trust-badge.trust-not-encrypted').count()).resolves.toBe(1);
    const card = page.getByRole('region', { name: 'My card' });
    await card.getByText(`IPMsg ${String(port)}`).waitFor({ timeout: TIMEOUT });
  });

  it('shows its message and its absence', async () => {
    wang.sendText(`ipmsg:${APP_IP}`, '你好 Lin，我用 iptux 🙂');
    await page.getByRole('option', { name: /^王伟 / }).click({ timeout: TIMEOUT });
    const header = page.getByRole('region', { name: 'About 王伟' });
    await header.getByText('Not encrypted').waitFor({ timeout: TIMEOUT });
    await header
      .getByText('IP Messenger protocol: messages and files cross the LAN unencrypted')
      .waitFor();
    await page
      .locator('.message.in')
      .getByText('你好 Lin，我用 iptux 🙂')
      .waitFor({ timeout: TIMEOUT });
    wang.setProfile({ status: 'away' });
    await header.locator('.status-chip.status-away').waitFor({ timeout: TIMEOUT });
  });

  it('shows its file offer as a card, accepts it into the picked folder, and the bytes are equal', async () => {
    const file = path.join(dir, '报告.bin');
    await writeFile(file, randomBytes(3 * 1024 * 1024 + 7));
    await wang.offerFiles(`ipmsg:${APP_IP}`, [file], '季度数据');
    const log = page.getByRole('log', { name: 'Conversation with 王伟' });
    await log.getByText('季度数据').waitFor({ timeout: TIMEOUT });
    const card = log.getByRole('group', { name: 'Files: 报告.bin' });
    await card.waitFor({ timeout: TIMEOUT });
    await card.getByText('1 file · 3 MiB').waitFor();
    expect(await card.getByRole('status').textContent()).toBe('Offered');
    // The card is where the offer is: no notice says it, none that would vanish.
    expect(await page.locator('.toast').filter({ hasText: '报告.bin' }).count()).toBe(0);
    const dest = path.join(dir, 'lin-got');
    await mkdir(dest);
    picks = [[dest]];
    await card.getByRole('button', { name: 'Accept and choose a folder to save into' }).click();
    await card.getByText('Done (IPMsg sends no checksum to verify)').waitFor({ timeout: TIMEOUT });
    expect(await sha256(path.join(dest, '报告.bin'))).toBe(await sha256(file));
  });

  it('sends a file from the paperclip as the same card; the peer fetches it', async () => {
    const file = path.join(dir, 'out', 'plan.txt');
    await mkdir(path.dirname(file));
    await writeFile(file, '计划 v2\n'.repeat(1_000));
    const offered = waitForEvent<IncomingOffer>(wang, 'file-offer', () => true, TIMEOUT);
    picks = [[file]];
    await page.getByRole('button', { name: 'Send files to 王伟' }).click();
    const card = page
      .getByRole('log', { name: 'Conversation with 王伟' })
      .getByRole('group', { name: 'Files: plan.txt' });
    await card.waitFor({ timeout: TIMEOUT });
    await card.getByRole('button', { name: 'Cancel' }).waitFor({ timeout: TIMEOUT });
    const offer = await offered;
    const inbox = path.join(dir, 'wang-got');
    await mkdir(inbox);
    expect(await wang.acceptFile(offer.offerId, offer.files[0]?.fileId ?? -1, inbox)).toMatchObject(
      { state: 'done' },
    );
    await card.getByText('Done (IPMsg sends no checksum to verify)').waitFor({ timeout: TIMEOUT });
    expect(await sha256(path.join(inbox, 'plan.txt'))).toBe(await sha256(file));
  });

  it('counts a long text as several IPMsg messages, and shows Read once a sealed one is opened', async () => {
    const input = page.getByRole('textbox', { name: 'Message to 王伟' });
    // 3,000 Chinese characters are 9,000 bytes of UTF-8 (this peer's encoding): two messages.
    await input.fill('汉'.repeat(3_000));
    await page
      .getByRole('status', { name: 'Message size' })
      .getByText('sent as 2 IPMsg messages')
      .waitFor({ timeout: TIMEOUT });
    await input.fill('');
    await page.getByRole('checkbox', { name: 'Sealed' }).check();
    const arrived = waitForEvent(wang, 'message', () => true, TIMEOUT);
    await input.fill('看完告诉我');
    await input.press('Enter');
    await arrived;
    const bubble = page.locator('.message.out').filter({ hasText: '看完告诉我' });
    await bubble.getByTitle('Delivered').waitFor({ timeout: TIMEOUT });
    expect(await bubble.getByText('Read', { exact: true }).count()).toBe(0);
    expect(wang.markRead(`ipmsg:${APP_IP}`)).toBe(1);
    await bubble.getByText('Read', { exact: true }).waitFor({ timeout: TIMEOUT });
  });

  it.each(['light', 'dark'] as const)('passes axe with its marks on screen (%s)', async (name) => {
    if (name === 'dark') {
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('radio', { name: 'Dark' }).click();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('Saved').waitFor();
      await page.keyboard.press('Escape');
    }
    await page.locator(`html[data-theme="${name}"]`).waitFor();
    await page.locator('.contact-row.active .protocol-badge').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});

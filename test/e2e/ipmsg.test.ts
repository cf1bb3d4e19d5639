// An IPMsg peer in the real window (Chromium), next to the real backend with its IPMsg bridge: the
// peer is the IPMsg module on its own 127.x.y.z, as an iptux or FeiQ colleague would be. Its row and
// header carry the protocol badge and "Not encrypted", its absence shows, its message arrives, its
// file offer is told as a notice, and axe finds no contrast or naming violation in either theme.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIpmsgNode, type IpmsgNode } from '../../electron/net/ipmsg/index';
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

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  ({ app } = await openAppWindow(closers, {
    ports: testPorts(),
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
    ipmsg: { port, bindAddress: APP_IP, peers: [PEER_IP] },
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

  it('shows its message, its absence, and its file offer as a notice', async () => {
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
    const dir = await mkdtemp(path.join(tmpdir(), 'pc-e2e-ipmsg-'));
    closers.add(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, '报告.txt');
    await writeFile(file, 'quarterly numbers\n');
    await wang.offerFiles(`ipmsg:${APP_IP}`, [file]);
    await page
      .getByText('王伟 offers 报告.txt. Files cannot be accepted in this window yet.')
      .waitFor({ timeout: TIMEOUT });
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

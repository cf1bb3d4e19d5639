// A file transfer end to end in real Chromium: the built renderer, the real backend behind
// `window.packetChat`, and a second real node ("Alice") with its own file engine, on loopback.
// Main's file dialog is one fake: it "picks" what the test says. The other is the preload's
// webUtils.getPathForFile: a File dropped on the page is mapped by its name to a file this test
// created (`drops`, see page-bridge.ts), as Electron maps a real drop to the dropped file's path.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeFileEngine,
  MemoryTransferStore,
  type NodeFileEngine,
  type PacketChatNode,
} from '../../electron/net/index';
import type { TransferInfo } from '../../shared/transfers';
import { randomFile, sha256Of } from '../electron/net/files/helpers/trees';
import { waitForPeer } from '../helpers/peers';
import { testPorts } from '../helpers/ports';
import { waitForEvent } from '../helpers/wait';
import { makePng } from '../helpers/png';
import { seriousViolations } from './axe';
import { startPeer, type AppUnderTest } from './app-under-test';
import { openAppWindow } from './window';
import { closeAfterAll, screenshotOnFailure } from './lifecycle';

const ports = testPorts();
const TIMEOUT = 20_000;
let app: AppUnderTest;
let alice: PacketChatNode;
let aliceFiles: NodeFileEngine;
let page: Page;
let dir: string;
/** What the next `files:pick` returns. */
let picks: string[][] = [];
/** What the fake shell was asked to open (shell.openPath) or show in its folder. */
const opened: { path: string; reveal: boolean }[] = [];
/** Dropped files by name: the paths the preload would get from Electron for them. */
const drops = new Map<string, string>();
/** A small picture (a gradient) to paste and to receive: its thumbnail is in the README. */
const PNG = makePng(240, 150, (x, y) => [
  30 + Math.floor(x * 0.8),
  110 + Math.floor(y / 2),
  230 - Math.floor(x / 2),
]);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-e2e-files-'));
  closers.add(() => rm(dir, { recursive: true, force: true }));
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
    pickPaths: () => Promise.resolve(picks.shift() ?? []),
    droppedPath: (name) => drops.get(name),
    openPath: (path, reveal) => {
      opened.push({ path, reveal });
      return Promise.resolve();
    },
  }));
  page = app.page;
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  aliceFiles = createNodeFileEngine(alice, { store: new MemoryTransferStore() });
  aliceFiles.engine.start();
  closers.add(() => aliceFiles.close());
  await waitForPeer(alice, app.self.nodeId);
}, 90_000);

/** Switches the theme through the settings dialog, as a person does. */
async function switchTheme(name: 'light' | 'dark'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) === name) return;
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: name === 'dark' ? 'Dark' : 'Light' }).click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('Saved').waitFor();
  await page.keyboard.press('Escape');
  await page.locator(`html[data-theme="${name}"]`).waitFor({ timeout: TIMEOUT });
}

const transferAt = (state: TransferInfo['state'], direction: TransferInfo['direction']) =>
  waitForEvent<TransferInfo>(
    aliceFiles.engine,
    'transfer',
    (t) => t.state === state && t.direction === direction,
    TIMEOUT,
  );

describe('files in Chromium with a real backend and a real peer', () => {
  it('sends a file from the composer; Alice accepts; the card says done and the bytes are equal', async () => {
    const src = randomFile(join(dir, 'out', 'report.bin'), 3 * 1024 * 1024 + 1);
    await page
      .getByRole('listbox', { name: 'Contacts' })
      .getByRole('option', { name: /^Alice / })
      .click();
    picks = [[src]];
    const offered = transferAt('offered', 'receive');
    await page.getByRole('button', { name: 'Send files to Alice' }).click();
    const offer = await offered;
    const card = page.getByRole('group', { name: 'Files: report.bin' });
    await card.waitFor({ timeout: TIMEOUT });
    const received = join(dir, 'alice-got');
    await mkdir(received);
    const done = transferAt('done', 'receive');
    expect((await aliceFiles.engine.accept(offer.id, received)).ok).toBe(true);
    await done;
    await card.getByText('Done, verified').waitFor({ timeout: TIMEOUT });
    expect(sha256Of(join(received, 'report.bin'))).toBe(sha256Of(src));
  });

  it('shows Alice’s offer as a card, accepts it into the picked folder, shows progress, and the file arrives', async () => {
    const src = randomFile(join(dir, 'alice', '照片 📷.bin'), 24 * 1024 * 1024);
    const offered = await aliceFiles.engine.sendFiles(app.self.nodeId, [src]);
    if (!offered.ok) throw new Error(offered.message);
    const card = page.getByRole('group', { name: 'Files: 照片 📷.bin' });
    await card.waitFor({ timeout: TIMEOUT });
    expect(await card.getByRole('status').textContent()).toBe('Offered');
    const dest = join(dir, 'lin-got');
    await mkdir(dest);
    picks = [[dest]];
    const sent = waitForEvent<TransferInfo>(
      aliceFiles.engine,
      'transfer',
      (t) => t.id === offered.transfer.id && t.state === 'done',
      TIMEOUT,
    );
    await card.getByRole('button', { name: 'Accept and choose a folder to save into' }).click();
    await card
      .getByRole('progressbar', { name: 'Transfer progress' })
      .waitFor({ timeout: TIMEOUT });
    await card.getByText('Done, verified').waitFor({ timeout: TIMEOUT });
    await sent;
    expect(sha256Of(join(dest, '照片 📷.bin'))).toBe(sha256Of(src));
  });

  it('drops a file on the conversation: the overlay, the progress bar, and the same SHA-256 at Alice', async () => {
    const src = randomFile(join(dir, 'drop', 'dropped report.bin'), 2 * 1024 * 1024 + 5);
    drops.set('dropped report.bin', src);
    const pane = page.getByRole('main', { name: 'Conversation with Alice' });
    // A DataTransfer holding a File, as Chromium makes for a drop from the desktop.
    const dataTransfer = await page.evaluateHandle(
      "(() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'dropped report.bin')); return d; })()",
    );
    await pane.dispatchEvent('dragenter', { dataTransfer });
    await page.getByText('Drop to send to Alice').waitFor({ timeout: TIMEOUT });
    expect(await seriousViolations(page)).toEqual([]);
    const offered = transferAt('offered', 'receive');
    await pane.dispatchEvent('dragover', { dataTransfer });
    await pane.dispatchEvent('drop', { dataTransfer });
    expect(await page.getByText('Drop to send to Alice').count()).toBe(0);
    const offer = await offered;
    expect(offer.names).toEqual(['dropped report.bin']);
    const card = page.getByRole('group', { name: 'Files: dropped report.bin' });
    await card.waitFor({ timeout: TIMEOUT });
    const received = join(dir, 'alice-dropped');
    await mkdir(received);
    const done = transferAt('done', 'receive');
    expect((await aliceFiles.engine.accept(offer.id, received)).ok).toBe(true);
    await card
      .getByRole('progressbar', { name: 'Transfer progress' })
      .waitFor({ timeout: TIMEOUT });
    await done;
    await card.getByText('Done, verified').waitFor({ timeout: TIMEOUT });
    expect(sha256Of(join(received, 'dropped report.bin'))).toBe(sha256Of(src));
  });

  it('a File made by the page has no path: nothing is offered, and the window says so', async () => {
    const pane = page.getByRole('main', { name: 'Conversation with Alice' });
    const before = (await app.backend.handlers['files:list'](undefined)).length;
    const dataTransfer = await page.evaluateHandle(
      "(() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'passwd')); return d; })()",
    );
    await pane.dispatchEvent('dragenter', { dataTransfer });
    await pane.dispatchEvent('drop', { dataTransfer });
    await pane
      .getByRole('alert')
      .getByText(
        'Could not send what was dropped: nothing dropped is a file or folder on this computer',
      )
      .waitFor({ timeout: TIMEOUT });
    expect((await app.backend.handlers['files:list'](undefined)).length).toBe(before);
    await pane.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('pastes an image: a preview first, then Send offers it and Alice gets the same bytes', async () => {
    const composer = page.getByRole('textbox', { name: 'Message to Alice' });
    await composer.focus();
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(PNG.toString('base64'))}), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      const input = document.querySelector('textarea.composer-input');
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true }));
    })()`);
    const preview = page.getByRole('group', { name: 'Pasted image to send to Alice' });
    await preview.waitFor({ timeout: TIMEOUT });
    // The thumbnail really loads: the CSP allows blob: images.
    await expect
      .poll(
        () =>
          preview
            .locator('img')
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        {
          timeout: TIMEOUT,
        },
      )
      .toBe(240);
    expect(await seriousViolations(page)).toEqual([]);
    const offered = transferAt('offered', 'receive');
    await preview.getByRole('button', { name: 'Send image' }).click();
    const offer = await offered;
    const [name = ''] = offer.names;
    expect(name).toMatch(/^Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
    await preview.waitFor({ state: 'detached', timeout: TIMEOUT });
    const received = join(dir, 'alice-pasted');
    await mkdir(received);
    const done = transferAt('done', 'receive');
    expect((await aliceFiles.engine.accept(offer.id, received)).ok).toBe(true);
    await done;
    expect(sha256(readFileSync(join(received, name)))).toBe(sha256(PNG));
    expect(readdirSync(received)).toEqual([name]);
  });

  it('shows a received image inline once verified', async () => {
    const src = join(dir, 'alice', 'whiteboard.png');
    await mkdir(join(dir, 'alice'), { recursive: true });
    writeFileSync(src, PNG);
    const offered = await aliceFiles.engine.sendFiles(app.self.nodeId, [src]);
    if (!offered.ok) throw new Error(offered.message);
    const card = page.getByRole('group', { name: 'Files: whiteboard.png' });
    await card.waitFor({ timeout: TIMEOUT });
    const dest = join(dir, 'lin-images');
    await mkdir(dest);
    picks = [[dest]];
    await card.getByRole('button', { name: 'Accept and choose a folder to save into' }).click();
    const img = card.getByRole('img', { name: 'Picture whiteboard.png' });
    await img.waitFor({ timeout: TIMEOUT });
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: TIMEOUT,
      })
      .toBe(240);
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    // Notices of earlier steps would cover the picture. They also leave by themselves after a few
    // seconds: one gone between the count and the click is not waited for.
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    for (let left = 10; left > 0 && (await dismiss.count()) > 0; left -= 1)
      await dismiss
        .first()
        .click({ timeout: 1_000 })
        .catch(() => undefined);
    await img.scrollIntoViewIfNeeded();
    // The transfers as the README shows them (copied from here to docs/screenshots/).
    await page.screenshot({
      path: resolve(import.meta.dirname, '../../test-results/screenshots/files-light-en.png'),
    });

    // A click on the picture opens it; the card's buttons open it or show it in its folder. Main
    // finds the path in the transfer's record: the received file, where it was saved.
    const saved = join(dest, 'whiteboard.png');
    await img.click();
    await card.getByRole('button', { name: 'Show in folder: whiteboard.png' }).click();
    await expect.poll(() => opened.length, { timeout: TIMEOUT }).toBe(2);
    expect(opened).toEqual([
      { path: saved, reveal: false },
      { path: saved, reveal: true },
    ]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('says so on the card when a received file was moved or deleted', async () => {
    const card = page.getByRole('group', { name: 'Files: whiteboard.png' });
    await rm(join(dir, 'lin-images', 'whiteboard.png'));
    await card.getByRole('button', { name: 'Open: whiteboard.png' }).click();
    await card.getByRole('alert').getByText('The file was moved or deleted').waitFor({
      timeout: TIMEOUT,
    });
    expect(opened).toHaveLength(2);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lists every transfer in the transfers view, filters failed ones; axe in both themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await switchTheme(theme);
      await page.getByRole('button', { name: 'Transfers' }).click();
      const view = page.getByRole('dialog', { name: 'Transfers' });
      const list = view.getByRole('list', { name: 'Transfers' });
      await list.getByRole('listitem', { name: 'whiteboard.png' }).waitFor({ timeout: TIMEOUT });
      expect(await list.getByRole('listitem').count()).toBe(5);
      expect(await seriousViolations(page), theme).toEqual([]);
      await view.getByRole('radio', { name: 'Failed' }).click();
      await view.getByText('No failed transfers.').waitFor({ timeout: TIMEOUT });
      expect(await seriousViolations(page), theme).toEqual([]);
      await view.getByRole('button', { name: 'Close' }).click();
    }
    await switchTheme('light');
  });
});

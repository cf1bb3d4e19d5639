// A file transfer end to end in real Chromium: the built renderer, the real backend behind
// `window.packetChat`, and a second real node ("Alice") with its own file engine, on loopback.
// Main's file dialog is the one fake: it "picks" what the test says.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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

const closers = closeAfterAll();
screenshotOnFailure(() => page);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-e2e-files-'));
  closers.add(() => rm(dir, { recursive: true, force: true }));
  ({ app } = await openAppWindow(closers, {
    ports,
    settings: { nick: 'Lin', language: 'en', theme: 'light' },
    pickPaths: () => Promise.resolve(picks.shift() ?? []),
  }));
  page = app.page;
  alice = await startPeer('Alice', { ...ports, clientPort: ports.clientPort + 20 });
  closers.add(() => alice.close());
  aliceFiles = createNodeFileEngine(alice, { store: new MemoryTransferStore() });
  aliceFiles.engine.start();
  closers.add(() => aliceFiles.close());
  await waitForPeer(alice, app.self.nodeId);
}, 90_000);

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
    // Both transfers as the README shows them (copied from here to docs/screenshots/).
    await page.screenshot({
      path: resolve(import.meta.dirname, '../../test-results/screenshots/files-light-en.png'),
    });
  });
});

// Real-Electron smoke test: launches the built app (dist-electron/ + dist/) with Playwright's
// `_electron`, a temporary profile and test ports, and checks what the fake-electron tests cannot:
// the effective webPreferences, what the page can reach, and that the window shows the node's
// IP:port. Where it cannot run (no Electron binary, no display, app not built) every test reports
// itself SKIPPED with the reason; it never passes silently. See docs/ELECTRON.md ("Smoke test").
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacketChatApi, SelfInfo } from '../../shared/ipc/contract';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';

const ROOT = path.join(import.meta.dirname, '../..');
const ELECTRON_DIR = path.join(ROOT, 'node_modules/electron');

/**
 * The binary the `electron` package would start, found without requiring the package (which
 * tries to download the binary when it is missing). Undefined when there is none.
 */
function electronBinary(): string | undefined {
  const pathFile = path.join(ELECTRON_DIR, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const binary = path.join(override ?? path.join(ELECTRON_DIR, 'dist'), relative);
  return existsSync(binary) ? binary : undefined;
}

/** Why this machine cannot run the smoke test, or undefined when it can. */
function whyUnavailable(binary: string | undefined): string | undefined {
  if (binary === undefined) {
    return 'no Electron binary (node_modules/electron was installed without downloading it; run `node node_modules/electron/install.js` with internet access)';
  }
  const hasDisplay = process.env['DISPLAY'] ?? process.env['WAYLAND_DISPLAY'];
  if (process.platform === 'linux' && hasDisplay === undefined) {
    return 'no display: run under `xvfb-run -a npm run test:electron`';
  }
  for (const built of ['dist-electron/main.js', 'dist-electron/preload.cjs', 'dist/index.html']) {
    if (!existsSync(path.join(ROOT, built))) return `${built} is missing: run \`npm run build\``;
  }
  return undefined;
}

const BINARY = electronBinary();
const UNAVAILABLE = whyUnavailable(BINARY);
// The default reporter folds a fully skipped file into one line; say why where everyone sees it.
if (UNAVAILABLE !== undefined) console.warn(`Electron smoke test SKIPPED: ${UNAVAILABLE}`);

type PageGlobals = typeof globalThis & {
  readonly packetChat: PacketChatApi;
  readonly location: { href: string };
  readonly open: (url: string) => unknown;
};

describe('PacketChat in real Electron', () => {
  let launched: { app: ElectronApplication; page: Page } | undefined;
  let profileDir = '';
  const ports = testPorts();

  /** The running app, or a skip with the reason it is not running. */
  function running(skip: (note?: string) => never): { app: ElectronApplication; page: Page } {
    if (UNAVAILABLE !== undefined) return skip(UNAVAILABLE);
    if (launched === undefined) throw new Error('the app did not launch (see beforeAll)');
    return launched;
  }

  beforeAll(async () => {
    if (BINARY === undefined || UNAVAILABLE !== undefined) return;
    profileDir = mkdtempSync(path.join(tmpdir(), 'packet-chat-smoke-'));
    const args = [
      ROOT,
      `--data-dir=${profileDir}`,
      `--server-port=${ports.serverPort}`,
      `--client-port=${ports.clientPort}`,
      `--broadcast=${LOOPBACK_BROADCAST}`,
    ];
    // Chromium refuses to run as root with its OS sandbox; the renderer's `sandbox: true`
    // (checked below) is a separate, per-page setting.
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    // Never the dev server: the built UI over app://, as in an installed app.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[0] !== 'VITE_DEV_SERVER_URL' && entry[1] !== undefined,
      ),
    );
    const app = await _electron.launch({ executablePath: BINARY, args, env, timeout: 30_000 });
    launched = { app, page: await app.firstWindow() };
  }, 60_000);

  afterAll(async () => {
    await launched?.app.close();
    if (profileDir !== '') rmSync(profileDir, { recursive: true, force: true });
  }, 30_000);

  it('runs the page sandboxed and isolated, without Node', async ({ skip }) => {
    const { app, page } = running(skip);
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as {
        getLastWebPreferences?: () => Record<string, unknown>;
      };
      return contents.getLastWebPreferences?.() ?? null;
    });
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    const seen = await page.evaluate(() => {
      const page = globalThis as PageGlobals;
      return {
        url: page.location.href,
        require: typeof require,
        process: typeof process,
        api: Object.keys(page.packetChat).length,
        frozen: Object.isFrozen(page.packetChat),
      };
    });
    expect(seen).toMatchObject({ require: 'undefined', process: 'undefined', frozen: true });
    expect(seen.url).toMatch(/^app:\/\/packetchat\//);
    expect(seen.api).toBeGreaterThan(10);
  });

  it("shows the node's own IP:port", async ({ skip }) => {
    const { page } = running(skip);
    const self = await page.evaluate(async () => {
      const result = await (globalThis as PageGlobals).packetChat.selfGet();
      return result.ok ? result.value : null;
    });
    expect(self).toMatchObject<Partial<SelfInfo>>({ clientPort: ports.clientPort });
    const endpoint = `${self!.address}:${ports.clientPort}`;
    await page.getByText(endpoint).first().waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('keeps the page on our UI: no navigation, no new windows', async ({ skip }) => {
    const { app, page } = running(skip);
    const before = page.url();
    const opened = await page.evaluate(() => {
      const page = globalThis as PageGlobals;
      const result = page.open('https://example.org/');
      page.location.href = 'https://example.org/';
      return result === null;
    });
    expect(opened).toBe(true);
    await expect.poll(() => app.windows().length).toBe(1);
    expect(page.url()).toBe(before);
  });
});

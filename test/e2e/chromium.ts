// Finds a Chromium for the end-to-end tests and the UI benchmark, in this order:
//   1. PACKET_CHAT_CHROMIUM, a Chromium or Chrome binary (when it names nothing, the tests stop
//      here with INSTALL_HINT rather than quietly use another browser);
//   2. the system's Chromium or Chrome (Debian's `chromium` is what CI installs, with CJK fonts);
//   3. Playwright's own build, where someone ran `npx playwright-core install chromium`;
//   4. the browser npm installs, @sparticuz/chromium (a devDependency; Linux x64 only).
// Never skips: a machine without any of them fails the suite instead of passing it untested.
import { accessSync, constants, statSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { NPM_CHROMIUM_PACKAGE, unpackNpmChromium } from './npm-chromium';

/** Debian's package first (what CI installs), then other usual places. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** Ours, always, after any flags the browser's source recommends (a later duplicate wins). */
const OUR_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
];

export const INSTALL_HINT =
  'No Chromium for the end-to-end UI tests, and the one npm installs (' +
  NPM_CHROMIUM_PACKAGE +
  ') runs only on Linux x64. Install one with:\n' +
  '  sudo apt-get install -y chromium        (Debian, Ubuntu)\n' +
  '  npx playwright-core install chromium    (anywhere with internet)\n' +
  'or point PACKET_CHAT_CHROMIUM at a Chromium or Chrome binary.';

export type ChromiumSource = 'PACKET_CHAT_CHROMIUM' | 'system' | 'playwright' | 'npm';

export interface FoundChromium {
  readonly executablePath: string;
  readonly source: ChromiumSource;
  /** Flags the source recommends; launchChromium() puts ours after them. */
  readonly args: readonly string[];
  /** Extra environment for the browser process. */
  readonly env: Readonly<Record<string, string>>;
}

/** An executable regular file (a path that merely exists, say /dev/null, is not a browser). */
function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function found(executablePath: string, source: ChromiumSource): FoundChromium {
  return { executablePath, source, args: [], env: {} };
}

/** Steps 1-3: what is installed already. Undefined for "none" or a wrong PACKET_CHAT_CHROMIUM. */
export function findInstalledChromium(
  env: NodeJS.ProcessEnv = process.env,
): FoundChromium | undefined {
  const override = env['PACKET_CHAT_CHROMIUM'];
  if (override !== undefined && override !== '') {
    return isExecutableFile(override) ? found(override, 'PACKET_CHAT_CHROMIUM') : undefined;
  }
  const system = CANDIDATES.find(isExecutableFile);
  if (system !== undefined) return found(system, 'system');
  try {
    const downloaded = chromium.executablePath();
    return isExecutableFile(downloaded) ? found(downloaded, 'playwright') : undefined;
  } catch {
    // playwright-core throws when it has no browser registry entry: treat it as not installed.
    return undefined;
  }
}

/** Steps 1-4; step 4 unpacks the npm browser on first use. */
export async function findChromium(
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundChromium | undefined> {
  const installed = findInstalledChromium(env);
  if (installed !== undefined) return installed;
  const override = env['PACKET_CHAT_CHROMIUM'];
  if (override !== undefined && override !== '') return undefined;
  const unpacked = await unpackNpmChromium();
  return unpacked === undefined ? undefined : { ...unpacked, source: 'npm' };
}

/** Flags in order, one per name: a later flag replaces an earlier one with the same name. */
export function mergeFlags(...lists: readonly (readonly string[])[]): string[] {
  const byName = new Map<string, string>();
  for (const flag of lists.flat()) {
    const name = flag.split('=', 1)[0] ?? flag;
    byName.delete(name);
    byName.set(name, flag);
  }
  return [...byName.values()];
}

/** Starts a browser found by findChromium(). */
export function launchFound(browser: FoundChromium): Promise<Browser> {
  const extraEnv = Object.keys(browser.env).length > 0;
  return chromium.launch({
    executablePath: browser.executablePath,
    headless: true,
    args: mergeFlags(browser.args, OUR_FLAGS),
    ...(extraEnv ? { env: { ...definedEnv(process.env), ...browser.env } } : {}),
  });
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const browser = await findChromium(env);
  if (browser === undefined) throw new Error(INSTALL_HINT);
  return launchFound(browser);
}

/**
 * A browser with a profile on disk in `userDataDir` (its HTTP cache and V8's code cache kept
 * between loads, as in the app's own profile); Playwright's other contexts are off the record.
 */
export async function launchPersistentChromium(
  userDataDir: string,
  options: { readonly viewport: { width: number; height: number } },
  env: NodeJS.ProcessEnv = process.env,
): Promise<BrowserContext> {
  const browser = await findChromium(env);
  if (browser === undefined) throw new Error(INSTALL_HINT);
  const extraEnv = Object.keys(browser.env).length > 0;
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: browser.executablePath,
    headless: true,
    args: mergeFlags(browser.args, OUR_FLAGS),
    viewport: options.viewport,
    deviceScaleFactor: 1,
    ...(extraEnv ? { env: { ...definedEnv(process.env), ...browser.env } } : {}),
  });
}

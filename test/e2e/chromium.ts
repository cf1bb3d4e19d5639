// Finds a Chromium for the end-to-end tests, or stops with the exact command that installs one.
// Never skips: a machine without a browser fails the suite instead of passing it untested.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's package first (what CI installs), then other usual places. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

export const INSTALL_HINT =
  "No Chromium for the end-to-end UI tests. Install Debian's package with:\n" +
  '  sudo apt-get install -y chromium\n' +
  "or, where the internet allows, Playwright's own build with:\n" +
  '  npx playwright-core install chromium\n' +
  'or point PACKET_CHAT_CHROMIUM at a Chromium or Chrome binary.';

/** `PACKET_CHAT_CHROMIUM`, a system Chromium, or Playwright's downloaded one. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env['PACKET_CHAT_CHROMIUM'];
  if (override !== undefined && override !== '') return existsSync(override) ? override : undefined;
  const system = CANDIDATES.find((path) => existsSync(path));
  if (system !== undefined) return system;
  try {
    const bundled = chromium.executablePath();
    return existsSync(bundled) ? bundled : undefined;
  } catch {
    // playwright-core throws when it has no browser registry entry: treat it as not installed.
    return undefined;
  }
}

export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const executablePath = findChromium(env);
  if (executablePath === undefined) throw new Error(INSTALL_HINT);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
    ],
  });
}

// Where the UI screenshots go. `npm test` writes them under test-results/screenshots/ (ignored by
// git) with random ports, like every other test. `npm run screenshots` (test/e2e/screenshots.ts)
// sets PACKET_CHAT_SCREENSHOTS=docs: the same test then refreshes the committed
// docs/screenshots/ with fixed, documentation-friendly values.
import path from 'node:path';
import type { InterfaceAddress } from '../../electron/net/interfaces';
import { testPorts } from '../helpers/ports';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const SCREENSHOTS_ENV = 'PACKET_CHAT_SCREENSHOTS';

/** Why `npm run screenshots` refuses the npm-installed browser (one sentence). */
export const NO_CJK_FONTS =
  'npm run screenshots needs a system Chromium with CJK fonts (apt-get install -y chromium fonts-noto-cjk, or PACKET_CHAT_CHROMIUM), not @sparticuz/chromium, which has no CJK fonts, so the Chinese screenshots would show empty boxes.';

export interface ScreenshotTarget {
  readonly docs: boolean;
  readonly dir: string;
  /** The app's ports; its peers take the next free client ports (4001, 4002, … for the docs). */
  readonly ports: { readonly serverPort: number; readonly clientPort: number };
  /** The stranger's (a plain UDP sender's) port; 0 for any free one. */
  readonly strangerPort: number;
  readonly machine: { readonly host: string; readonly interfaces: () => InterfaceAddress[] };
}

/** A made-up LAN card, so no picture shows the address of the machine that took it. */
const MACHINE = {
  host: 'lin-pc',
  interfaces: (): InterfaceAddress[] => [
    {
      name: 'lo',
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      broadcast: '127.255.255.255',
      internal: true,
    },
    {
      name: 'eth0',
      address: '192.168.1.23',
      netmask: '255.255.255.0',
      broadcast: '192.168.1.255',
      internal: false,
    },
  ],
};

export function screenshotTarget(env: NodeJS.ProcessEnv = process.env): ScreenshotTarget {
  if (env[SCREENSHOTS_ENV] === 'docs') {
    return {
      docs: true,
      dir: path.join(ROOT, 'docs/screenshots'),
      // QQ's classic ports, as the README describes them.
      ports: { serverPort: 8000, clientPort: 4000 },
      strangerPort: 51234,
      machine: MACHINE,
    };
  }
  return {
    docs: false,
    dir: path.join(ROOT, 'test-results/screenshots'),
    ports: testPorts(),
    strangerPort: 0,
    machine: MACHINE,
  };
}

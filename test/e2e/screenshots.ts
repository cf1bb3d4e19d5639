// `npm run screenshots`: refreshes the committed docs/screenshots/ by running the languages and
// screenshots test, then the groups test (group-light-en.png), then the relay test
// (relay-light-en.png, relay-settings-light-en.png, with its broker at 1883), one after the other
// (they take the same fixed ports), with PACKET_CHAT_SCREENSHOTS=docs (fixed ports 8000 and 4000 upward, a made-up
// LAN card; see screenshot-target.ts). Not part of `npm test`, which writes its pictures to the
// ignored test-results/screenshots/. Refuses the npm-installed browser: it has no CJK fonts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findChromium, INSTALL_HINT } from './chromium';
import { NO_CJK_FONTS, SCREENSHOTS_ENV } from './screenshot-target';

const ROOT = path.resolve(import.meta.dirname, '../..');

const found = await findChromium();
if (found === undefined || found.source === 'npm') {
  console.error(found === undefined ? INSTALL_HINT : NO_CJK_FONTS);
  process.exit(1);
}
console.log(`Refreshing docs/screenshots/ with ${found.executablePath}`);
const run = spawnSync(
  process.execPath,
  [
    path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--no-file-parallelism',
    'test/e2e/languages-and-screenshots.test.ts',
    'test/e2e/groups.test.ts',
    'test/e2e/relay.test.ts',
  ],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, [SCREENSHOTS_ENV]: 'docs' } },
);
process.exit(run.status ?? 1);

/**
 * Vitest globalSetup (vitest.config.ts): builds dist-cli/packet-chat.js once per test run with
 * vite.cli.config.ts, so the tests that spawn the command-line node run the same built JavaScript
 * that `npx packet-chat` runs, made from the sources under test.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { CLI_BUNDLE, CLI_OUT_DIR } from '../../vite.cli.config';

export default async function buildCli(): Promise<void> {
  // Built beside the old bundle and renamed over it, so a run that is spawning nodes from
  // dist-cli/ meanwhile (another Vitest, `npx packet-chat`) never reads a half-written file.
  mkdirSync(CLI_OUT_DIR, { recursive: true });
  const scratch = mkdtempSync(path.join(CLI_OUT_DIR, '.build-'));
  try {
    await build({
      configFile: path.join(import.meta.dirname, '../../vite.cli.config.ts'),
      build: { outDir: scratch },
    });
    renameSync(path.join(scratch, CLI_BUNDLE), path.join(CLI_OUT_DIR, CLI_BUNDLE));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

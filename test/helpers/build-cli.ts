/**
 * Vitest globalSetup (vitest.config.ts): builds dist-cli/ (packet-chat.js, main.js, chunks) once per
 * test run with vite.cli.config.ts, so the tests that spawn the command-line node run the same
 * built JavaScript that `npx packet-chat` runs, made from the sources under test.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { CLI_BUNDLE, CLI_CHUNKS, CLI_MAIN, CLI_OUT_DIR, CLI_PACKAGE } from '../../vite.cli.config';

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
    installBuild(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Moves a build into dist-cli/: the chunks first (their names carry a content hash, so none that
 * an older node imports is changed), then package.json (`"type": "commonjs"`), then the node
 * (main.js), then the entry that requires it, then the old build's chunks (a node loads its
 * chunks while it starts: the relays and the crypto self-test are set up then).
 * bin/packet-chat.js does the same.
 */
function installBuild(scratch: string): void {
  const chunks = path.join(CLI_OUT_DIR, CLI_CHUNKS);
  mkdirSync(chunks, { recursive: true });
  const built = path.join(scratch, CLI_CHUNKS);
  const fresh = new Set(existsSync(built) ? readdirSync(built) : []);
  for (const name of fresh) renameSync(path.join(built, name), path.join(chunks, name));
  renameSync(path.join(scratch, CLI_PACKAGE), path.join(CLI_OUT_DIR, CLI_PACKAGE));
  renameSync(path.join(scratch, CLI_MAIN), path.join(CLI_OUT_DIR, CLI_MAIN));
  renameSync(path.join(scratch, CLI_BUNDLE), path.join(CLI_OUT_DIR, CLI_BUNDLE));
  for (const name of readdirSync(chunks)) {
    if (!fresh.has(name)) rmSync(path.join(chunks, name), { force: true });
  }
}

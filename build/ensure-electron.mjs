#!/usr/bin/env node
// Makes sure Electron is on this machine before `npm start` or `npm run dist` needs it, and says
// in two lines what to do when it cannot be downloaded (instead of a stack trace).
//
//   node build/ensure-electron.mjs binary   # npm start: the binary the `electron` package runs
//   node build/ensure-electron.mjs zip      # npm run dist: the zip electron-builder packages
//
// Both are downloaded once and cached, so the first run needs internet. Plain JavaScript (ESM):
// it runs before anything is built and needs no TypeScript runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ELECTRON_DIR = path.dirname(require.resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(path.join(ELECTRON_DIR, 'package.json'), 'utf8'));

/** Prints the two lines and exits non-zero. */
function fail(what, reason, retry) {
  console.error(`${what} is downloaded once and needs internet; that download failed: ${reason}.`);
  console.error(retry);
  process.exit(1);
}

/** The first line of an error or of a tool's stderr, without the error class ("fetch failed"). */
function firstLine(text) {
  const line =
    String(text)
      .split('\n')
      .find((l) => l.trim() !== '') ?? 'no reason given';
  return line.trim().replace(/^[A-Za-z]*Error: /, '');
}

/** Where the `electron` package will look for its binary (as node_modules/electron/index.js does). */
function electronBinary() {
  const pathFile = path.join(ELECTRON_DIR, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return path.join(override, relative || 'electron');
  return relative === '' ? undefined : path.join(ELECTRON_DIR, 'dist', relative);
}

/** npm start: the package's own installer, run here so that its failure can be explained. */
function ensureBinary() {
  const before = electronBinary();
  if (before !== undefined && existsSync(before)) return;
  console.log(`Downloading Electron ${version} (once; needs internet)…`);
  const install = spawnSync(process.execPath, [path.join(ELECTRON_DIR, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  const binary = electronBinary();
  if (install.status === 0 && binary !== undefined && existsSync(binary)) return;
  const reason =
    install.status === 0
      ? `no binary at ${binary ?? 'node_modules/electron/dist'}`
      : firstLine(install.stderr);
  fail(
    `Electron ${version}'s binary (for npm start)`,
    reason,
    'Connect to the internet and run `npm start` again; meanwhile `npm run cli` runs PacketChat in a terminal, without Electron.',
  );
}

/** npm run dist: the zip electron-builder packages, fetched into its cache by its own downloader. */
async function ensureZip() {
  const builderLib = createRequire(require.resolve('electron-builder/package.json')).resolve(
    'app-builder-lib/package.json',
  );
  const get = createRequire(builderLib)('@electron/get');
  const arch = process.arch === 'arm' ? 'armv7l' : process.arch;
  const target = `${process.platform}-${arch}`;
  try {
    await get.downloadArtifact({
      version,
      artifactName: 'electron',
      platform: process.platform,
      arch,
      checksums: JSON.parse(readFileSync(path.join(ELECTRON_DIR, 'checksums.json'), 'utf8')),
      downloadOptions: { timeout: { lookup: 30_000, connect: 30_000 } },
    });
  } catch (error) {
    fail(
      `The Electron ${version} zip (${target}) that electron-builder packages`,
      firstLine(error instanceof Error ? error.message : error),
      'Connect to the internet and run `npm run dist` again (the zip is then cached for later builds).',
    );
  }
}

const mode = process.argv[2];
if (mode === 'binary') ensureBinary();
else if (mode === 'zip') await ensureZip();
else {
  console.error('usage: node build/ensure-electron.mjs binary|zip');
  process.exit(2);
}

// build/ensure-electron.mjs, run as `npm start` and `npm run dist` run it, on a machine where
// Electron is not downloaded yet and the download fails: a local server on 127.0.0.1 stands in
// for the download site (ELECTRON_MIRROR) and answers 404, and empty folders stand in for the
// binary's location and the download cache, so nothing real is used or changed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'build/ensure-electron.mjs');
const PATH_TXT = path.join(ROOT, 'node_modules/electron/path.txt');

let server: Server;
let mirror = '';
const requested: string[] = [];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'packet-chat-ensure-electron-'));
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    response.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ensure(mode: string, dist: string): Promise<Run> {
  const env = {
    ...process.env,
    ELECTRON_MIRROR: mirror,
    ELECTRON_OVERRIDE_DIST_PATH: dist,
    electron_config_cache: path.join(dir, 'cache'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
  };
  const child = spawn(process.execPath, [SCRIPT, mode], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What a person sees: short, no stack trace, says what failed and what to do. */
function expectShortExplanation(run: Run, command: string): void {
  const lines = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.trim() !== '');
  expect(run.code, run.stderr).toBe(1);
  expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(3);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/TypeError|RequestError|HTTPError/);
  expect(run.stderr).toContain('downloaded once and needs internet; that download failed');
  expect(run.stderr).toContain(`run \`${command}\` again`);
}

describe('build/ensure-electron.mjs without a downloadable Electron', () => {
  it('npm start: explains in two lines that the binary could not be downloaded', async () => {
    const run = await ensure('binary', path.join(dir, 'no-electron-here'));
    expectShortExplanation(run, 'npm start');
    expect(run.stderr).toMatch(/^Electron \d+\.\d+\.\d+'s binary \(for npm start\)/);
    // It really tried: the request reached the stand-in download site.
    expect(requested.some((url) => url.includes('electron-v'))).toBe(true);
  });

  it('npm run dist: explains in two lines that the zip could not be downloaded', async () => {
    requested.length = 0;
    const run = await ensure('zip', path.join(dir, 'no-electron-here'));
    expectShortExplanation(run, 'npm run dist');
    expect(run.stderr).toMatch(/zip \(\w+-\w+\) that electron-builder packages/);
    expect(requested.some((url) => url.includes('electron-v'))).toBe(true);
  });

  it('does nothing, quietly, when the binary is there', async () => {
    const dist = await mkdtemp(path.join(dir, 'dist-'));
    // Where the electron package looks under ELECTRON_OVERRIDE_DIST_PATH.
    const name = existsSync(PATH_TXT) ? readFileSync(PATH_TXT, 'utf8').trim() : 'electron';
    await writeFile(path.join(dist, name), '');
    requested.length = 0;
    const run = await ensure('binary', dist);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(requested).toEqual([]);
  });
});

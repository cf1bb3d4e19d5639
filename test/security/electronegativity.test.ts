// Runs Electronegativity (https://github.com/doyensec/electronegativity) over the Electron and
// renderer sources and over a fresh build of them, through its programmatic API and offline.
// Fails on a medium-or-higher finding that is not in electronegativity-reviewed.json.
//
// The build is made here, into the scan's temporary folder, never taken from the working tree:
// a dist-electron/ left by `npm start` may be stale or missing, and the scan must not depend on
// which command ran last. Findings in built files are mapped back through the source maps to the
// source line they came from (electron/main.ts, or node_modules/… for bundled code), so one review
// covers a call in both the source and the bundle, while anything a bundled dependency brings in
// still needs a review of its own. See docs/SECURITY.md, "Electronegativity".
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build as viteBuild, mergeConfig } from 'vite';
import { build as electronBuild } from 'vite-plugin-electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { electronBuildOptions } from '../../vite.config';

const ROOT = path.join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface Finding {
  readonly id: string;
  readonly file: string;
  readonly severity: { readonly name: string; readonly value: number };
  readonly confidence: { readonly name: string };
  readonly location: { readonly line: number; readonly column: number };
  readonly description: string;
}
interface ScanResult {
  readonly globalChecks: number;
  readonly atomicChecks: number;
  readonly errors: readonly { file: string; message: string; tolerable: boolean }[];
  readonly issues: readonly Finding[];
}
type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

interface Reviewed {
  readonly id: string;
  readonly file: string;
  readonly reason: string;
}

/**
 * Electronegativity fetches translations and Electron's release list over the network (the `got`
 * module). CI has no internet and the scan must not depend on it: `got` is replaced with a
 * function that fails at once (the tool then uses its bundled English text), and the
 * release-list check is excluded (the Electron version is pinned in package.json instead).
 */
function loadOffline(): Run {
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = require.resolve('got', { paths: [toolDir] });
  const offline = Object.assign(() => Promise.reject(new Error('offline by design')), {});
  Object.assign(offline, { head: offline, default: offline });
  require.cache[gotPath] = {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports: offline,
  } as never;
  const loaded = require('@doyensec/electronegativity') as Run | { default: Run };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

/** Builds main, preload and renderer as `npm run build` does, with source maps, into `dir`. */
async function buildInto(dir: string): Promise<void> {
  const quiet = { logLevel: 'silent', build: { sourcemap: true } } as const;
  for (const options of electronBuildOptions(path.join(dir, 'dist-electron'))) {
    await electronBuild({ ...options, vite: mergeConfig(options.vite ?? {}, quiet) });
  }
  await viteBuild(
    mergeConfig(quiet, {
      configFile: path.join(ROOT, 'vite.config.ts'),
      build: { outDir: path.join(dir, 'dist'), emptyOutDir: true },
    }),
  );
}

/** The tool scans a directory tree; give it exactly the app's files (no node_modules, no tests). */
async function stage(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'packet-chat-electronegativity-'));
  for (const entry of ['electron', 'renderer', 'shared', 'package.json']) {
    cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  await buildInto(dir);
  return dir;
}

const BUILT = ['dist/', 'dist-electron/'];

/**
 * Where a finding really is: for a built file, the source line its source map names (relative
 * to the project, e.g. electron/main.ts or node_modules/zod/…); otherwise the file itself.
 */
function sourceOf(input: string, finding: Finding): string {
  if (!BUILT.some((dir) => finding.file.startsWith(dir))) return finding.file;
  const mapFile = path.join(input, `${finding.file}.map`);
  if (!existsSync(mapFile)) return finding.file;
  const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
  const entry = map.findEntry(finding.location.line - 1, finding.location.column);
  if (!('originalSource' in entry)) return finding.file;
  const original = path.resolve(path.dirname(mapFile), entry.originalSource);
  return path.relative(ROOT, original).split(path.sep).join('/');
}

const ELECTRON_VERSION = (
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }
).version;

/** Every check at every severity and confidence; the filtering is ours, below. */
async function scanDir(input: string): Promise<ScanResult> {
  // The tool logs that it could not fetch translations (it is offline by design, see above).
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await loadOffline()({
      input,
      isRelative: true,
      // The installed Electron: the checks judge unset options by this version's defaults.
      electronVersionOverride: ELECTRON_VERSION,
      severitySet: 'informational',
      confidenceSet: 'tentative',
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    });
  } finally {
    log.mockRestore();
  }
}

const MEDIUM = 2; // severity values: INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3

describe('Electronegativity', () => {
  let input = '';
  beforeAll(async () => {
    input = await stage();
  }, 120_000);
  afterAll(() => {
    if (input !== '') rmSync(input, { recursive: true, force: true });
  });
  const reviewed = (
    JSON.parse(
      readFileSync(path.join(import.meta.dirname, 'electronegativity-reviewed.json'), 'utf8'),
    ) as {
      reviewed: Reviewed[];
    }
  ).reviewed;
  let result: ScanResult | undefined;
  const scan = async () => (result ??= await scanDir(input));
  /** Medium or higher, each with the source file it comes from. */
  const serious = async () =>
    (await scan()).issues
      .filter((i) => i.severity.value >= MEDIUM)
      .map((i) => ({ ...i, source: sourceOf(input, i) }));

  it('parses every source and built file and runs its checks', async () => {
    const { errors, atomicChecks, globalChecks } = await scan();
    expect(errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(atomicChecks).toBeGreaterThan(30);
    expect(globalChecks).toBeGreaterThan(3);
    for (const built of ['dist-electron/main.js', 'dist-electron/preload.cjs', 'dist/index.html']) {
      expect(existsSync(path.join(input, built)), built).toBe(true);
    }
  }, 60_000);

  it('scans the fresh build too, and traces its findings to their source lines', async () => {
    const inBuild = (await serious()).filter((i) => i.file.startsWith('dist-electron/'));
    // electron/main.ts calls shell.openExternal (reviewed); the bundle has the same call.
    expect(inBuild.map((i) => `${i.id} ${i.source}`)).toContain(
      'OPEN_EXTERNAL_JS_CHECK electron/main.ts',
    );
  }, 60_000);

  it('finds nothing of medium or higher severity that has not been reviewed', async () => {
    const unreviewed = (await serious())
      .filter((i) => !reviewed.some((r) => r.id === i.id && r.file === i.source))
      .map(
        (i) =>
          `${i.id} ${i.severity.name}/${i.confidence.name} ${i.file}:${i.location.line} (from ${i.source}) ${i.description}`,
      );
    expect(unreviewed).toEqual([]);
  }, 60_000);

  it('has a reason for every reviewed finding, and no stale entries', async () => {
    const issues = await serious();
    for (const entry of reviewed) {
      expect(entry.reason.length, `${entry.id} ${entry.file}`).toBeGreaterThan(40);
      expect(
        issues.some((i) => i.id === entry.id && i.source === entry.file),
        `${entry.id} ${entry.file} still found`,
      ).toBe(true);
    }
  }, 60_000);

  // The same checks pass on our sources only because the code does what they look for.
  it('has teeth: an insecure window in the same scan setup is reported', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'packet-chat-electronegativity-bad-'));
    try {
      writeFileSync(
        path.join(bad, 'main.js'),
        "const { BrowserWindow } = require('electron');\n" +
          'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n',
      );
      const { issues } = await scanDir(bad);
      const ids = issues.filter((i) => i.severity.value >= MEDIUM).map((i) => i.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'CONTEXT_ISOLATION_JS_CHECK',
          'SANDBOX_JS_CHECK',
          'LIMIT_NAVIGATION_GLOBAL_CHECK',
          'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
        ]),
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 60_000);
});

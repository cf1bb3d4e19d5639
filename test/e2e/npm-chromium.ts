// The browser npm installs: @sparticuz/chromium, a headless Chromium (Linux x64) shipped as
// Brotli files inside the package, so `npm install` alone gives the end-to-end tests a browser.
// It has no CJK fonts of its own, so screenshots taken with it must never be committed.
//
// The package's executablePath() unpacks into the shared /tmp/chromium and trusts any file it
// finds there, also a half-written one or one of another version. Parallel test files would race
// on it, so the binary is unpacked here instead: into node_modules/.cache (per checkout and
// version), through a temporary file and a rename, so a reader sees a whole binary or none.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

export interface UnpackedChromium {
  readonly executablePath: string;
  /** The package's recommended flags, less those that would weaken or destabilise the browser. */
  readonly args: readonly string[];
  /**
   * FONTCONFIG_FILE (the system's fonts plus the package's), and LD_LIBRARY_PATH when the system
   * lacks a library the binary needs and the package's copies stand in.
   */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Flags from the package's list (tuned for AWS Lambda) that the tests must not use: they would
 * test a browser weaker than the real one (no same-origin policy, insecure content, no site
 * isolation), run everything in one process (one renderer crash ends the browser), or choose a
 * headless mode and GPU stack that Playwright and our own flags decide.
 */
const DROPPED_FLAGS = new Set([
  '--allow-running-insecure-content',
  '--disable-web-security',
  '--disable-site-isolation-trials',
  '--disable-features',
  '--enable-features',
  '--single-process',
  '--no-zygote',
  '--headless',
  '--in-process-gpu',
  '--ignore-gpu-blocklist',
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
]);

function flagName(arg: string): string {
  return arg.split('=', 1)[0] ?? arg;
}

function packageDir(): string {
  // The package exports only its entry (build/index.js); its bin/ folder sits beside build/.
  return path.resolve(path.dirname(require.resolve(NPM_CHROMIUM_PACKAGE)), '..');
}

async function unpackFile(source: string, target: string): Promise<void> {
  if (existsSync(target)) return;
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    await pipeline(
      createReadStream(source),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o755 }),
    );
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Unpacks a `.tar.br` of the package into `target` with the system's tar. The archive is
 * decompressed to a file first: tar stops reading at the end-of-archive block, and a pipe into it
 * would then fail with "Premature close" while the padding after that block is still being written.
 */
async function unpackTar(source: string, target: string): Promise<void> {
  if (existsSync(target)) return;
  const partial = `${target}.partial-${process.pid}`;
  const archive = `${partial}.tar`;
  await mkdir(partial, { recursive: true });
  try {
    await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(archive));
    const tar = spawnSync('tar', ['-x', '-f', archive, '-C', partial], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (tar.status !== 0) {
      throw new Error(`tar exited with ${String(tar.status)} unpacking ${source}: ${tar.stderr}`);
    }
    await rename(partial, target).catch((error: unknown) => {
      // Another process finished the same folder first: theirs is as good as ours.
      if (!existsSync(target)) throw error;
    });
  } finally {
    await rm(archive, { force: true });
    await rm(partial, { recursive: true, force: true });
  }
}

/** The dynamic loader's complaint when the binary cannot start for a missing library. */
function missingLibrary(executablePath: string, env: NodeJS.ProcessEnv): string | undefined {
  const run = spawnSync(executablePath, ['--version'], { env, encoding: 'utf8', timeout: 30_000 });
  const complaint = /error while loading shared libraries: ([^:\s]+)/.exec(run.stderr);
  return complaint?.[1];
}

/**
 * A fontconfig file with the system's fonts (where there are any) and the package's Open Sans.
 * Without a single font Chromium lays text out with no width and the UI tests cannot click it;
 * a machine with no fonts installed is exactly where this browser is used. The package's own
 * fonts.conf names Lambda's folders, so this one is written here.
 */
async function fontConfig(dir: string, cache: string): Promise<string> {
  const fonts = path.join(cache, 'fonts');
  await unpackTar(path.join(dir, 'bin/fonts.tar.br'), fonts);
  const file = path.join(cache, 'fonts.conf');
  const xml = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${xmlText(path.join(fonts, 'fonts'))}</dir>`,
    `  <cachedir>${xmlText(path.join(cache, 'fontconfig-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  // Whole or not at all, as for the binary: another test file's browser may be reading it.
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, xml);
  await rename(partial, file);
  return file;
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The package's Chromium, unpacked on first use (about 2 s and 200 MB). Undefined where the
 * package has no build (anything but Linux x64).
 */
export async function unpackNpmChromium(): Promise<UnpackedChromium | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const dir = packageDir();
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = path.join(ROOT, 'node_modules/.cache/packet-chat', `sparticuz-chromium-${version}`);
  const executablePath = path.join(cache, 'chromium');
  await unpackFile(path.join(dir, 'bin/chromium.br'), executablePath);

  const { default: packaged } = await import('@sparticuz/chromium');
  // No WebGL: its SwiftShader files are not unpacked (the UI draws with plain 2D).
  packaged.setGraphicsMode = false;
  const args = packaged.args.filter((arg) => !DROPPED_FLAGS.has(flagName(arg)));

  const env: Record<string, string> = { FONTCONFIG_FILE: await fontConfig(dir, cache) };
  if (missingLibrary(executablePath, process.env) !== undefined) {
    // The package's copies of NSS, NSPR and expat (built for Amazon Linux 2023).
    const libs = path.join(cache, 'al2023');
    await unpackTar(path.join(dir, 'bin/al2023.tar.br'), libs);
    env['LD_LIBRARY_PATH'] = [path.join(libs, 'lib'), process.env['LD_LIBRARY_PATH']]
      .filter((part) => part !== undefined && part !== '')
      .join(':');
    const still = missingLibrary(executablePath, { ...process.env, ...env });
    if (still !== undefined) {
      throw new Error(
        `${NPM_CHROMIUM_PACKAGE} cannot start: the system lacks ${still} (install Debian's chromium instead: apt-get install -y chromium)`,
      );
    }
  }
  return { executablePath, args, env };
}

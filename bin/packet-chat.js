#!/usr/bin/env node
// The `packet-chat` command (package.json "bin"): `npm run cli`, `npx packet-chat`, `npm link`.
//
// It runs the built command-line node, dist-cli/packet-chat.js (vite.cli.config.ts), which needs
// Node 24 (node:sqlite). This file is the only JavaScript a system Node may run directly, so it
// must parse on old versions (nothing newer than Node 18 here) and checks the version before
// anything that needs Node 24 is loaded:
//   - on Node < 24 it runs itself again with the project's own Node 24 (the `node` devDependency,
//     node_modules/node/bin/node), or says in one sentence what is missing and exits 1;
//   - in a checkout it rebuilds the bundle first when it is missing or older than a source file;
//   - then it requires the bundle (CommonJS), which runs the node in this process.
// PACKET_CHAT_NODE=/path/to/node overrides which Node 24 to run with (the tests use it to
// simulate a checkout without one).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'dist-cli');
/** The entry: it sets the start-up settings, then requires the node, MAIN (vite.cli.config.ts). */
const BUNDLE = join(OUT_DIR, 'packet-chat.js');
const MAIN = 'main.js';
/** The parts the bundle loads only when needed (vite.cli.config.ts). */
const CHUNKS = 'chunks';
/** The project's own Node 24: the `node` devDependency's binary. */
const OWN_NODE = join(
  ROOT,
  'node_modules/node/bin',
  process.platform === 'win32' ? 'node.exe' : 'node',
);
/** What the bundle is built from: a newer file here (*.ts, *.json) means the bundle is stale. */
const SOURCE_DIRS = ['electron', 'shared'];
const SOURCE_FILES = [
  'vite.cli.config.ts',
  'tsconfig.base.json',
  'package.json',
  'package-lock.json',
];
/** Set in the child of a re-execution, so a wrong PACKET_CHAT_NODE cannot loop. */
const REEXEC_MARK = 'PACKET_CHAT_REEXEC';

function fail(sentence) {
  process.stderr.write(`packet-chat: ${sentence}\n`);
  process.exit(1);
}

function ownNode() {
  const file = process.env.PACKET_CHAT_NODE || OWN_NODE;
  return existsSync(file) ? file : undefined;
}

/**
 * Runs this script again under `node` with the same arguments and stdio, and ends this process
 * the way the child ended (same exit code, or same signal).
 */
function reexec(node) {
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_MARK]: '1' },
  });
  // Ctrl-C in a terminal reaches the whole foreground process group, the child included; passing
  // it on as well would send the child a second SIGINT, and the node quits on the first and is
  // killed by a second. Without a terminal (scripts, tests, `kill`) only this process gets the
  // signal, so it is passed on. Either way this process must not die of it before the child.
  const interactive = isatty(0);
  const forward = {
    SIGINT: () => (interactive ? undefined : child.kill('SIGINT')),
    SIGTERM: () => child.kill('SIGTERM'),
    SIGHUP: () => child.kill('SIGHUP'),
  };
  for (const [signal, handler] of Object.entries(forward)) process.on(signal, handler);
  child.once('error', (error) =>
    fail(`could not start Node 24 at ${node} (${error.message}); run \`npm install\`.`),
  );
  child.once('exit', (code, signal) => {
    for (const [name, handler] of Object.entries(forward)) process.off(name, handler);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code === null ? 1 : code);
  });
}

function newestSource() {
  let newest = { file: '', mtimeMs: 0 };
  const consider = (file) => {
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  // `dir + sep + name`, not join(): the directories are already normal, and a few hundred
  // join() calls make V8 optimize Node's path code while the node starts (its compiler's code
  // then stays in the idle node's memory, docs/BENCHMARKS.md "Fifth pass: idle CLI memory").
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = `${dir}${sep}${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|json)$/.test(entry.name)) consider(file);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  for (const file of SOURCE_FILES) if (existsSync(join(ROOT, file))) consider(join(ROOT, file));
  return newest;
}

/** Why the bundle must be built first, or undefined when it is up to date. */
function staleBecause() {
  if (!existsSync(join(ROOT, 'electron', 'cli', 'main.ts'))) {
    // Not a checkout (no sources to build from): run the bundle as it is.
    if (!existsSync(BUNDLE)) {
      fail(`${BUNDLE} is missing and there are no sources to build it from.`);
    }
    return undefined;
  }
  if (!existsSync(BUNDLE) || !existsSync(join(OUT_DIR, MAIN))) return 'it is missing';
  const newest = newestSource();
  return newest.mtimeMs > statSync(BUNDLE).mtimeMs
    ? `${relative(ROOT, newest.file)} is newer`
    : undefined;
}

/**
 * `vite build --config vite.cli.config.ts` into a fresh folder, then a rename into place, so a
 * node starting meanwhile never reads a half-written bundle. Vite's output goes to stderr: in
 * `--json` mode stdout carries only JSON.
 */
function build(reason) {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    fail(
      `dist-cli/packet-chat.js must be built (${reason}) but Vite is missing; run \`npm install\`.`,
    );
  }
  process.stderr.write(`packet-chat: building dist-cli/packet-chat.js (${reason})\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const scratch = mkdtempSync(join(OUT_DIR, '.build-'));
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'vite.cli.config.ts', '--outDir', scratch],
    { cwd: ROOT, stdio: ['ignore', 2, 2] },
  );
  if (result.status === 0) install(scratch);
  rmSync(scratch, { recursive: true, force: true });
  if (result.status !== 0) fail('building the command-line node failed (Vite says why above).');
}

/**
 * Moves a build into dist-cli/: the chunks first (their names carry a content hash, so none that
 * an older node imports is changed), then package.json (`"type": "commonjs"`: the bundle is
 * CommonJS), then the node, then the entry that requires it, then the old build's chunks (a node
 * loads its chunks while it starts: the relays and the crypto self-test are set up then).
 * test/helpers/build-cli.ts does the same.
 */
function install(scratch) {
  const chunks = join(OUT_DIR, CHUNKS);
  mkdirSync(chunks, { recursive: true });
  const fresh = existsSync(join(scratch, CHUNKS)) ? readdirSync(join(scratch, CHUNKS)) : [];
  for (const name of fresh) renameSync(join(scratch, CHUNKS, name), join(chunks, name));
  renameSync(join(scratch, 'package.json'), join(OUT_DIR, 'package.json'));
  renameSync(join(scratch, MAIN), join(OUT_DIR, MAIN));
  renameSync(join(scratch, 'packet-chat.js'), BUNDLE);
  for (const name of readdirSync(chunks)) {
    if (!fresh.includes(name)) rmSync(join(chunks, name), { force: true });
  }
}

const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  const node = process.env[REEXEC_MARK] === undefined ? ownNode() : undefined;
  if (node === undefined) {
    fail(
      `needs Node.js ${REQUIRED_MAJOR} or newer and this is ${process.version}; run \`npm install\` in ${ROOT} to get the project's own Node ${REQUIRED_MAJOR}, or install Node ${REQUIRED_MAJOR}.`,
    );
  }
  reexec(node);
} else {
  const reason = staleBecause();
  if (reason !== undefined) build(reason);
  // require(), not import(): the bundle is CommonJS, and import() would read and scan it for
  // its exports through the ES module loader first (2.3 MiB more for the idle node).
  createRequire(import.meta.url)(BUNDLE);
}

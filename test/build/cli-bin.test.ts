/**
 * bin/packet-chat.js, the `packet-chat` command: which Node runs the CLI, when the bundle is
 * rebuilt, and what an older Node without the project's Node 24 says. Real processes throughout;
 * the "older Node" tests use one found on this machine (Debian's /usr/bin/node is 20).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BUNDLE, CLI_MAIN, REPO_ROOT } from '../helpers/cli-node';
import { loopbackArgs, testPorts } from '../helpers/ports';

const BIN = join(REPO_ROOT, 'bin/packet-chat.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node file args` to the end (for commands that exit by themselves, such as --help). */
function run(node: string, file: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(node, [file, ...args], {
    cwd: tmpdir(),
    env: { ...withoutOurs(process.env), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** The environment without the script's own knobs, whatever the caller had set. */
function withoutOurs(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy['PACKET_CHAT_NODE'];
  delete copy['PACKET_CHAT_REEXEC'];
  return copy;
}

/** A Node older than 24 on this machine (outside node_modules), or undefined. */
function findOlderNode(): { path: string; version: string } | undefined {
  const dirs = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((d) => !d.includes('node_modules'));
  const candidates = [...dirs.map((d) => join(d, 'node')), '/usr/bin/node', '/usr/local/bin/node'];
  for (const candidate of new Set(candidates)) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const major = Number(version.stdout.split('.')[0]);
    if (version.status === 0 && major < 24) {
      return { path: candidate, version: version.stdout.trim() };
    }
  }
  return undefined;
}

const older = findOlderNode();
const withOlderNode = older === undefined ? it.skip : it;
if (older === undefined) {
  console.log(
    'bin/packet-chat.js on an older Node: skipped, no Node older than 24 on this machine',
  );
}

const USAGE = /^Usage: packet-chat \[options\]/;

/** Process groups started by a test: the older Node and the Node 24 it started. */
const groups: number[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // ESRCH: everything in the group has exited already.
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('bin/packet-chat.js on Node 24', () => {
  it('runs the built CLI', () => {
    const result = run(process.execPath, BIN, ['--help']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(USAGE);
    expect(result.code).toBe(0);
  });

  it('works through a symlink, as `npm link` installs it (on the older Node when there is one)', () => {
    const link = join(tempDir('pc-link-'), 'packet-chat');
    symlinkSync(BIN, link);
    const result = run(older?.path ?? process.execPath, link, ['--help']);
    expect(result.stdout).toMatch(USAGE);
    expect(result.code).toBe(0);
  });
});

describe('bin/packet-chat.js on an older Node', () => {
  withOlderNode(
    `re-runs itself with the project's Node 24 (found Node ${older?.version ?? '-'})`,
    () => {
      // The bundle imports node:sqlite, which Node 20 does not have: usage text means Node 24 ran it.
      const result = run(older!.path, BIN, ['--help']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(USAGE);
      expect(result.code).toBe(0);
    },
  );

  withOlderNode("passes on the child's exit code", () => {
    const notADirectory = join(tempDir('pc-bin-'), 'file');
    writeFileSync(notADirectory, '');
    const args = ['--json', ...loopbackArgs(testPorts()), '--data-dir', notADirectory];
    const result = run(older!.path, BIN, args);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'error' });
    expect(result.code).toBe(1);
  });

  /**
   * Starts a --json node through bin/packet-chat.js on the older Node, in its own process group
   * (so cleanup reaches the Node 24 child too); resolves at `ready`. `inTerminal` runs it under
   * script(1), on a pseudo-terminal of its own, as a person at a terminal would.
   */
  async function startThroughOlderNode(inTerminal = false): Promise<{
    child: ChildProcessByStdio<Writable, Readable, null>;
    exited: Promise<[number | null, NodeJS.Signals | null]>;
  }> {
    const argv = [older!.path, BIN, '--json', ...loopbackArgs(testPorts())];
    argv.push('--data-dir', tempDir('pc-bin-'));
    const [command, ...args] = inTerminal
      ? ['script', '-qec', `exec ${argv.map((arg) => `'${arg}'`).join(' ')}`, '/dev/null']
      : argv;
    const child = spawn(command!, args, {
      env: withoutOurs(process.env),
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    groups.push(child.pid!);
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (code, signal) => resolve([code, signal])),
    );
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"type":"ready"')) resolve();
      });
      void exited.then(([code]) => reject(new Error(`exited (${String(code)}) before ready`)));
    });
    return { child, exited };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    withOlderNode(`passes ${signal} on, and the node quits cleanly (exit 0)`, async () => {
      const { child, exited } = await startThroughOlderNode();
      child.kill(signal);
      expect(await exited).toEqual([0, null]);
    });
  }

  // In a terminal, Ctrl-C reaches the whole foreground process group, Node 24 child included: the
  // older Node must survive it (or the shell would get its prompt back while the node runs on).
  const withOlderNodeAndScript =
    older !== undefined && existsSync('/usr/bin/script') ? it : it.skip;
  withOlderNodeAndScript('Ctrl-C in a terminal: the node quits cleanly (exit 0)', async () => {
    const { child, exited } = await startThroughOlderNode(true);
    child.stdin.write('\x03');
    expect(await exited).toEqual([0, null]);
  });

  const procChildren = (pid: number) => `/proc/${pid}/task/${pid}/children`;
  const withOlderNodeAndProc =
    older !== undefined && existsSync(procChildren(process.pid)) ? it : it.skip;
  withOlderNodeAndProc('ends the way the Node 24 child ended: killed by a signal', async () => {
    const { child, exited } = await startThroughOlderNode();
    const [grandchild] = readFileSync(procChildren(child.pid!), 'utf8').trim().split(' ');
    process.kill(Number(grandchild), 'SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
  });

  withOlderNode('without a Node 24 says so in one sentence and exits 1', () => {
    const result = run(older!.path, BIN, ['--help'], { PACKET_CHAT_NODE: '/nonexistent/node' });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `packet-chat: needs Node.js 24 or newer and this is v${older!.version}; run \`npm install\` in ${REPO_ROOT.replace(/\/$/, '')} to get the project's own Node 24, or install Node 24.\n`,
    );
    expect(result.code).toBe(1);
  });

  withOlderNode('does not loop when PACKET_CHAT_NODE is itself too old', () => {
    const result = run(older!.path, BIN, ['--help'], { PACKET_CHAT_NODE: older!.path });
    expect(result.stderr).toMatch(/^packet-chat: needs Node\.js 24 or newer/);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.code).toBe(1);
  });
});

describe('the built bundle', () => {
  // Node keeps an ASCII-only script in one byte per character; one other character doubles the
  // memory its source takes (vite.cli.config.ts escapes them).
  it('is ASCII only', () => {
    for (const file of [CLI_BUNDLE, CLI_MAIN]) {
      const text = readFileSync(file, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      expect(text.match(/[^\t\n\r\x20-\x7e]/u)).toBeNull();
    }
  });

  // Large JSON (the confusables table) stays JSON, not one getter per key, and out of the entry:
  // a file of its own that require() parses at the first comparison of names.
  it('keeps the confusables table as JSON, in a file of its own', () => {
    expect(readFileSync(CLI_MAIN, 'utf8')).not.toContain('"0":"O"');
    const chunks = join(dirname(CLI_BUNDLE), 'chunks');
    const files = readdirSync(chunks).filter((name) => /^confusables-[\w-]+\.json$/.test(name));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(chunks, files[0]!), 'utf8')).toMatch(/^\{"0":"O",/u);
  });
});

describe('the bundle bin/packet-chat.js runs', () => {
  /** A copy of what the bundle is built from, with this checkout's node_modules linked in. */
  function checkout(): string {
    const root = tempDir('pc-checkout-');
    for (const path of [
      'bin',
      'electron',
      'shared',
      'vite.cli.config.ts',
      'tsconfig.base.json',
      'package.json',
    ]) {
      cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
    return root;
  }

  it('is built when missing and rebuilt when a source is newer', () => {
    const root = checkout();
    const bin = join(root, 'bin/packet-chat.js');

    const first = run(process.execPath, bin, ['--help']);
    expect(first.stderr).toBe('packet-chat: building dist-cli/packet-chat.js (it is missing)\n');
    expect(first.stdout).toMatch(USAGE);
    expect(readFileSync(join(root, 'dist-cli/main.js'), 'utf8')).toContain('Usage: packet-chat');

    const second = run(process.execPath, bin, ['--help']);
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(USAGE);

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'shared/address.ts'), later, later);
    const third = run(process.execPath, bin, ['--help']);
    expect(third.stderr).toBe(
      'packet-chat: building dist-cli/packet-chat.js (shared/address.ts is newer)\n',
    );
    expect(third.stdout).toMatch(USAGE);
  });

  it('runs as it is without sources, and says so when there is neither', () => {
    const root = tempDir('pc-installed-');
    cpSync(join(REPO_ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
    const bin = join(root, 'bin/packet-chat.js');
    const missing = run(process.execPath, bin, ['--help']);
    expect(missing.stderr).toBe(
      `packet-chat: ${join(root, 'dist-cli/packet-chat.js')} is missing and there are no sources to build it from.\n`,
    );
    expect(missing.code).toBe(1);

    // The entry, the node and their package.json (`"type": "commonjs"`); --help loads no chunk.
    mkdirSync(join(root, 'dist-cli'));
    cpSync(CLI_BUNDLE, join(root, 'dist-cli/packet-chat.js'));
    cpSync(CLI_MAIN, join(root, 'dist-cli/main.js'));
    cpSync(join(dirname(CLI_BUNDLE), 'package.json'), join(root, 'dist-cli/package.json'));
    const result = run(process.execPath, bin, ['--help']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(USAGE);
    expect(result.code).toBe(0);
  });
});

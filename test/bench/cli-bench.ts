/**
 * Start-up and idle memory of the command-line node (`npm run bench -- --only=cli`). Every run is
 * a fresh process with a fresh temporary `--data-dir`, `--json` and loopback-only flags, timed
 * from spawn() to its `ready` line; its resident memory is VmRSS from /proc/PID/status after it
 * has idled for `idleMs` past ready. Modes, rotated within each round so drift hits all alike:
 *
 * - `bundle`: `node dist-cli/packet-chat.js`, the built JavaScript as shipped;
 * - `bin`: `node bin/packet-chat.js`, what `npx packet-chat` and `npm run cli` run (the staleness
 *   check, then the bundle in the same process);
 * - `tsx`: `node --import tsx electron/cli/main.ts`, the same sources compiled at run time, as the
 *   tests, `npx packet-chat` and `npm run cli` ran them before the bundle existed;
 * - `bare`: a Node that prints one line and waits: the floor Node itself sets.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import buildCli from '../helpers/build-cli';
import { median } from './stats';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export const CLI_MODES = ['bundle', 'bin', 'tsx', 'bare'] as const;
export type CliMode = (typeof CLI_MODES)[number];

const BARE =
  'process.stdout.write(\'{"type":"ready"}\\n\'); process.stdin.on(\'data\', () => process.exit(0));';

function command(mode: CliMode, args: readonly string[]): string[] {
  switch (mode) {
    case 'bundle':
      return ['dist-cli/packet-chat.js', ...args];
    case 'bin':
      return ['bin/packet-chat.js', ...args];
    case 'tsx':
      return ['--import', 'tsx', 'electron/cli/main.ts', ...args];
    case 'bare':
      return ['-e', BARE];
  }
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface CliModeResult {
  readonly startupMs: Spread;
  readonly rssMb: Spread;
  readonly startupSamples: readonly number[];
  readonly rssSamples: readonly number[];
}

export interface CliResult {
  readonly runs: number;
  readonly idleMs: number;
  readonly modes: Readonly<Record<CliMode, CliModeResult>>;
}

function spread(samples: readonly number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

interface Running {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  readonly startupMs: number;
  /** Resolves with VmRSS in MiB once the process has idled `idleMs` past ready. */
  readonly rss: Promise<number>;
  readonly exited: Promise<unknown>;
  readonly dataDir: string;
}

/** Starts one process, resolves at its ready line (startup time measured up to there). */
async function start(mode: CliMode, idleMs: number): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pc-bench-cli-'));
  const serverPort = randomInt(20_000, 29_000);
  const args = [
    '--json',
    '--server-port',
    String(serverPort),
    '--client-port',
    String(randomInt(30_000, 60_000)),
    '--broadcast',
    '127.255.255.255',
    '--data-dir',
    dataDir,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, command(mode, args), {
    cwd: ROOT,
    env: { ...process.env, XDG_CONFIG_HOME: dataDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mode}: no ready line within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"type":"ready"')) return;
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${mode}: exited before ready`));
    });
  });
  let startupMs: number;
  try {
    startupMs = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const rss = new Promise<number>((resolve) =>
    setTimeout(() => resolve(rssMb(child.pid!)), idleMs),
  );
  return { child, startupMs, rss, exited, dataDir };
}

async function stop(running: Running): Promise<void> {
  running.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
  await running.exited;
  rmSync(running.dataDir, { recursive: true, force: true });
}

export async function cliStartup(options: { runs: number; idleMs: number }): Promise<CliResult> {
  await buildCli();
  const startup = new Map<CliMode, number[]>(CLI_MODES.map((m) => [m, []]));
  const rss = new Map<CliMode, number[]>(CLI_MODES.map((m) => [m, []]));
  for (let round = 0; round < options.runs; round += 1) {
    const order = CLI_MODES.map((_, i) => CLI_MODES[(i + round) % CLI_MODES.length]!);
    const running: [CliMode, Running][] = [];
    try {
      // One at a time up to ready, so start-ups do not compete; the earlier ones idle meanwhile.
      for (const mode of order) running.push([mode, await start(mode, options.idleMs)]);
      for (const [mode, r] of running) {
        startup.get(mode)!.push(r.startupMs);
        rss.get(mode)!.push(await r.rss);
      }
    } finally {
      await Promise.all(running.map(([, r]) => stop(r)));
    }
  }
  const summary = (mode: CliMode): CliModeResult => ({
    startupMs: spread(startup.get(mode)!),
    rssMb: spread(rss.get(mode)!),
    startupSamples: startup.get(mode)!,
    rssSamples: rss.get(mode)!,
  });
  const modes: Record<CliMode, CliModeResult> = {
    bundle: summary('bundle'),
    bin: summary('bin'),
    tsx: summary('tsx'),
    bare: summary('bare'),
  };
  return { runs: options.runs, idleMs: options.idleMs, modes };
}

export interface LongIdleResult {
  /** When each sample was taken, ms after ready. */
  readonly atMs: readonly number[];
  /** VmRSS in MiB at each of `atMs`, the built node and a bare Node. */
  readonly bundleMb: readonly number[];
  readonly bareMb: readonly number[];
}

/**
 * One built node and one bare Node left idle for `atMs.at(-1)` ms, their VmRSS sampled at each of
 * `atMs`. The 3-second figure above is a node just started: a node that stays idle can still grow
 * (a timer that runs often enough gets its code compiled by V8's optimizing tiers, whose own code
 * in the `node` binary is then paged in; docs/BENCHMARKS.md, "Eighth pass on issue 18: an idle
 * node that stays idle").
 */
export async function cliLongIdle(atMs: readonly number[]): Promise<LongIdleResult> {
  await buildCli();
  // `start`'s own sample is taken at once (idle 0) and not used: ours are below.
  const bundle = await start('bundle', 0);
  const bare = await start('bare', 0);
  try {
    const bundleMb: number[] = [];
    const bareMb: number[] = [];
    const began = performance.now();
    for (const at of atMs) {
      const wait = at - (performance.now() - began);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      bundleMb.push(rssMb(bundle.child.pid!));
      bareMb.push(rssMb(bare.child.pid!));
    }
    return { atMs, bundleMb, bareMb };
  } finally {
    await Promise.all([stop(bundle), stop(bare)]);
  }
}

/**
 * Runs the headless CLI node (the built `dist-cli/packet-chat.js --json`) as a child process,
 * optionally inside a network namespace, and gives tests its JSON events. Waiting is event-driven:
 * no sleeps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { JsonEvent, ReadyEvent } from '../../electron/cli/json-protocol';

/** The repository root: the CLI runs with this as its working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The command-line node as shipped: built from electron/cli/main.ts by vite.cli.config.ts, once
 * per test run (test/helpers/build-cli.ts, the globalSetup in vitest.config.ts).
 */
export const CLI_BUNDLE = join(REPO_ROOT, 'dist-cli', 'packet-chat.js');
/** The node itself, which CLI_BUNDLE requires once it has set the start-up settings. */
export const CLI_MAIN = join(REPO_ROOT, 'dist-cli', 'main.js');

/** Flags that ask for the IPMsg bridge; without one, test nodes get `--no-ipmsg`. */
const IPMSG_FLAGS = ['--ipmsg', '--no-ipmsg', '--ipmsg-port'];

/**
 * Program and arguments that run the built CLI with `args`, on the Node running the tests (the
 * project's Node 24). For spawn(): `spawn(...cliCommand(['--json']))`. The IPMsg bridge (on by
 * default) binds the one host-wide port 2425 and shows every other bridge on the LAN as a peer,
 * so a test node runs without it unless the test asks for it (`--ipmsg`, `--ipmsg-port N`).
 */
export function cliCommand(args: readonly string[]): [string, string[]] {
  if (!existsSync(CLI_BUNDLE)) {
    throw new Error(
      `${CLI_BUNDLE} is missing: run the tests with vitest.config.ts (its globalSetup builds it) or \`npm run build:cli\` first.`,
    );
  }
  const ipmsg = args.some((a) => IPMSG_FLAGS.includes(a.split('=')[0] ?? a)) ? [] : ['--no-ipmsg'];
  return [process.execPath, [CLI_BUNDLE, ...args, ...ipmsg]];
}

/** Every line --json mode writes: the CLI's own typed union (electron/cli/json-protocol.ts). */
export type CliEvent = JsonEvent;
export type { ErrorEvent, PeerJson, ReadyEvent, SentEvent } from '../../electron/cli/json-protocol';

export type CliEventOf<K extends CliEvent['type']> = Extract<CliEvent, { type: K }>;

export interface CliNodeOptions {
  /** Flags after `--json`, e.g. `['--nick', 'alice']`. */
  readonly args?: readonly string[];
  /** Run inside this network namespace (`ip netns exec NS ...`; needs root). */
  readonly netns?: string;
  /** Name used in error messages; defaults to the nick or the namespace. */
  readonly label?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * XDG_CONFIG_HOME for the node, where its default profiles live. By default each node gets a
   * fresh temporary one (removed by stop()), so tests never touch the real home directory; pass
   * the same directory to several nodes to let them pick profiles side by side.
   */
  readonly configHome?: string;
}

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when stop() had to SIGKILL the node because it did not exit after quit. */
  readonly killed: boolean;
}

interface Waiter {
  readonly test: (event: CliEvent) => boolean;
  readonly resolve: (event: CliEvent) => void;
  readonly reject: (error: Error) => void;
}

const DIAGNOSTIC_EVENTS = 15;

/** Every child still running, so a crashing test worker does not leave nodes behind. */
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
function trackChild(child: ChildProcessWithoutNullStreams): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

export class CliNode {
  /** Every JSON event so far, in order. */
  readonly events: CliEvent[] = [];
  /** stdout lines that were not JSON events (there should be none in --json mode). */
  readonly otherStdout: string[] = [];
  readonly label: string;
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its output has been read. */
  readonly exited: Promise<CliExit>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<Waiter>();
  private stderrText = '';
  private exit: CliExit | undefined;
  private killedByStop = false;
  private stopping: Promise<CliExit> | undefined;

  /** Where this node's default profiles live (see CliNodeOptions.configHome). */
  readonly configHome: string;
  private readonly ownsConfigHome: boolean;

  constructor(options: CliNodeOptions = {}) {
    this.ownsConfigHome = options.configHome === undefined;
    this.configHome = options.configHome ?? mkdtempSync(join(tmpdir(), 'pc-cli-home-'));
    const args = options.args ?? [];
    const nickIndex = args.indexOf('--nick');
    this.label =
      options.label ?? (nickIndex >= 0 ? args[nickIndex + 1] : undefined) ?? options.netns ?? 'cli';
    const [node, nodeArgs] = cliCommand(['--json', ...args]);
    const [command, commandArgs] =
      options.netns === undefined
        ? [node, nodeArgs]
        : ['ip', ['netns', 'exec', options.netns, node, ...nodeArgs]];
    this.child = spawn(command, commandArgs, {
      cwd: REPO_ROOT,
      env: { ...(options.env ?? process.env), XDG_CONFIG_HOME: this.configHome },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    trackChild(this.child);
    this.child.stdin.on('error', () => undefined); // EPIPE after the node exited
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    createInterface({ input: this.child.stdout, terminal: false }).on('line', (line) =>
      this.onLine(line),
    );
    this.exited = new Promise<CliExit>((resolve) => {
      this.child.once('error', (error) => {
        this.stderrText += `\n[spawn error] ${error.message}`;
        if (this.child.exitCode === null && this.child.pid === undefined) {
          this.finish({ code: null, signal: null, killed: false }, resolve);
        }
      });
      this.child.once('close', (code, signal) =>
        this.finish({ code, signal, killed: this.killedByStop }, resolve),
      );
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Writes one JSON command line to the node's stdin. */
  send(command: object): void {
    if (this.exit !== undefined || this.child.stdin.destroyed || !this.child.stdin.writable) {
      throw new Error(`[${this.label}] cannot send ${JSON.stringify(command)}: node has exited`);
    }
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /**
   * The first event, already received or still to come, that satisfies `predicate`. Rejects on
   * timeout or when the node exits first, with the last events and stderr in the message.
   */
  waitFor<T extends CliEvent>(
    predicate: (event: CliEvent) => event is T,
    timeoutMs?: number,
    what?: string,
  ): Promise<T>;
  waitFor(
    predicate: (event: CliEvent) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<CliEvent>;
  waitFor(
    predicate: (event: CliEvent) => boolean,
    timeoutMs = 5_000,
    what = 'a matching event',
  ): Promise<CliEvent> {
    const found = this.events.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    if (this.exit !== undefined) {
      return Promise.reject(this.failure(`exited (${describeExit(this.exit)}) before ${what}`));
    }
    return new Promise<CliEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        test: predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** waitFor narrowed to one event type: `node.waitForType('peer', (e) => e.change === 'offline')`. */
  waitForType<K extends CliEvent['type']>(
    type: K,
    predicate: (event: CliEventOf<K>) => boolean = () => true,
    timeoutMs = 5_000,
    what = `a "${type}" event`,
  ): Promise<CliEventOf<K>> {
    const matches = (event: CliEvent): event is CliEventOf<K> =>
      event.type === type && predicate(event as CliEventOf<K>);
    return this.waitFor(matches, timeoutMs, what);
  }

  /** All events of one type so far. */
  eventsOf<K extends CliEvent['type']>(type: K): CliEventOf<K>[] {
    return this.events.filter((event): event is CliEventOf<K> => event.type === type);
  }

  ready(timeoutMs = 10_000): Promise<ReadyEvent> {
    return this.waitForType('ready', () => true, timeoutMs, 'the ready event');
  }

  /**
   * Sends quit and waits for the node to exit; after `timeoutMs` it is SIGKILLed. Safe to call
   * any number of times (every call gets the same result).
   */
  stop(timeoutMs = 5_000): Promise<CliExit> {
    this.stopping ??= this.stopOnce(timeoutMs);
    return this.stopping;
  }

  /**
   * Kills the node with `signal` (SIGKILL: no quit, no clean-up in the node) and waits for it to
   * exit. Its profile and the temporary config home stay (a test restarts on them); call stop()
   * afterwards to remove a config home this node owns.
   */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<CliExit> {
    if (this.exit === undefined) this.child.kill(signal);
    return this.exited;
  }

  private async stopOnce(timeoutMs: number): Promise<CliExit> {
    try {
      return await this.quitOrKill(timeoutMs);
    } finally {
      if (this.ownsConfigHome) rmSync(this.configHome, { recursive: true, force: true });
    }
  }

  private async quitOrKill(timeoutMs: number): Promise<CliExit> {
    if (this.exit !== undefined) return this.exit;
    if (this.child.stdin.writable) {
      this.child.stdin.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
      this.child.stdin.end();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result !== undefined) return result;
    this.killedByStop = true;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.otherStdout.push(line);
      return;
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      !('type' in parsed) ||
      typeof parsed.type !== 'string'
    ) {
      this.otherStdout.push(line);
      return;
    }
    const event = parsed as CliEvent;
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      let matched: boolean;
      try {
        matched = waiter.test(event);
      } catch (error) {
        this.waiters.delete(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (matched) {
        this.waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  private finish(exit: CliExit, resolve: (exit: CliExit) => void): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    live.delete(this.child);
    for (const waiter of this.waiters) {
      waiter.reject(this.failure(`exited (${describeExit(exit)}) before the awaited event`));
    }
    this.waiters.clear();
    resolve(exit);
  }

  private failure(what: string): Error {
    const last = this.events.slice(-DIAGNOSTIC_EVENTS).map((e) => `  ${JSON.stringify(e)}`);
    const lines = [
      `[${this.label}] ${what}.`,
      `Last ${last.length} of ${this.events.length} events:`,
      ...(last.length === 0 ? ['  (none)'] : last),
    ];
    if (this.otherStdout.length > 0) {
      lines.push('Non-JSON stdout:', ...this.otherStdout.slice(-5).map((l) => `  ${l}`));
    }
    const stderr = this.stderrText.trim();
    lines.push(stderr === '' ? 'stderr: (empty)' : `stderr:\n${stderr.slice(-2_000)}`);
    return new Error(lines.join('\n'));
  }
}

function describeExit(exit: CliExit): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}

/** Starts a CLI node; wait for `node.ready()` before talking to it. */
export function startCliNode(options: CliNodeOptions = {}): CliNode {
  return new CliNode(options);
}

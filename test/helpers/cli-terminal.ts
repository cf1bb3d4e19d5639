/**
 * The command-line node's interactive mode as a person uses it: through pipes (a script feeding
 * it), or on a pseudo-terminal of its own under script(1), as at a real terminal. Keeps every
 * byte it prints, so tests can check the bytes themselves. Waiting is for output, with a
 * deadline: no sleeps.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { cliCommand, REPO_ROOT } from './cli-node';

export interface TerminalOptions {
  /** Flags for the CLI (no --json). */
  readonly args: readonly string[];
  /** On a pseudo-terminal (script -qfec) instead of pipes. */
  readonly pty?: boolean;
  /** Run inside this network namespace (`ip netns exec NS …`; needs root). */
  readonly netns?: string;
  /** Added to a clean environment: English, no colour forcing, a fresh XDG_CONFIG_HOME. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface TerminalExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What the caller's environment must not decide: colours and language. */
const OURS = new Set(['FORCE_COLOR', 'NO_COLOR', 'LC_ALL', 'LC_MESSAGES', 'LANG']);

const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

/** What decides colours besides the terminal itself (node:tty getColorDepth). */
const COLOUR_KNOBS = new Set(['CI', 'NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS']);

export class CliTerminal {
  readonly exited: Promise<TerminalExit>;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly chunks: Buffer[] = [];
  private stderrText = '';
  private hasExited = false;
  private readonly home: string;

  constructor(options: TerminalOptions) {
    this.home = mkdtempSync(join(tmpdir(), 'pc-term-'));
    const [node, args] = cliCommand(options.args);
    const env: NodeJS.ProcessEnv = {
      // A person's terminal: not CI's (Node turns colours off when CI is set) and no colour knobs.
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !OURS.has(name) && !COLOUR_KNOBS.has(name)),
      ),
      XDG_CONFIG_HOME: this.home,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ...options.env,
    };
    const program: [string, string[]] = options.pty
      ? [
          'script',
          [
            '-qfec',
            `stty cols 200 rows 50; exec ${[node, ...args].map(quote).join(' ')}`,
            '/dev/null',
          ],
        ]
      : [node, args];
    const [command, commandArgs] =
      options.netns === undefined
        ? program
        : ['ip', ['netns', 'exec', options.netns, program[0], ...program[1]]];
    this.child = spawn(command, commandArgs, { cwd: REPO_ROOT, env, stdio: 'pipe' });
    this.child.stdin.on('error', () => undefined); // EPIPE once it has exited
    this.child.stdout.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderrText += chunk));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        this.hasExited = true;
        resolve({ code, signal });
      }),
    );
  }

  /** The pid of what was spawned: the node, or script(1) with the node as its child. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Every byte written to stdout so far. */
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString('utf8');
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Types text; a line needs its own "\n" (or "\r" on a terminal). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Resolves when stdout (from byte `from` on) matches; rejects after the deadline or on exit. */
  async waitFor(
    pattern: RegExp | string,
    what: string,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<void> {
    const matches = (): boolean => {
      const text = this.bytes.subarray(from).toString('utf8');
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    const deadline = Date.now() + timeoutMs;
    while (!matches()) {
      if (this.hasExited || Date.now() > deadline)
        throw new Error(
          `${this.hasExited ? 'exited' : `timed out after ${timeoutMs} ms`} waiting for ${what}.\nstdout:\n${this.text.slice(-3_000)}\nstderr:\n${this.stderrText.slice(-2_000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** /quit, then the exit; SIGKILL when it does not come. Removes the temporary home. */
  async stop(timeoutMs = 5_000): Promise<TerminalExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.type('/quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}

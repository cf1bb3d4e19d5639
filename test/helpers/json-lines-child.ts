/**
 * A child process that speaks one JSON object per line on stdin and stdout (the iptux driver, an
 * IPMsg host in a network namespace). Waiting is event-driven: every line wakes the waiters.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export type JsonObject = Record<string, unknown>;

interface Waiter {
  readonly test: (line: JsonObject) => boolean;
  readonly resolve: (line: JsonObject) => void;
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHook = false;

export class JsonLinesChild {
  readonly lines: JsonObject[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<Waiter>();
  private stderrText = '';
  private nextId = 1;
  private done = false;

  constructor(
    readonly label: string,
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ) {
    this.child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this.child);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const c of live) c.kill('SIGKILL');
      });
    }
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString()).slice(-20_000);
    });
    this.child.stdin.on('error', () => undefined); // the child may be gone already
    createInterface({ input: this.child.stdout }).on('line', (text) => this.onLine(text));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.done = true;
        live.delete(this.child);
        for (const waiter of this.waiters) waiter.resolve({ exited: true, code, signal });
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrText;
  }

  send(line: JsonObject): void {
    if (!this.done) this.child.stdin.write(`${JSON.stringify(line)}\n`);
  }

  /** Sends a command with an id and resolves with the answer carrying it (`ok: false` throws). */
  async request(line: JsonObject, timeoutMs: number): Promise<JsonObject> {
    const id = this.nextId;
    this.nextId += 1;
    this.send({ ...line, id });
    const answer = await this.waitFor(
      (l) => l['id'] === id,
      timeoutMs,
      `the answer to ${JSON.stringify(line).slice(0, 200)}`,
    );
    if (answer['ok'] !== true) {
      const error = answer['error'];
      throw new Error(
        `[${this.label}] ${typeof error === 'string' ? error : JSON.stringify(answer)}`,
      );
    }
    return answer;
  }

  /** The first line (already read or still to come) that passes `test`. */
  waitFor(
    test: (line: JsonObject) => boolean,
    timeoutMs: number,
    what: string,
    from = 0,
  ): Promise<JsonObject> {
    const found = this.lines.slice(from).find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test,
        resolve: (line) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (line['exited'] === true)
            reject(
              new Error(
                `[${this.label}] exited while waiting for ${what}\n${this.stderrText.slice(-3000)}`,
              ),
            );
          else resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `[${this.label}] timed out after ${timeoutMs} ms waiting for ${what}\n${this.stderrText.slice(-3000)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Closes stdin (the child's cue to finish) and waits; SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.done) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private onLine(text: string): void {
    let line: JsonObject;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null) return;
      line = parsed as JsonObject;
    } catch {
      return; // not ours: a stray print
    }
    this.lines.push(line);
    for (const waiter of [...this.waiters]) if (waiter.test(line)) waiter.resolve(line);
  }
}

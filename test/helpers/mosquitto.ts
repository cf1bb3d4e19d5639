/**
 * A Mosquitto broker of the test's own: a temporary directory with its config and persistence
 * file, a free port on loopback (or an address inside a network namespace the test made), started
 * as a child process and stopped again by stop(). Needs `mosquitto` (Debian's package); tests check
 * TOOLS.mosquitto with requireOrSkip() first (skipped outside CI, a failure in CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BrokerOptions {
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Run inside this network namespace (`ip netns exec`). */
  readonly netns?: string;
  /** Port (default: a free one on loopback). */
  readonly port?: number;
  /** Keep messages and sessions on disk across restarts (default true). */
  readonly persistence?: boolean;
  /**
   * The whole config instead of the default one; `{{PORT}}`, `{{HOST}}` and `{{DIR}}` are
   * replaced. Used to test the shipped docs/relay/mosquitto.conf.
   */
  readonly config?: string;
  /** More lines after the default config. */
  readonly extra?: readonly string[];
}

export interface Broker {
  readonly host: string;
  readonly port: number;
  /** `mqtt://host:port` */
  readonly url: string;
  /** The temporary directory: config, persistence file, log. */
  readonly dir: string;
  /** The running process's id (changes on restart). */
  pid(): number | undefined;
  /** The broker's resident memory in bytes (VmRSS), or undefined when it is not running. */
  rss(): number | undefined;
  /** CPU seconds (user + system) the running broker process has used so far. */
  cpuSeconds(): number | undefined;
  /** Everything the broker logged so far. */
  log(): string;
  /** SIGTERM (Mosquitto saves its persistence file then), then start it again on the same port. */
  restart(): Promise<void>;
  /**
   * Stops the broker and keeps its directory and port for `resume()`. SIGTERM: a clean stop (it
   * sends the wills and saves its persistence file); SIGKILL: a crash (nothing is sent or saved).
   */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a halted broker again on the same port, with its persistence file. */
  resume(): Promise<void>;
  /** Stops the broker (SIGTERM, SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function defaultConfig(persistence: boolean, extra: readonly string[]): string {
  return [
    'listener {{PORT}} {{HOST}}',
    'allow_anonymous true',
    `persistence ${persistence ? 'true' : 'false'}`,
    'persistence_location {{DIR}}/',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'max_queued_messages 10000',
    ...extra,
  ].join('\n');
}

/** Starts a broker and resolves once it listens. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'pc-mosquitto-'));
  const template =
    options.config ?? defaultConfig(options.persistence ?? true, options.extra ?? []);
  let config = template
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{HOST}}', host)
    .replaceAll('{{DIR}}', dir);
  // Run as root, Mosquitto drops to the user `mosquitto`, who cannot write our temporary directory.
  if (process.getuid?.() === 0) config += '\nuser root\n';
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(configFile, config);
  let output = '';
  let child: ChildProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    const [command, args] =
      options.netns === undefined
        ? ['mosquitto', ['-c', configFile]]
        : ['ip', ['netns', 'exec', options.netns, 'mosquitto', '-c', configFile]];
    const started = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    trackBroker(started);
    const from = output.length; // a restart must see its own "running", not the last one
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`mosquitto did not start within ${READY_TIMEOUT_MS} ms:\n${output}`));
      }, READY_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (/mosquitto version \S+ running/.test(output.slice(from))) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout.on('data', onData);
      started.stderr.on('data', onData);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited (${String(code ?? signal)}) before it ran:\n${output}`));
      });
      started.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    started.removeAllListeners('exit');
  };

  const terminate = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
      running.once('exit', () => {
        clearTimeout(timer);
        live.delete(running);
        resolve();
      });
      running.kill(signal);
    });
  };

  try {
    await launch();
  } catch (error) {
    await terminate();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    host,
    port,
    url: `mqtt://${host}:${String(port)}`,
    dir,
    pid: () => child?.pid,
    rss: () => rssOf(child?.pid),
    cpuSeconds: () => cpuOf(child?.pid),
    log: () => output,
    restart: async () => {
      if (stopped) throw new Error('the broker was stopped');
      await terminate();
      await launch();
    },
    halt: async (signal) => {
      if (stopped) throw new Error('the broker was stopped');
      await terminate(signal);
    },
    resume: async () => {
      if (stopped) throw new Error('the broker was stopped');
      if (child === undefined) await launch();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** VmRSS of a process (Linux), in bytes. With `ip netns exec` the pid is mosquitto's own. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (Linux, /proc/PID/stat fields 14 and 15, in 1/100 s). */
export function cpuOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The command may contain spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Every broker still running, so a crashing test worker leaves none behind. */
const live = new Set<ChildProcess>();
let exitHook = false;
function trackBroker(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

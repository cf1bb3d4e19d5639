/**
 * The test's side of mallory: starts the hostile agent (hostile-agent.ts) as a child process, on
 * loopback or inside a network namespace, and sends it typed commands. `stop()` ends it (also
 * SIGKILL after a grace period); every started agent is killed when the test worker exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Endpoint } from '../../shared/address';
import type {
  AgentCommand,
  AgentReply,
  DatagramKind,
  FloodResult,
  IdentitiesResult,
  ReceivedCounts,
  TcpState,
  TcpStreamResult,
} from './agent-protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Command = DistributiveOmit<AgentCommand, 'id'>;

const AGENT = fileURLToPath(new URL('./hostile-agent.ts', import.meta.url));
const live = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface HostileHostOptions {
  /** Run inside this network namespace (needs root). */
  readonly netns?: string;
}

export class HostileHost {
  readonly pid: number | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (reply: AgentReply) => void>();
  private nextId = 1;
  private stderr = '';
  private readonly started: Promise<void>;
  private readonly exited: Promise<void>;

  constructor(options: HostileHostOptions = {}) {
    const node = [process.execPath, '--import', 'tsx', AGENT];
    const [command, ...args] =
      options.netns === undefined ? node : ['ip', 'netns', 'exec', options.netns, ...node];
    this.child = spawn(command ?? 'node', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    live.add(this.child);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4_000);
    });
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => {
        live.delete(this.child);
        for (const resolveReply of this.waiting.values())
          resolveReply({ id: -1, ok: false, error: `agent exited: ${this.stderr}` });
        this.waiting.clear();
        resolve();
      });
    });
    this.started = new Promise((resolve, reject) => {
      this.waiting.set(0, (reply) =>
        reply.ok ? resolve() : reject(new Error(`agent did not start: ${reply.error}`)),
      );
    });
    createInterface({ input: this.child.stdout, terminal: false }).on('line', (line) => {
      let reply: AgentReply;
      try {
        reply = JSON.parse(line) as AgentReply;
      } catch {
        return;
      }
      const resolveReply = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      resolveReply?.(reply);
    });
  }

  ready(timeoutMs = 15_000): Promise<void> {
    return withTimeout(this.started, timeoutMs, 'the hostile agent to start');
  }

  async call<T>(command: Command, timeoutMs = 60_000): Promise<T> {
    await this.started;
    const id = this.nextId;
    this.nextId += 1;
    const reply = new Promise<AgentReply>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin.write(`${JSON.stringify({ ...command, id })}\n`);
    const answer = await withTimeout(reply, timeoutMs, `agent command ${command.cmd}`);
    if (!answer.ok) throw new Error(`agent ${command.cmd} failed: ${answer.error}`);
    return answer.result as T;
  }

  flood(
    kind: DatagramKind,
    to: Endpoint | readonly Endpoint[],
    count: number,
    durationMs: number,
    options: {
      sourcePorts?: number;
      sourcePortBase?: number;
      bindAddress?: string;
      raw?: readonly Uint8Array[];
    } = {},
  ): Promise<FloodResult> {
    const { raw, ...rest } = options;
    return this.call<FloodResult>(
      {
        cmd: 'udp-flood',
        kind,
        to: Array.isArray(to) ? to : [to as Endpoint],
        count,
        durationMs,
        ...rest,
        ...(raw === undefined ? {} : { raw: raw.map((b) => Buffer.from(b).toString('base64')) }),
      },
      longEnoughFor(durationMs),
    );
  }

  listen(port: number, address?: string): Promise<unknown> {
    return this.call({ cmd: 'listen', port, ...(address === undefined ? {} : { address }) });
  }

  received(): Promise<ReceivedCounts> {
    return this.call<ReceivedCounts>({ cmd: 'received' });
  }

  tcpSilent(to: Endpoint, count: number, bindAddress?: string): Promise<TcpState> {
    return this.call<TcpState>({
      cmd: 'tcp-silent',
      to,
      count,
      ...(bindAddress === undefined ? {} : { bindAddress }),
    });
  }

  tcpState(): Promise<TcpState> {
    return this.call<TcpState>({ cmd: 'tcp-state' });
  }

  tcpGarbage(
    to: Endpoint,
    durationMs: number,
    frameBytes: number,
    bindAddress?: string,
  ): Promise<TcpStreamResult> {
    return this.call<TcpStreamResult>(
      {
        cmd: 'tcp-garbage',
        to,
        durationMs,
        frameBytes,
        ...(bindAddress === undefined ? {} : { bindAddress }),
      },
      longEnoughFor(durationMs),
    );
  }

  tcpTextFlood(
    to: Endpoint,
    count: number,
    durationMs: number,
    bindAddress?: string,
  ): Promise<TcpStreamResult> {
    return this.call<TcpStreamResult>(
      {
        cmd: 'tcp-text-flood',
        to,
        count,
        durationMs,
        ...(bindAddress === undefined ? {} : { bindAddress }),
      },
      longEnoughFor(durationMs),
    );
  }

  identities(
    to: Endpoint,
    count: number,
    options: { nick?: string; bindAddress?: string } = {},
  ): Promise<IdentitiesResult> {
    return this.call<IdentitiesResult>({ cmd: 'identities', to, count, ...options });
  }

  /** Ends the agent: its sockets close with it. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

export async function startHostileHost(options: HostileHostOptions = {}): Promise<HostileHost> {
  const host = new HostileHost(options);
  try {
    await host.ready();
  } catch (error) {
    await host.stop();
    throw error;
  }
  return host;
}

/** An agent command that runs `durationMs` may take twice that on a loaded machine, and a bit. */
function longEnoughFor(durationMs: number): number {
  return 2 * durationMs + 30_000;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

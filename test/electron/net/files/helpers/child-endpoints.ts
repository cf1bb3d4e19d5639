/**
 * Parent side of endpoint-child.ts: spawns endpoints as processes (so they can be SIGKILLed), and
 * relays control messages between them as the node's stored stream would: a per-destination queue
 * kept here, one message in flight, removed only when the destination says it handled it, sent
 * again to a restarted child.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { PeerAddress } from '../../../../../electron/net/files/plain-tcp-channel';

const SCRIPT = fileURLToPath(new URL('./endpoint-child.ts', import.meta.url));
/** A real v2 node and its file engine instead (the benchmark's lanes row). */
export const V2_SCRIPT = fileURLToPath(new URL('./v2-endpoint-child.ts', import.meta.url));

interface Queued {
  readonly from: string;
  readonly messageId: string;
  readonly body: unknown;
}

export interface ChildLine {
  readonly t: string;
  readonly [key: string]: unknown;
}

export class Relay {
  private readonly queues = new Map<string, Queued[]>();
  private readonly inFlight = new Set<string>();
  private readonly live = new Map<string, ChildEndpoint>();

  attach(endpoint: ChildEndpoint): void {
    this.live.set(endpoint.id, endpoint);
    this.inFlight.delete(endpoint.id);
    this.pump(endpoint.id);
  }

  detach(id: string): void {
    this.live.delete(id);
    this.inFlight.delete(id);
  }

  control(from: string, to: string, messageId: string, body: unknown): void {
    const queue = this.queues.get(to) ?? [];
    queue.push({ from, messageId, body });
    this.queues.set(to, queue);
    this.pump(to);
  }

  handled(to: string, messageId: string): void {
    const queue = this.queues.get(to) ?? [];
    const head = queue[0];
    if (head?.messageId !== messageId) return;
    queue.shift();
    this.inFlight.delete(to);
    this.live.get(head.from)?.command({ t: 'delivered', peerId: to, messageId });
    this.pump(to);
  }

  private pump(to: string): void {
    const endpoint = this.live.get(to);
    const head = this.queues.get(to)?.[0];
    if (endpoint === undefined || head === undefined || this.inFlight.has(to)) return;
    this.inFlight.add(to);
    endpoint.command({ t: 'control', ...head });
  }
}

export class ChildEndpoint extends EventEmitter {
  private child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private exited: Promise<void> = Promise.resolve();
  address: PeerAddress | undefined;
  /** A v2 child's node id, once it is ready (what offers name it by). */
  nodeId: string | undefined;

  constructor(
    readonly id: string,
    private readonly storeDir: string,
    private readonly relay: Relay,
    private readonly options: object = {},
    private readonly script = SCRIPT,
  ) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the process on `host` and resolves with its data address once it is ready. */
  async start(host = '127.0.0.1'): Promise<PeerAddress> {
    // FILES_CHILD_PROF=DIR writes a CPU profile of every endpoint process into DIR.
    const prof = process.env['FILES_CHILD_PROF'];
    const args = [
      ...(prof === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${prof}`]),
      '--import',
      'tsx',
      this.script,
      this.id,
      this.storeDir,
      host,
      JSON.stringify(this.options),
    ];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    const ready = (await this.next('ready', () => true, 30_000)) as unknown as {
      address: PeerAddress;
      nodeId?: string;
    };
    this.address = ready.address;
    this.nodeId = ready.nodeId;
    this.relay.attach(this);
    return ready.address;
  }

  command(line: object): void {
    if (this.child?.stdin.writable === true) this.child.stdin.write(`${JSON.stringify(line)}\n`);
  }

  async kill(): Promise<void> {
    this.relay.detach(this.id);
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.relay.detach(this.id);
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The next line of type `t` that satisfies `predicate`. */
  next(
    t: string,
    predicate: (line: ChildLine) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<ChildLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(t, listener);
        reject(new Error(`${this.id}: no "${t}" line within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (line: ChildLine): void => {
        if (!predicate(line)) return;
        clearTimeout(timer);
        this.off(t, listener);
        resolve(line);
      };
      this.on(t, listener);
    });
  }

  private onLine(text: string): void {
    let line: ChildLine;
    try {
      line = JSON.parse(text) as ChildLine;
    } catch {
      return; // a stray line (a warning printed by a dependency): not ours
    }
    if (line.t === 'control')
      this.relay.control(this.id, String(line['to']), String(line['messageId']), line['body']);
    if (line.t === 'handled') this.relay.handled(this.id, String(line['messageId']));
    this.emit(line.t, line);
  }
}

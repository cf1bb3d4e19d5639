/**
 * Backends (node, store, IPMsg bridge behind the call handlers) on their own loopback addresses
 * for the IPMsg wiring tests. Each IPMsg endpoint is its own IP (clients answer to
 * `<sender IP>:PORT`), so every backend binds its PacketChat node and its bridge to one
 * 127.x.y.z; discovery is unicast to the addresses given, never a broadcast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createBackend, type Backend } from '../../electron/app/backend';
import type { IpmsgLaunch } from '../../electron/app/ipmsg-bridge';
import type {
  CallChannel,
  CallResults,
  EventChannel,
  EventPayloads,
  IpcResult,
} from '../../shared/ipc/contract';
import { invokeCall } from '../../shared/ipc/invoke';
import { testPorts } from './ports';

export interface BridgeHost {
  /** 127.x.y.z: the node's and the bridge's address. */
  readonly address: string;
  /** The IPMsg port of this test (all hosts share it, as real clients share 2425). */
  readonly port: number;
}

export interface BridgeBackend {
  readonly backend: Backend;
  readonly dataDir: string;
  readonly events: { event: EventChannel; payload: unknown }[];
  of<E extends EventChannel>(event: E): EventPayloads[E][];
  /**
   * A call through invokeCall (schema, handler, IpcResult), as every transport makes it. The
   * arguments are checked at run time, as they would be coming from the renderer.
   */
  call<C extends CallChannel>(channel: C, args?: unknown): Promise<IpcResult<CallResults[C]>>;
}

export interface BridgeBackendOptions {
  readonly host: BridgeHost;
  /** PacketChat server port (shared by the hosts; each binds its own address). */
  readonly serverPort: number;
  /** Addresses (`IP` or `IP:PORT`) announced to by the node; their IPs get BR_ENTRY too. */
  readonly peers?: readonly string[];
  readonly dataDir?: string;
  readonly nick?: string;
  readonly ipmsg?: IpmsgLaunch;
  readonly acceptFilesDir?: string;
}

const open: Backend[] = [];
const dirs: string[] = [];

/** Closes every backend a test started and removes its profile, also when the test failed. */
export function useBridgeBackends(): void {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh profile directory, removed after the test. */
export function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pc-ipmsg-app-'));
  dirs.push(dir);
  return dir;
}

export async function startBridgeBackend(options: BridgeBackendOptions): Promise<BridgeBackend> {
  const dataDir = options.dataDir ?? profileDir();
  const events: { event: EventChannel; payload: unknown }[] = [];
  const backend = createBackend({
    profile: { dataDir },
    appVersion: '0.0.0-test',
    ...(options.nick === undefined ? {} : { nick: options.nick }),
    node: {
      serverPort: options.serverPort,
      clientPort: testPorts().clientPort,
      bindAddress: options.host.address,
      broadcast: [],
      peers: [...(options.peers ?? [])],
      interfaces: () => [],
      announceIntervalMs: 500,
    },
    ipmsg: {
      port: options.host.port,
      tuning: { retryIntervalMs: 150, replyMaxDelayMs: 20, connectTimeoutMs: 2_000 },
      ...options.ipmsg,
    },
    ...(options.acceptFilesDir === undefined ? {} : { acceptFilesDir: options.acceptFilesDir }),
    emit: (event, payload) => events.push({ event, payload }),
  });
  open.push(backend);
  await backend.start();
  return {
    backend,
    dataDir,
    events,
    of: <E extends EventChannel>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.payload as EventPayloads[E]),
    call: <C extends CallChannel>(channel: C, args?: unknown) =>
      invokeCall(backend.handlers, channel, args) as Promise<IpcResult<CallResults[C]>>,
  };
}

/** The value of a call that must succeed; throws with the error otherwise. */
export function valueOf<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`call failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createBackend, type Backend } from '../../electron/app/backend';
import type { EventChannel, EventPayloads } from '../../shared/ipc/contract';
import { LOOPBACK_BROADCAST, testPorts } from './ports';
import { waitUntil } from './wait';

/** A real backend (SQLite profile, protocol v2 node) on loopback, and the events it emitted. */
export interface BackendHarness {
  readonly backend: Backend;
  readonly dataDir: string;
  readonly id: string;
  of<E extends EventChannel>(event: E): EventPayloads[E][];
}

/** Whether `h` has emitted a `transfer` event putting transfer `id` in `state`. */
export const hasState = (h: BackendHarness, id: string, state: string): boolean =>
  h.of('transfer').some((t) => t.transfer.id === id && t.transfer.state === state);

/**
 * Backends for file tests behind the call handlers, closed (and their temporary folders removed)
 * after each test. `harness` starts one on the given ports, in `dataDir` or a fresh profile
 * folder named after `prefix`; `pair` starts two that discover each other and waits until each
 * lists the other as a contact.
 */
export function useBackends(prefix: string): {
  tempDir(prefix: string): Promise<string>;
  harness(
    ports: { serverPort: number; clientPort: number },
    dataDir?: string,
  ): Promise<BackendHarness>;
  pair(ports?: {
    serverPort: number;
    clientPort: number;
  }): Promise<[BackendHarness, BackendHarness]>;
} {
  const open: Backend[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  const tempDir = async (dirPrefix: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), dirPrefix));
    dirs.push(dir);
    return dir;
  };

  const harness = async (
    ports: { serverPort: number; clientPort: number },
    dataDir?: string,
  ): Promise<BackendHarness> => {
    const dir = dataDir ?? (await tempDir(prefix));
    const events: { event: EventChannel; payload: unknown }[] = [];
    const backend = createBackend({
      profile: { dataDir: dir },
      appVersion: '0.0.0-test',
      node: { ...ports, broadcast: [LOOPBACK_BROADCAST], announceIntervalMs: 500 },
      files: { reconnectInitialMs: 50, reconnectMaxMs: 500 },
      emit: (event, payload) => events.push({ event, payload }),
    });
    open.push(backend);
    await backend.start();
    const self = await backend.handlers['self:get'](undefined);
    return {
      backend,
      dataDir: dir,
      id: self.nodeId,
      of: <E extends EventChannel>(event: E) =>
        events.filter((e) => e.event === event).map((e) => e.payload as EventPayloads[E]),
    };
  };

  const pair = async (ports = testPorts()): Promise<[BackendHarness, BackendHarness]> => {
    const a = await harness(ports);
    const b = await harness(ports);
    await waitUntil(() => a.of('contact').some((c) => c.peer.id === b.id), 10_000, 'a sees b');
    await waitUntil(() => b.of('contact').some((c) => c.peer.id === a.id), 10_000, 'b sees a');
    return [a, b];
  };

  return { tempDir, harness, pair };
}

/**
 * Parent side of the benchmark workers: each worker is a separate Node process (so two "machines"
 * do not share an event loop) that runs the commands in worker.ts over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Commands } from './worker';

export interface Worker {
  readonly name: string;
  readonly pid: number;
  call<K extends keyof Commands>(
    command: K,
    ...args: Parameters<Commands[K]>
  ): Promise<Awaited<ReturnType<Commands[K]>>>;
  close(): Promise<void>;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** No single command may take longer than this; a stuck worker fails the run instead of hanging. */
const CALL_TIMEOUT_MS = 180_000;

/**
 * `execArgv` adds Node flags, e.g. `--cpu-prof` (profile.ts); `workerFile` runs another copy of
 * worker.ts (an older PacketChat's, for side-by-side figures: protocol-bench.ts).
 */
export async function startWorker(
  name: string,
  execArgv: readonly string[] = [],
  workerFile: string = WORKER,
): Promise<Worker> {
  const child: ChildProcess = fork(workerFile, [name], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  let exited = false;
  child.on('message', (message: Reply) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`worker ${name}: ${message.error ?? 'failed'}`));
  });
  child.on('exit', (code) => {
    exited = true;
    for (const waiter of pending.values())
      waiter.reject(new Error(`worker ${name} exited (${String(code)})`));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve()); // the worker says hello when it is ready
    child.once('error', reject);
  });
  const worker: Worker = {
    name,
    pid: child.pid ?? 0,
    call: (command, ...args) =>
      new Promise((resolve, reject) => {
        if (exited) {
          reject(new Error(`worker ${name} has exited`));
          return;
        }
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`worker ${name}: ${command} timed out`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as never);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, command, args });
      }),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await worker.call('stop').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
  return worker;
}

/** Starts `count` workers, runs `fn`, and always stops them. */
export async function withWorkers<T>(
  names: readonly string[],
  fn: (workers: Worker[]) => Promise<T>,
  execArgv: readonly string[] = [],
  workerFile: string = WORKER,
): Promise<T> {
  const workers: Worker[] = [];
  try {
    for (const name of names) workers.push(await startWorker(name, execArgv, workerFile));
    return await fn(workers);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/**
 * What protocol v2 costs, side by side in one run: the message-to-ack round trip and the acked
 * message rate of three node pairs, in alternating blocks between the same kind of processes:
 *
 * - v2 as shipped;
 * - v1, the last commit before v2 (V1_COMMIT), unpacked from git into a temporary folder and run
 *   by its own bench worker (same commands then as now);
 * - v2 with its AEAD replaced by a copy (worker.ts `nullCipher`): the cipher's own share.
 *
 * Without git history (a shallow clone) the v1 pair is skipped and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_TEXT, pair, wireSizes, type Sizes } from './net-bench';
import { median, percentile } from './stats';
import { withWorkers, type Worker } from './worker-pool';

/** The last commit of protocol v1 (the one before "Protocol v2 in the core"). */
export const V1_COMMIT = '521504d';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NO_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };
const ROUNDS = 6;

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

export interface ProtocolResult {
  readonly v2: Latency;
  readonly v2NullCipher: Latency;
  readonly raw: Latency;
  /** Undefined when v1 could not be unpacked (`v1Skipped` says why). */
  readonly v1?: Latency;
  readonly v1Skipped?: string;
  /** Acked messages per second, 128 queued, per-source limit lifted. */
  readonly rate: { readonly v2: number; readonly v2NullCipher: number; readonly v1?: number };
}

/** Unpacks the v1 tree next to this checkout's node_modules; the worker file, or why not. */
function unpackV1(): { dir: string; worker: string } | { skipped: string } {
  const commit = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${V1_COMMIT}^{commit}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (commit.status !== 0) return { skipped: `commit ${V1_COMMIT} not in this clone (shallow?)` };
  const dir = mkdtempSync(join(tmpdir(), 'packetchat-v1-'));
  const unpack = spawnSync('sh', ['-c', `git archive ${V1_COMMIT} | tar -x -C "${dir}"`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const worker = join(dir, 'test/bench/worker.ts');
  if (unpack.status !== 0 || !existsSync(worker)) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `git archive ${V1_COMMIT} failed: ${unpack.stderr.trim()}` };
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, worker };
}

const latency = (samples: readonly number[]): Latency => ({
  p50: median(samples),
  p99: percentile(samples, 99),
  samples: samples.length,
});

async function streamRate(a: Worker, to: string, count: number): Promise<number> {
  const r = await a.call('nodeStream', to, count, BENCH_TEXT, 128);
  return (count * 1_000) / r.ms;
}

/** A started pair and what to measure on it. */
interface Contender {
  readonly sender: Worker;
  readonly to: string;
  readonly rtt: number[];
  readonly rates: number[];
}

async function contender(a: Worker, b: Worker, nullCipher: boolean): Promise<Contender> {
  const ids = await pair(a, b, { rateLimit: NO_LIMIT, ...(nullCipher ? { nullCipher } : {}) });
  return { sender: a, to: ids.b, rtt: [], rates: [] };
}

export async function protocolCost(sizes: Sizes): Promise<ProtocolResult> {
  const v1 = unpackV1();
  const v1Worker = 'worker' in v1 ? v1.worker : undefined;
  try {
    return await withWorkers(['v2-a', 'v2-b', 'null-a', 'null-b'], async ([a, b, c, d]) => {
      const run = async (old: readonly Worker[]): Promise<ProtocolResult> => {
        const v2 = await contender(a!, b!, false);
        const nul = await contender(c!, d!, true);
        const one = old[0] !== undefined && old[1] !== undefined;
        const older = one ? await contender(old[0]!, old[1]!, false) : undefined;
        const echo = await b!.call('startEcho', wireSizes(BENCH_TEXT).response, false);
        const raw: number[] = [];
        const all = [v2, nul, ...(older === undefined ? [] : [older])];
        for (const x of all) await x.sender.call('nodeRtt', x.to, sizes.count(300), BENCH_TEXT);
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const x of all)
            x.rtt.push(...(await x.sender.call('nodeRtt', x.to, sizes.count(400), BENCH_TEXT)));
          raw.push(
            ...(await a!.call('rawRtt', echo, sizes.count(400), wireSizes(BENCH_TEXT).request)),
          );
          for (const x of all) x.rates.push(await streamRate(x.sender, x.to, sizes.count(1_000)));
        }
        return {
          v2: latency(v2.rtt),
          v2NullCipher: latency(nul.rtt),
          raw: latency(raw),
          ...(older === undefined
            ? { v1Skipped: 'skipped' in v1 ? v1.skipped : 'not started' }
            : { v1: latency(older.rtt) }),
          rate: {
            v2: median(v2.rates),
            v2NullCipher: median(nul.rates),
            ...(older === undefined ? {} : { v1: median(older.rates) }),
          },
        };
      };
      if (v1Worker === undefined) return run([]);
      return withWorkers(['v1-a', 'v1-b'], run, [], v1Worker);
    });
  } finally {
    if ('dir' in v1) rmSync(v1.dir, { recursive: true, force: true });
  }
}

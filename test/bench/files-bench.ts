/**
 * File-transfer engine against a raw TCP copy, side by side, between the same two processes:
 *
 *   npx tsx test/bench/files-bench.ts [--quick] [--only=big,small,lanes,v2] [--rounds=N]
 *     [--big-mib=N]
 *
 * - big: one 1 GiB file through the engine (plain, and with every record sealed and opened with
 *   AES-256-GCM through the v2 crypto provider), against file → socket → file; peak RSS of both
 *   ends above idle during the engine run;
 * - small: 10,000 files of 4 KiB through the engine against the raw copy;
 * - lanes: 2,000 small files with 1, 2, 4, 8 data streams (and 8 or 32 pipelined requests);
 * - v2: the same 1 GiB file between two real protocol v2 nodes (helpers/v2-endpoint-child.ts):
 *   the offer in the reliable sealed stream, the data over sealed TCP lanes, every file verified
 *   and fsynced as the app does; against a raw TCP copy between the same two node processes.
 *
 * Each side is a child process (test/electron/net/files/helpers/endpoint-child.ts) talking over
 * 127.0.0.1. Files live in a temporary folder under the OS temp dir (its free space is checked
 * first) and are removed afterwards. Results: a table on stdout and test/bench/results/files.json.
 */
import { randomBytes, randomFillSync, randomInt } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TransferInfo } from '../../shared/files/types';
import {
  ChildEndpoint,
  Relay,
  V2_SCRIPT,
  type ChildLine,
} from '../electron/net/files/helpers/child-endpoints';
import type { RawFile } from '../electron/net/files/helpers/raw-copy';
import { round, table } from './stats';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'big,small,lanes,v2' },
    /** The big file's size in MiB (default 1024, --quick 256): a short run on a busy machine. */
    'big-mib': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: join(import.meta.dirname, 'results', 'files.json') },
  },
});
const MIB = 1024 * 1024;
const BIG_BYTES = Number(values['big-mib'] ?? (values.quick ? 256 : 1024)) * MIB;
const SMALL_FILES = values.quick ? 2_000 : 10_000;
const SMALL_BYTES = 4096;
const SWEEP_FILES = values.quick ? 500 : 2_000;
const ROUNDS = Number(values.rounds);
const sections = new Set(values.only.split(','));
const SEAL_KEY = randomBytes(32).toString('hex');

const transferOf = (line: ChildLine): TransferInfo => line['transfer'] as TransferInfo;

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

class Pair {
  readonly relay = new Relay();
  readonly sender: ChildEndpoint;
  readonly receiver: ChildEndpoint;
  /** The receiver's id in offers. */
  to = 'receiver';

  constructor(root: string, name: string, engineOptions: object, script?: string) {
    const options = { memoryStore: true, ...engineOptions };
    this.sender = new ChildEndpoint(
      'sender',
      join(root, `store-${name}-s`),
      this.relay,
      options,
      script,
    );
    this.receiver = new ChildEndpoint(
      'receiver',
      join(root, `store-${name}-r`),
      this.relay,
      options,
      script,
    );
  }

  async start(): Promise<this> {
    const address = await this.sender.start();
    await this.receiver.start();
    this.receiver.command({ t: 'peer', id: 'sender', address });
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.sender.stop(), this.receiver.stop()]);
  }

  /** CPU time (user + system) both processes have used so far, in milliseconds. */
  async cpuMs(): Promise<number> {
    const ask = async (end: ChildEndpoint): Promise<number> => {
      const line = end.next('memory');
      end.command({ t: 'memory' });
      return Number((await line)['cpu']) / 1000;
    };
    return (await ask(this.sender)) + (await ask(this.receiver));
  }

  /** Runs `work` and also returns the CPU milliseconds both ends spent on it. */
  async measured(work: () => Promise<number>): Promise<{ ms: number; cpuMs: number }> {
    const before = await this.cpuMs();
    const ms = await work();
    return { ms, cpuMs: (await this.cpuMs()) - before };
  }

  /** Offers `paths`, accepts into `dst`; milliseconds from accept to done (and of the offer). */
  async engine(
    paths: string[],
    dst: string,
    sample?: () => void,
  ): Promise<{ ms: number; offerMs: number }> {
    const incoming = this.receiver.next('transfer', (l) => transferOf(l).state === 'offered');
    const offered = performance.now();
    this.sender.command({ t: 'offer', to: this.to, paths });
    const id = transferOf(await incoming).id;
    const offerMs = performance.now() - offered;
    const done = this.receiver.next(
      'transfer',
      (l) => transferOf(l).id === id && transferOf(l).state === 'done',
      600_000,
    );
    const timer = sample === undefined ? undefined : setInterval(sample, 20);
    const started = performance.now();
    this.receiver.command({ t: 'accept', id, dir: dst });
    await done;
    clearInterval(timer);
    return { ms: performance.now() - started, offerMs };
  }

  async raw(files: RawFile[], dst: string): Promise<number> {
    const addressLine = this.sender.next('raw-address');
    this.sender.command({ t: 'raw-serve', files });
    const { address } = (await addressLine) as unknown as { address: object };
    const done = this.receiver.next('raw-done', () => true, 600_000);
    this.receiver.command({ t: 'raw-fetch', address, dst });
    return Number((await done)['ms']);
  }
}

/** Two real v2 nodes (helpers/v2-endpoint-child.ts) that found each other on 127.255.255.255. */
class V2Pair extends Pair {
  constructor(root: string, name: string, engineOptions: object = {}) {
    const serverPort = randomInt(20_000, 29_000);
    const clientPort = randomInt(10_000, 19_000);
    super(root, name, { serverPort, clientPort, ...engineOptions }, V2_SCRIPT);
  }

  override async start(): Promise<this> {
    const seen = { sender: new Set<string>(), receiver: new Set<string>() };
    this.sender.on('peer', (l: ChildLine) => seen.sender.add(String(l['id'])));
    this.receiver.on('peer', (l: ChildLine) => seen.receiver.add(String(l['id'])));
    await this.sender.start();
    await this.receiver.start();
    const deadline = Date.now() + 30_000;
    const met = (): boolean =>
      seen.sender.has(this.receiver.nodeId ?? '') && seen.receiver.has(this.sender.nodeId ?? '');
    while (!met()) {
      if (Date.now() > deadline) throw new Error('the two v2 nodes did not find each other');
      await new Promise((r) => setTimeout(r, 20));
    }
    this.to = this.receiver.nodeId ?? '';
    return this;
  }
}

function bigFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.allocUnsafe(8 * MIB);
  for (let at = 0; at < size; at += chunk.byteLength) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(chunk.byteLength, size - at));
  }
  closeSync(fd);
}

function smallTree(root: string, count: number): RawFile[] {
  const files: RawFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const rel = `small/d${i % 100}/f${i}.bin`;
    const path = join(root, rel);
    if (i < 100) mkdirSync(join(root, `small/d${i}`), { recursive: true });
    writeFileSync(path, randomBytes(SMALL_BYTES));
    files.push({ path, rel, size: SMALL_BYTES });
  }
  return files;
}

function fresh(root: string, name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  return dir;
}

/** One figure as `npm run bench` (run.ts, section files) reads it from the results file. */
export interface FilesFigure {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** The raw TCP copy's figure in the same unit, where the row is measured against it. */
  readonly baseline?: number;
}

const rows: string[][] = [];
const results: Record<string, number> = {};
const figures: FilesFigure[] = [];
function record(figure: string, value: number, unit: string, baseline?: number, cpu = ''): void {
  results[figure] = round(value);
  figures.push({
    figure,
    value: round(value),
    unit,
    ...(baseline === undefined ? {} : { baseline: round(baseline) }),
  });
  const share = baseline === undefined ? '' : `${round((value / baseline) * 100)} %`;
  rows.push([figure, `${round(value)} ${unit}`, share, cpu]);
}

interface Best {
  ms: number;
  cpuMs: number;
}
const none = (): Best => ({ ms: Infinity, cpuMs: Infinity });
function keep(best: Best, run: { ms: number; cpuMs: number }): void {
  best.ms = Math.min(best.ms, run.ms);
  best.cpuMs = Math.min(best.cpuMs, run.cpuMs);
}

async function benchBig(root: string): Promise<void> {
  const src = join(root, 'big.bin');
  bigFile(src, BIG_BYTES);
  const plain = await new Pair(root, 'plain', {}).start();
  const noSync = await new Pair(root, 'plain-nosync', { fsync: false }).start();
  const sealed = await new Pair(root, 'sealed', {
    fsync: false,
    seal: true,
    sealKey: SEAL_KEY,
  }).start();
  const best = { raw: none(), plain: none(), noSync: none(), sealed: none() };
  let peak = { sender: 0, receiver: 0 };
  const idle = { sender: rssOf(plain.sender.pid), receiver: rssOf(plain.receiver.pid) };
  const sample = (): void => {
    peak = {
      sender: Math.max(peak.sender, rssOf(plain.sender.pid) - idle.sender),
      receiver: Math.max(peak.receiver, rssOf(plain.receiver.pid) - idle.receiver),
    };
  };
  const big: RawFile[] = [{ path: src, rel: 'big.bin', size: BIG_BYTES }];
  const engine = (pair: Pair, probe?: () => void) => async () =>
    (await pair.engine([src], fresh(root, 'dst'), probe)).ms;
  for (let r = 0; r < ROUNDS; r += 1) {
    keep(best.raw, await plain.measured(() => plain.raw(big, fresh(root, 'dst'))));
    keep(best.plain, await plain.measured(engine(plain, sample)));
    keep(best.noSync, await noSync.measured(engine(noSync)));
    keep(best.sealed, await sealed.measured(engine(sealed)));
  }
  rmSync(join(root, 'dst'), { recursive: true, force: true });
  const gib = BIG_BYTES / 2 ** 30;
  const rate = (b: Best): number => BIG_BYTES / MIB / (b.ms / 1000);
  const cpu = (b: Best): string => `${round(b.cpuMs / 1000 / gib)} s/GiB`;
  const name = `${BIG_BYTES / MIB} MiB`;
  const raw = rate(best.raw);
  record(`${name} raw TCP copy (no fsync)`, raw, 'MiB/s', undefined, cpu(best.raw));
  record(
    `${name} engine, plain (fsync at the end)`,
    rate(best.plain),
    'MiB/s',
    raw,
    cpu(best.plain),
  );
  record(`${name} engine, plain, fsync off`, rate(best.noSync), 'MiB/s', raw, cpu(best.noSync));
  const sealedName = `${name} engine, AES-256-GCM records, fsync off`;
  record(sealedName, rate(best.sealed), 'MiB/s', raw, cpu(best.sealed));
  record('peak RSS above idle, sender', peak.sender / MIB, 'MiB');
  record('peak RSS above idle, receiver', peak.receiver / MIB, 'MiB');
  for (const pair of [plain, noSync, sealed]) await pair.stop();
  rmSync(src, { force: true });
}

async function benchSmall(root: string): Promise<void> {
  const files = smallTree(root, SMALL_FILES);
  const src = join(root, 'small');
  const pair = await new Pair(root, 'small', {}).start();
  const noSync = await new Pair(root, 'nosync', { fsync: false }).start();
  const best = { raw: none(), engine: none(), noSync: none() };
  let offer = Infinity;
  for (let r = 0; r < ROUNDS; r += 1) {
    keep(best.raw, await pair.measured(() => pair.raw(files, fresh(root, 'dst'))));
    keep(
      best.engine,
      await pair.measured(async () => {
        const run = await pair.engine([src], fresh(root, 'dst'));
        offer = Math.min(offer, run.offerMs);
        return run.ms;
      }),
    );
    const quick = async (): Promise<number> => (await noSync.engine([src], fresh(root, 'dst'))).ms;
    keep(best.noSync, await noSync.measured(quick));
  }
  rmSync(join(root, 'dst'), { recursive: true, force: true });
  const rate = (b: Best): number => SMALL_FILES / (b.ms / 1000);
  const cpu = (b: Best): string => `${round(b.cpuMs / (SMALL_FILES / 1000))} ms/1000 files`;
  const name = `${SMALL_FILES} × 4 KiB`;
  record(`${name} raw TCP copy`, rate(best.raw), 'files/s', undefined, cpu(best.raw));
  const engineName = `${name} engine (fsync each file)`;
  record(engineName, rate(best.engine), 'files/s', rate(best.raw), cpu(best.engine));
  const noSyncName = `${name} engine, fsync off`;
  record(noSyncName, rate(best.noSync), 'files/s', rate(best.raw), cpu(best.noSync));
  record(`${SMALL_FILES} files: building the offer (hashing each)`, offer, 'ms');
  await pair.stop();
  await noSync.stop();
  rmSync(src, { recursive: true, force: true });
}

async function benchLanes(root: string): Promise<void> {
  smallTree(root, SWEEP_FILES);
  const src = join(root, 'small');
  for (const lanes of [1, 2, 4, 8]) {
    for (const maxRequests of [8, 32]) {
      const pair = await new Pair(root, `lanes-${lanes}-${maxRequests}`, {
        lanes,
        maxRequests,
      }).start();
      let best = Infinity;
      for (let r = 0; r < ROUNDS; r += 1)
        best = Math.min(best, (await pair.engine([src], fresh(root, 'dst'))).ms);
      record(
        `${SWEEP_FILES} files, ${lanes} lanes × ${maxRequests} requests`,
        SWEEP_FILES / (best / 1000),
        'files/s',
      );
      await pair.stop();
    }
  }
  rmSync(join(root, 'dst'), { recursive: true, force: true });
  rmSync(src, { recursive: true, force: true });
}

async function benchV2(root: string): Promise<void> {
  const src = join(root, 'big.bin');
  bigFile(src, BIG_BYTES);
  const pair = await new V2Pair(root, 'v2').start();
  const best = { raw: none(), lanes: none() };
  let peak = { sender: 0, receiver: 0 };
  const idle = { sender: rssOf(pair.sender.pid), receiver: rssOf(pair.receiver.pid) };
  const sample = (): void => {
    peak = {
      sender: Math.max(peak.sender, rssOf(pair.sender.pid) - idle.sender),
      receiver: Math.max(peak.receiver, rssOf(pair.receiver.pid) - idle.receiver),
    };
  };
  const big: RawFile[] = [{ path: src, rel: 'big.bin', size: BIG_BYTES }];
  for (let r = 0; r < ROUNDS; r += 1) {
    keep(best.raw, await pair.measured(() => pair.raw(big, fresh(root, 'dst'))));
    keep(
      best.lanes,
      await pair.measured(async () => (await pair.engine([src], fresh(root, 'dst'), sample)).ms),
    );
  }
  rmSync(join(root, 'dst'), { recursive: true, force: true });
  const gib = BIG_BYTES / 2 ** 30;
  const rate = (b: Best): number => BIG_BYTES / MIB / (b.ms / 1000);
  const cpu = (b: Best): string => `${round(b.cpuMs / 1000 / gib)} s/GiB`;
  const name = `${BIG_BYTES / MIB} MiB`;
  const raw = rate(best.raw);
  record(`${name} raw TCP copy between the two v2 nodes`, raw, 'MiB/s', undefined, cpu(best.raw));
  record(
    `${name} v2 nodes: sealed lanes, verified (fsync at the end)`,
    rate(best.lanes),
    'MiB/s',
    raw,
    cpu(best.lanes),
  );
  record('peak RSS above idle, v2 sender', peak.sender / MIB, 'MiB');
  record('peak RSS above idle, v2 receiver', peak.receiver / MIB, 'MiB');
  await pair.stop();
  rmSync(src, { force: true });
}

async function main(): Promise<void> {
  const fs = statfsSync(tmpdir());
  const free = fs.bavail * fs.bsize;
  const need = 2 * BIG_BYTES + 256 * MIB;
  if (free < need)
    throw new Error(`${tmpdir()} has ${free} bytes free, the benchmark needs ${need}`);
  const root = mkdtempSync(join(tmpdir(), 'pc-files-bench-'));
  const started = performance.now();
  try {
    if (sections.has('big')) await benchBig(root);
    if (sections.has('small')) await benchSmall(root);
    if (sections.has('lanes')) await benchLanes(root);
    if (sections.has('v2')) await benchV2(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nPacketChat files benchmark: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux ${release()}, Node ${process.versions.node}, best of ${ROUNDS}, ${round(seconds)} s\n`,
  );
  console.log(table(['figure', 'value', 'of raw', 'CPU, both ends'], rows));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ at: new Date().toISOString(), seconds: round(seconds), results, figures }, null, 2)}\n`,
  );
}

await main();

/**
 * Where the time goes: runs one benchmark with both worker processes under `--cpu-prof`, then
 * prints each process's functions by self time (ours first), so a slow figure points at code.
 *
 *   tsx test/bench/profile.ts rtt|stream|stream-stored|stream-received|tcp|ui [--keep] [--cpu-only]
 *     [--steady]   (profile only the measured messages, after a warm-up of a fifth as many)
 *     [--alloc]    (no CPU profiler: after the same warm-up, the bytes each side allocates per
 *                   message and where, from V8's sampling heap profiler, collected objects too)
 *   tsx test/bench/profile.ts ui [--quick] [--trace-only]
 *   tsx test/bench/profile.ts discovery [--nodes=50]   (4 processes, as the bench's section)
 *   tsx test/bench/profile.ts rtt|tcp --trace [--store] [--count=N]
 *
 * Each side's CPU time per message (user + system, start-up excluded) is printed first; with
 * --cpu-only the processes run without the profiler and only that is printed (steadier than
 * wall-clock figures on a loaded machine).
 *
 * With --trace there is no profiler: the critical path of one message is printed stage by stage
 * (critical-path.ts), median µs from sendText() and from the stage before (named in "step since"),
 * with that step's p99, both processes on one clock; then the slowest 1 % of the round trips: each
 * stage's median step within them, in how many of them it was the stage furthest above its
 * median, and the garbage collections and timer callbacks they overlapped. Then the same for the
 * raw baseline. --store gives both nodes SQLite storage.
 *
 * Loopback only; the profiles go to a temporary folder (kept with --keep).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_TEXT_BYTES } from '../../shared/protocol/constants';
import { testPorts } from '../helpers/ports';
import { stages, tail, type Tail } from './critical-path';
import { BENCH_TEXT, discovery, wireSizes } from './net-bench';
import { round, table } from './stats';
import { withWorkers } from './worker-pool';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    keep: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    'cpu-only': { type: 'boolean', default: false },
    steady: { type: 'boolean', default: false },
    alloc: { type: 'boolean', default: false },
    nodes: { type: 'string', default: '50' },
    quick: { type: 'boolean', default: false },
    'trace-only': { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    store: { type: 'boolean', default: false },
    count: { type: 'string' },
  },
});
const what = positionals[0] ?? 'rtt';
const dir = mkdtempSync(join(tmpdir(), 'packetchat-prof-'));
const NO_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };

if (what === 'ui') {
  // The renderer in Chromium: profiled through the DevTools protocol inside ui-bench.ts.
  const { uiBench } = await import('./ui-bench');
  // --quick: 500 contacts and 10,000 messages, as `run.ts --quick`; --trace-only: no JavaScript
  // profiler (its sampling inflates the page's times), the trace alone.
  const result = await uiBench({
    quick: values.quick,
    profile: true,
    traceOnly: values['trace-only'],
  });
  for (const f of result.figures)
    console.log(`  ${f.figure}: ${f.value} ${f.unit} (x${f.factor}); ${f.note ?? ''}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// --steady: the profiler runs only while the measured messages go (after a warm-up), started
// inside each worker, so start-up and compilation stay out of the figures.
const profiling =
  values['cpu-only'] || values.trace || values.steady || values.alloc
    ? []
    : ['--cpu-prof', `--cpu-prof-dir=${dir}`];

if (what === 'discovery') {
  const r = await discovery(Number(values.nodes), 4, profiling);
  console.log(
    `${r.nodes} nodes all see each other: ${round(r.nodeMs)} ms (raw ${round(r.rawMs)} ms); CPU of the 4 processes while the nodes met: ${r.cpuMs.map((ms) => round(ms)).join(', ')} ms`,
  );
} else if (values.trace) {
  await tracePath();
} else {
  await pairProfile();
}

/** The critical path of one message and of the raw baseline's round trip, stage by stage. */
async function tracePath(): Promise<void> {
  await withWorkers(['sender', 'receiver'], async ([a, b]) => {
    const tcp = what === 'tcp';
    const ports = testPorts();
    const options = values.store ? { store: true } : {};
    const na = await a!.call('startNode', { ...ports, ...options });
    const nb = await b!.call('startNode', {
      ...ports,
      clientPort: ports.clientPort + 100,
      ...options,
    });
    await a!.call('addPeer', `127.0.0.1:${nb.clientPort}`);
    await Promise.all([a!.call('waitPeer', nb.id, 10_000), b!.call('waitPeer', na.id, 10_000)]);
    const text = tcp ? 'a'.repeat(MAX_TEXT_BYTES) : BENCH_TEXT;
    const count = Number(values.count ?? (tcp ? 200 : 2_000));
    const wire = wireSizes(text);
    await Promise.all([a!.call('traceStart'), b!.call('traceStart')]);
    const run = async (title: string, start: string, go: () => Promise<unknown>): Promise<void> => {
      await go(); // warm-up, not counted
      await Promise.all([a!.call('traceTake'), b!.call('traceTake')]);
      await go();
      const [ta, tb] = await Promise.all([a!.call('traceTake'), b!.call('traceTake')]);
      const sides = [
        { side: 'S', marks: ta.marks, spans: ta.spans },
        { side: 'R', marks: tb.marks, spans: tb.spans },
      ];
      const rows = stages(sides, start);
      console.log(`\n${title} (${count} round trips; S sender, R receiver; µs, medians)`);
      console.log(
        table(
          ['stage', 'at', 'step', 'rounds', 'step since', 'step p99'],
          rows.map((r) => [
            r.stage,
            String(round(r.at)),
            String(round(r.step)),
            String(r.rounds),
            r.from,
            String(round(r.stepP99)),
          ]),
        ),
      );
      printTail(tail(sides, sides, start));
    };
    await run(`PacketChat ${what}${values.store ? ', both ends storing' : ''}`, 'sendText', () =>
      a!.call('nodeRtt', nb.id, count, text),
    );
    if (tcp) {
      const echo = await b!.call('startTcpEcho', wire.response);
      await run('raw TCP, same frame', 'tcp write', () =>
        a!.call('rawTcp', echo, count, wire.request),
      );
    } else {
      const echo = await b!.call('startEcho', wire.response, false);
      await run('raw node:dgram ping-pong', 'sendto', () =>
        a!.call('rawRtt', echo, count, wire.request),
      );
    }
  });
}

/** The slowest 1 % of the round trips, stage by stage, and what ran beside them. */
function printTail(t: Tail): void {
  console.log(
    `\nslowest ${t.slowest} of ${t.rounds} round trips (${round(t.threshold)} to ${round(t.longest)} µs; median of all ${round(t.median)} µs)`,
  );
  console.log(
    table(
      ['stage', 'step', 'step in the slowest', 'rounds', 'furthest above its median in'],
      t.rows
        .filter((r) => r.rounds > 0)
        .map((r) => [
          r.stage,
          String(round(r.step)),
          String(round(r.tailStep)),
          String(r.rounds),
          r.worst === 0 ? '' : String(r.worst),
        ]),
    ),
  );
  const all = new Map(t.besideAll.map((b) => [b.what, b.rounds]));
  console.log(
    t.beside.length === 0
      ? 'beside the slowest: no garbage collection, no timer callback'
      : `beside the slowest (of ${t.slowest}; of all ${t.rounds}): ${t.beside
          .map(
            (b) =>
              `${b.what} in ${b.rounds} (${String(all.get(b.what) ?? 0)}), ${round(b.micros / b.rounds)} µs of it inside them`,
          )
          .join('; ')}`,
  );
}

async function pairProfile(): Promise<void> {
  await withWorkers(
    ['sender', 'receiver'],
    async ([a, b]) => {
      const ports = testPorts();
      const options = {
        ...(what === 'rtt' ? {} : { rateLimit: NO_LIMIT }),
        ...(what === 'stream-stored' ? { store: true } : {}),
      };
      // stream-received: only the receiver stores, so its own writes (group commit) show alone.
      const na = await a!.call('startNode', {
        ...ports,
        ...options,
        ...(what === 'stream-received' ? { rateLimit: NO_LIMIT } : {}),
      });
      const nb = await b!.call('startNode', {
        ...ports,
        clientPort: ports.clientPort + 100,
        ...options,
        ...(what === 'stream-received' ? { store: true } : {}),
      });
      await a!.call('addPeer', `127.0.0.1:${nb.clientPort}`);
      await Promise.all([a!.call('waitPeer', nb.id, 10_000), b!.call('waitPeer', na.id, 10_000)]);
      const cpu = () => Promise.all([a!.call('cpuAndWire'), b!.call('cpuAndWire')]);
      const count =
        what === 'rtt' ? 5_000 : what === 'tcp' ? 500 : what === 'stream' ? 30_000 : 3_000;
      const warm = values.steady || values.alloc;
      if (warm) {
        if (what === 'rtt' || what === 'tcp')
          await a!.call(
            'nodeRtt',
            nb.id,
            count / 5,
            what === 'rtt' ? BENCH_TEXT : 'a'.repeat(MAX_TEXT_BYTES),
          );
        else await a!.call('nodeStream', nb.id, count / 5, BENCH_TEXT, 128);
        if (values.steady) await Promise.all([a!.call('profileStart'), b!.call('profileStart')]);
        else
          await Promise.all([
            a!.call('allocationSampleStart'),
            b!.call('allocationSampleStart'),
            a!.call('allocationStart'),
            b!.call('allocationStart'),
          ]);
      }
      const before = await cpu();
      if (what === 'rtt') await a!.call('nodeRtt', nb.id, count, BENCH_TEXT);
      else if (what === 'tcp') await a!.call('nodeRtt', nb.id, count, 'a'.repeat(MAX_TEXT_BYTES));
      else await a!.call('nodeStream', nb.id, count, BENCH_TEXT, 128);
      const after = await cpu();
      const allocated = values.alloc
        ? await Promise.all([a!.call('allocated'), b!.call('allocated')])
        : undefined;
      if (values.alloc)
        await Promise.all([
          a!.call('allocationSampleStop', join(dir, 'sender.heapprofile')),
          b!.call('allocationSampleStop', join(dir, 'receiver.heapprofile')),
        ]);
      if (values.steady)
        await Promise.all([
          a!.call('profileStop', join(dir, 'sender.cpuprofile')),
          b!.call('profileStop', join(dir, 'receiver.cpuprofile')),
        ]);
      const per = (
        i: 0 | 1,
        key:
          | 'user'
          | 'system'
          | 'gcCount'
          | 'gcMajor'
          | 'gcPause'
          | 'runDelay'
          | 'datagramsSent'
          | 'bytesSent',
      ) => (after[i][key] - before[i][key]) / count;
      const side = (i: 0 | 1) => round(per(i, 'user') + per(i, 'system'));
      console.log(
        `CPU per message (${count} messages): sender ${side(0)} µs, receiver ${side(1)} µs`,
      );
      for (const [i, name] of [
        [0, 'sender'],
        [1, 'receiver'],
      ] as const) {
        console.log(
          `  ${name}: user ${round(per(i, 'user'))} µs, system ${round(per(i, 'system'))} µs, ` +
            `waiting for a CPU ${round(per(i, 'runDelay'))} µs; ` +
            `${round(per(i, 'datagramsSent'))} datagrams and ${round(per(i, 'bytesSent'))} bytes sent per message` +
            `, ${after[i].retransmitted - before[i].retransmitted} retransmitted; ` +
            `${round(per(i, 'gcCount') * 1_000)} garbage collections per 1,000 messages ` +
            `(${round(per(i, 'gcMajor') * 1_000)} of them major), ` +
            `${round(per(i, 'gcPause'))} µs of their pauses per message` +
            (allocated === undefined
              ? ''
              : `; ${round(allocated[i] / count)} bytes allocated on the V8 heap per message`),
        );
      }
    },
    profiling,
  );
}

const frameName = (frame: ProfileNode['callFrame']): string => {
  const file = frame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  // tsx-compiled files report line 1; the function name and file are what identify them.
  return `${frame.functionName || '(anonymous)'} ${file}${file.endsWith('.ts') ? '' : `:${frame.lineNumber + 1}`}`;
};

/**
 * Self time per function (ms), and inclusive time of the project's own functions (time with the
 * function anywhere on the stack, counted once per sample), from a .cpuprofile.
 */
function times(profile: CpuProfile): {
  total: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const interval = (profile.endTime - profile.startTime) / 1_000 / profile.samples.length;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + interval);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || !/\/(electron|shared)\//.test(frame.url)) continue;
      const key = frameName(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + interval);
    }
  }
  return { total: profile.samples.length * interval, self, inclusive };
}

interface HeapNode {
  readonly callFrame: ProfileNode['callFrame'];
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

/** Bytes allocated per function (self) in a sampling heap profile, largest first. */
for (const file of readdirSync(dir).filter((f) => f.endsWith('.heapprofile'))) {
  const { head } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { head: HeapNode };
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(head);
  const top = [...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top));
  console.log(`\n=== ${file}: ${round(total / 1_024)} KiB sampled (allocated, collected or not)`);
  console.log(
    table(
      ['KiB', '%', 'function'],
      top.map(([k, bytes]) => [
        String(round(bytes / 1_024)),
        String(round((100 * bytes) / total)),
        k,
      ]),
    ),
  );
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const { total, self, inclusive } = times(profile);
  const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)'));
  const busy = total - idle.reduce((sum, [, ms]) => sum + ms, 0);
  const show = (title: string, rows: Map<string, number>): void => {
    const top = [...rows.entries()]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((x, y) => y[1] - x[1])
      .slice(0, Number(values.top));
    console.log(`\n${title}`);
    console.log(
      table(
        ['ms', '% of busy', 'function'],
        top.map(([k, ms]) => [String(round(ms)), String(round((100 * ms) / busy)), k]),
      ),
    );
  };
  console.log(`\n=== ${file}: ${round(total)} ms sampled, ${round(busy)} ms busy`);
  show('self time', self);
  show('inclusive time, electron/ and shared/ functions', inclusive);
}
if (values.keep) console.log(`\nprofiles kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });

/**
 * `npm run bench`: every PacketChat figure next to its baseline, measured in the same run.
 * Prints a table and writes JSON (default test/bench/results/latest.json).
 *
 *   tsx test/bench/run.ts [--quick]
 *     [--only=rtt,protocol,crypto,stream,tcp,paths,scaling,discovery,memory,storage,ui,
 *             scaling-open,cli,groups,relay,files]
 *                         [--relay-nodes=N] [--files-mib=N] [--scaling-peers=1,10,100,1000]
 *                         [--out=path.json] [--compare=earlier.json]
 *
 * Loopback only. Each figure runs in fresh worker processes that are stopped afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { cliLongIdle, cliStartup } from './cli-bench';
import { groupFanOut } from './group-bench';
import { compareFigures, comparisonTable, readResults } from './compare';
import { cryptoFigures } from './crypto-bench';
import type { FilesFigure } from './files-bench';
import { pathsBench } from './paths-bench';
import { protocolCost, V1_COMMIT } from './protocol-bench';
import {
  discovery,
  memory,
  roundTrip,
  scaling,
  tcpTransfer,
  throughput,
  type Sizes,
} from './net-bench';
import { round, table, type Figure } from './stats';
import { withWorkers } from './worker-pool';
import type { StorageResult } from './storage-bench';

const SECTIONS = [
  'rtt',
  'protocol',
  'crypto',
  'stream',
  'tcp',
  'paths',
  'scaling',
  'discovery',
  'memory',
  'storage',
  'ui',
  'scaling-open',
  'cli',
  'groups',
  'relay',
  'files',
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: 'test/bench/results/latest.json' },
    /** Simulated nodes on the relay's broker (docs/BENCHMARKS.md): 1,000 by default. */
    'relay-nodes': { type: 'string' },
    /** The files section's big file in MiB (default 1024, --quick 256): a short run. */
    'files-mib': { type: 'string' },
    /** Peer counts of the scaling rows (default 1,10,100,1000; --quick: 1,10,100). */
    'scaling-peers': { type: 'string' },
    compare: { type: 'string' },
  },
});
const quick = values.quick;
const only = new Set((values.only ?? SECTIONS.join(',')).split(',') as Section[]);
const sizes: Sizes = { count: (full) => (quick ? Math.max(1, Math.ceil(full / 10)) : full) };

const figures: Figure[] = [];
const details: Record<string, unknown> = {};

function time(
  section: string,
  figure: string,
  value: number,
  baseline: string,
  baselineValue: number,
  note?: string,
): void {
  add(section, figure, 'ms', value, baseline, baselineValue, value / baselineValue, note);
}

function rate(
  section: string,
  figure: string,
  value: number,
  baseline: string,
  baselineValue: number,
  note?: string,
): void {
  add(section, figure, '/s', value, baseline, baselineValue, baselineValue / value, note);
}

function add(
  section: string,
  figure: string,
  unit: string,
  value: number,
  baseline: string,
  baselineValue: number,
  factor: number,
  note?: string,
): void {
  const row: Figure = {
    section,
    figure,
    unit,
    value: round(value),
    baseline,
    baselineValue: round(baselineValue),
    factor: round(factor),
    ...(note === undefined ? {} : { note }),
  };
  figures.push(row);
  console.log(
    `  ${figure}: ${row.value} ${unit}  (${baseline}: ${row.baselineValue} ${unit}, x${row.factor})`,
  );
}

async function runSection(name: Section, fn: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  console.log(`\n[${name}]`);
  const started = performance.now();
  try {
    await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`  FAILED: ${message}`);
    details[`${name}Error`] = message;
    process.exitCode = 1;
  }
  console.log(`  (${((performance.now() - started) / 1_000).toFixed(1)} s)`);
}

async function main(): Promise<void> {
  const began = new Date();
  // Read first: a wrong path fails before minutes of measuring, not after.
  const earlier = values.compare === undefined ? undefined : readResults(resolve(values.compare));
  console.log(`PacketChat benchmarks${quick ? ' (quick: a tenth of the samples)' : ''}`);

  await runSection('rtt', async () => {
    const r = await roundTrip(sizes);
    details['rtt'] = r;
    const base = 'raw node:dgram ping-pong, same processes';
    time('latency', 'message-to-ack RTT p50', r.node.p50, base, r.raw.p50);
    time('latency', 'message-to-ack RTT p99', r.node.p99, base, r.raw.p99);
  });

  await runSection('protocol', async () => {
    const r = await protocolCost(sizes);
    details['protocol'] = r;
    const v1 = `protocol v1 (git ${V1_COMMIT}), same run`;
    if (r.v1 === undefined) console.log(`  v1 skipped: ${r.v1Skipped ?? ''}`);
    else {
      time('protocol', 'v2 message-to-ack RTT p50', r.v2.p50, v1, r.v1.p50);
      time('protocol', 'v2 message-to-ack RTT p99', r.v2.p99, v1, r.v1.p99);
      if (r.rate.v1 !== undefined)
        rate('protocol', 'v2 acked msgs/s (limit lifted)', r.rate.v2, v1, r.rate.v1);
    }
    const plain = 'v2 with a null cipher (AES-GCM replaced by a copy)';
    time('protocol', 'v2 RTT p50: the cipher alone', r.v2.p50, plain, r.v2NullCipher.p50);
    rate('protocol', 'v2 acked msgs/s: the cipher alone', r.rate.v2, plain, r.rate.v2NullCipher);
    time(
      'protocol',
      'v2 message-to-ack RTT p50 vs raw',
      r.v2.p50,
      'raw node:dgram ping-pong, sealed sizes',
      r.raw.p50,
    );
  });

  await runSection('crypto', () => {
    const r = cryptoFigures(quick);
    details['crypto'] = r;
    for (const x of r.records) {
      const base = 'bare AES-256-GCM (createCipheriv, KeyObject)';
      rate('crypto', `seal ${x.size}-byte records/s`, x.seal, base, x.rawSeal);
      rate('crypto', `open ${x.size}-byte records/s`, x.open, base, x.rawOpen);
    }
    time(
      'crypto',
      'Noise XX handshake, both sides, p50',
      r.handshake.p50,
      'its X25519 work alone (2 key pairs, 6 DH)',
      r.handshake.rawP50,
      `p99 ${round(r.handshake.p99)} ms`,
    );
    return Promise.resolve();
  });

  await runSection('stream', async () => {
    const r = await throughput(sizes);
    details['stream'] = r;
    const base = `raw UDP request/response, ${r.raw.window} outstanding`;
    rate(
      'throughput',
      'acked msgs/s, node as shipped',
      r.nodeShipped.perSecond,
      base,
      r.raw.perSecond,
      `rate limits (400/s per unknown source, 20,000/s per session host) dropped ${r.nodeShipped.rateLimited}; ${r.nodeShipped.retransmitted} retransmissions`,
    );
    rate(
      'throughput',
      'acked msgs/s, per-source limit lifted',
      r.nodeUnlimited.perSecond,
      base,
      r.raw.perSecond,
      `${r.nodeUnlimited.retransmitted} retransmissions`,
    );
    rate(
      'throughput',
      'acked + stored msgs/s (SQLite both ends)',
      r.nodeStored.perSecond,
      'raw UDP request/response + SQLite insert per request (FULL)',
      r.rawStored.perSecond,
      `limit lifted; received texts stored by ${r.nodeStored.storedBy}`,
    );
  });

  await runSection('tcp', async () => {
    const r = await tcpTransfer(sizes);
    details['tcp'] = r;
    const base = `raw TCP, same ${r.bytes}-byte frame, one connection`;
    time('tcp', '64 KiB message over TCP p50', r.node.p50, base, r.raw.p50);
    time('tcp', '64 KiB message over TCP p99', r.node.p99, base, r.raw.p99);
    time(
      'tcp',
      '64 KiB, first message (connects)',
      r.node.first,
      'raw TCP connect + first transfer',
      r.raw.connectMs + r.raw.first,
    );
  });

  await runSection('paths', async () => {
    const r = await pathsBench(quick);
    details['paths'] = r;
    if ('skipped' in r) {
      console.log(`  skipped: ${r.skipped}`);
      return;
    }
    const goal = (ms: number): string => `goal: ${ms.toLocaleString('en')} ms`;
    time(
      'paths',
      'UDP blocked, TCP open: first message delivered',
      r.udpBlocked.firstMs,
      goal(2_000),
      2_000,
      'own network namespace, nftables drops UDP',
    );
    time(
      'paths',
      'UDP blocked: later messages p50',
      r.udpBlocked.laterP50Ms,
      'same pair before the block, over UDP, p50 (goal x2)',
      r.udpBlocked.nodeUdpP50Ms,
      `over ${r.udpBlocked.laterTransport}; raw TCP ping-pong in one process ${round(r.udpBlocked.rawTcpP50Ms)} ms; back on UDP ${r.udpBlocked.backToUdpMs === null ? 'not within 5 s' : `${round(r.udpBlocked.backToUdpMs)} ms`} after the unblock`,
    );
    time(
      'paths',
      `partition healed: first to all ${r.partition.messages} pending delivered`,
      Math.max(r.partition.firstToAllMs, 0.001),
      goal(2_000),
      2_000,
      `${r.partition.partitionMs / 1_000} s partition; heal to first delivered ${round(r.partition.healToFirstMs)} ms, to all ${round(r.partition.healToAllMs)} ms`,
    );
    time(
      'paths',
      'crashed peer shown "not responding" after a message',
      r.notResponding.ms,
      goal(3_000),
      3_000,
      'peer traffic dropped by nftables',
    );
  });

  await runSection('scaling', async () => {
    const counts =
      scalingPeers(values['scaling-peers']) ?? (quick ? [1, 10, 100] : [1, 10, 100, 1_000]);
    const rows = await scaling(counts, sizes);
    details['scaling'] = rows;
    const one = rows[0];
    if (one === undefined) return;
    for (const row of rows) {
      const n = `${row.peers.toLocaleString('en')} peer${row.peers === 1 ? '' : 's'}`;
      const note = `${row.rtt.samples} messages to each peer in turn; meeting all took ${round(row.meetMs)} ms`;
      time('scaling', `RTT p50, ${n}`, row.rtt.p50, 'same, 1 peer', one.rtt.p50, note);
      time('scaling', `RTT p99, ${n}`, row.rtt.p99, 'same, 1 peer', one.rtt.p99);
      add(
        'scaling',
        `sender CPU per message, ${n}`,
        'µs',
        row.cpuUsPerMessage,
        'same, 1 peer',
        one.cpuUsPerMessage,
        row.cpuUsPerMessage / one.cpuUsPerMessage,
      );
    }
  });

  await runSection('discovery', async () => {
    for (const total of quick ? [50] : [50, 200]) {
      const r = await discovery(total, 4);
      details[`discovery${total}`] = r;
      time(
        'discovery',
        `${total} nodes all see each other`,
        r.nodeMs,
        'raw broadcast hello + immediate unicast reply',
        r.rawMs,
        `4 processes, one loopback address per node, announces by unicast to every node; each pair completes a Noise XX handshake; announce replies wait 0-250 ms by design; binding took ${round(r.nodeBoundMs)} ms; CPU per process ${r.cpuMs.map((ms) => round(ms / 1000)).join(', ')} s; datagrams dropped by full socket buffers: ${r.droppedDatagrams ?? 'unknown'}`,
      );
    }
  });

  await runSection('memory', async () => {
    const r = await memory(200);
    details['memory'] = r;
    add(
      'memory',
      'RSS, idle node',
      'MiB',
      r.idleNodeMb,
      'same process before the node started',
      r.emptyProcessMb,
      r.idleNodeMb / r.emptyProcessMb,
      `heap ${round(r.heapIdleMb)} MiB`,
    );
    add(
      'memory',
      `RSS, node holding ${r.peers} peers`,
      'MiB',
      r.withPeersMb,
      'idle node',
      r.idleNodeMb,
      r.withPeersMb / r.idleNodeMb,
      `heap ${round(r.heapWithPeersMb)} MiB; each peer sent one text`,
    );
  });

  await runSection('storage', async () => {
    const r: StorageResult = await withWorkers(['storage'], ([w]) =>
      w!.call('storage', {
        messages: quick ? 10_000 : 100_000,
        durable: quick ? 400 : 2_000,
      }),
    );
    details['storage'] = r;
    const base = 'raw node:sqlite, same pragmas (WAL, FULL)';
    rate(
      'storage',
      'received msgs stored/s, one transaction each',
      r.durable.store,
      base,
      r.durable.raw,
      `the disk's write+fsync ceiling: ${round(r.durable.fsyncOnly)}/s`,
    );
    rate('storage', 'msgs stored/s, 1,000 per transaction', r.batched.store, base, r.batched.raw);
    const n = r.messages.toLocaleString('en');
    time('storage', `newest 50 of ${n} p50`, r.newestPage.store.p50, base, r.newestPage.raw.p50);
    time(
      'storage',
      `50 from the middle of ${n} p50`,
      r.middlePage.store.p50,
      base,
      r.middlePage.raw.p50,
    );
    time(
      'storage',
      `search ${n}, word in 1 % p50`,
      r.searchCommon.store.p50,
      'raw FTS5 trigram',
      r.searchCommon.raw.p50,
      `${r.searchCommon.hits} hits (limit 50)`,
    );
    time(
      'storage',
      `search ${n}, word in one message p50`,
      r.searchRare.store.p50,
      'raw FTS5 trigram',
      r.searchRare.raw.p50,
    );
    time(
      'storage',
      `search ${n}, 2-character query p50`,
      r.searchShort.store.p50,
      'raw LIKE scan',
      r.searchShort.raw.p50,
      'shorter than a trigram: a scan',
    );
  });

  await runSection('ui', async () => {
    const { uiBench } = await import('./ui-bench');
    const r = await uiBench({ quick });
    details['ui'] = r;
    for (const f of r.figures) figures.push(f);
    for (const f of r.figures)
      console.log(`  ${f.figure}: ${f.value} ${f.unit} (${f.baseline}: ${f.baselineValue})`);
  });

  // The scaling view's second half (section `scaling` is the first), after the UI: opening
  // conversations of growing size, the store's read and the app's first paint.
  await runSection('scaling-open', async () => {
    const { scalingBench } = await import('./scaling-bench');
    const r = await scalingBench({ quick });
    details['scalingOpen'] = r.rows;
    for (const f of r.figures) {
      figures.push(f);
      console.log(
        `  ${f.figure}: ${f.value} ${f.unit} (${f.baseline}: ${f.baselineValue}, x${f.factor})`,
      );
    }
  });

  /** When the node left idle is sampled, ms after its ready line. */
  const LONG_IDLE_SAMPLES_MS = [3_000, 60_000, 120_000, 180_000, 240_000, 300_000];
  await runSection('cli', async () => {
    // A node left idle for five minutes, started first and sampled while the start-ups run (not in
    // --quick: it would add minutes).
    const longIdle = quick ? undefined : cliLongIdle(LONG_IDLE_SAMPLES_MS);
    const r = await cliStartup({ runs: quick ? 3 : 10, idleMs: 3_000 });
    details['cli'] = r;
    const range = (s: { min: number; max: number }, unit: string) =>
      `${r.runs} runs, range ${round(s.min)}-${round(s.max)} ${unit}`;
    const bare = r.modes.bare;
    const startup = 'bare node: start, print one line';
    for (const [mode, what] of [
      ['bundle', 'built JS (node dist-cli/packet-chat.js)'],
      ['bin', 'bin/packet-chat.js (npx packet-chat)'],
      ['tsx', 'same sources through tsx (before the bundle)'],
    ] as const) {
      const m = r.modes[mode];
      time(
        'cli',
        `start-up to ready, ${what}, median`,
        m.startupMs.median,
        startup,
        bare.startupMs.median,
        range(m.startupMs, 'ms'),
      );
    }
    for (const [mode, what] of [
      ['bundle', 'built JS'],
      ['tsx', 'through tsx (before)'],
    ] as const) {
      const m = r.modes[mode];
      add(
        'cli',
        `idle RSS ${r.idleMs / 1_000} s after ready, ${what}, median`,
        'MiB',
        m.rssMb.median,
        'bare node, idle',
        bare.rssMb.median,
        m.rssMb.median / bare.rssMb.median,
        range(m.rssMb, 'MiB'),
      );
    }
    const long = await longIdle;
    if (long !== undefined) {
      details['cliLongIdle'] = long;
      const i = long.atMs.length - 1;
      const series = long.atMs
        .map((at, k) => `${round(at / 1_000)} s ${round(long.bundleMb[k]!)}`)
        .join(', ');
      add(
        'cli',
        `idle RSS ${round(long.atMs[i]! / 1_000)} s after ready, built JS (one node left idle)`,
        'MiB',
        long.bundleMb[i]!,
        'bare node, idle as long',
        long.bareMb[i]!,
        long.bundleMb[i]! / long.bareMb[i]!,
        `detail; the goal is judged on the row above. MiB after ready: ${series}`,
      );
    }
  });

  await runSection('groups', async () => {
    const r = await groupFanOut(sizes);
    details['groups'] = r;
    const raw = `${r.members} raw unicast datagrams from one socket, each answered`;
    const note = `${round(r.datagramsSentPerMessage)} datagrams sent and ${round(r.datagramsReceivedPerMessage)} received per message; ${r.retransmitted} retransmissions`;
    time(
      'groups',
      `message to ${r.members} members, all acked p50`,
      r.group.p50,
      raw,
      r.raw.p50,
      note,
    );
    time('groups', `message to ${r.members} members, all acked p99`, r.group.p99, raw, r.raw.p99);
    time(
      'groups',
      `same text as ${r.members} one-to-one messages p50`,
      r.unicast.p50,
      raw,
      r.raw.p50,
      'a multi-send from the same node',
    );
    time(
      'groups',
      `same text as ${r.members} one-to-one messages p99`,
      r.unicast.p99,
      raw,
      r.raw.p99,
    );
  });

  await runSection('files', async () => {
    // test/bench/files-bench.ts in its own process (its two ends are child processes of it): the
    // engine against a raw TCP copy between the same two processes, and the same file between two
    // real v2 nodes (sealed lanes) against a raw copy between those two. Quick: 256 MiB and 2,000
    // files, one round; full: 1 GiB and 10,000 files, one round (its own script runs three).
    const dir = mkdtempSync(join(tmpdir(), 'pc-bench-files-'));
    try {
      const out = join(dir, 'files.json');
      await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          resolve(import.meta.dirname, 'files-bench.ts'),
          ...(quick ? ['--quick'] : []),
          ...(values['files-mib'] === undefined ? [] : [`--big-mib=${values['files-mib']}`]),
          '--rounds=1',
          '--only=big,small,v2',
          `--out=${out}`,
        ],
        { timeout: 1_800_000, maxBuffer: 1 << 22 },
      );
      const { figures: rows } = JSON.parse(readFileSync(out, 'utf8')) as {
        figures: FilesFigure[];
      };
      details['files'] = rows;
      const raw = 'raw TCP copy, same two processes';
      for (const row of rows) {
        if (row.baseline !== undefined)
          add(
            'files',
            row.figure,
            row.unit,
            row.value,
            raw,
            row.baseline,
            row.baseline / row.value,
          );
        else if (row.unit === 'MiB')
          add('files', row.figure, 'MiB', row.value, 'goal: under', 150, row.value / 150);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  await runSection('relay', async () => {
    const { relayBench } = await import('./relay-bench');
    const nodes = Number(values['relay-nodes'] ?? (quick ? 200 : 1_000));
    if (!Number.isInteger(nodes) || nodes < 10) throw new Error(`bad --relay-nodes: ${nodes}`);
    const r = await relayBench({
      nodes,
      contacts: 10,
      messages: quick ? 200 : 1_000,
      perSecond: 100,
    });
    details['relay'] = r;
    const n = nodes.toLocaleString('en');
    const crowd = `${n} nodes, ${r.contacts} contacts each, ${r.workers} worker processes`;
    time(
      'relay',
      `${n} nodes: a real relay client sees every presence online`,
      r.presence.relayMs,
      'bare MQTT.js subscriber to every presence, same run',
      r.presence.observerMs,
      `${crowd} (raw MQTT 5 sockets, mqtt-packet); every simulated node saw its contacts in ${round(r.presence.swarmMs)} ms; broker CPU ${round(r.presence.brokerCpuS)} s; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const rtt = `raw MQTT publish + echo, ${r.rtt.bytes} bytes, QoS 1, same broker and rate`;
    const load = `${r.rtt.perSecond} msgs/s, ${r.rtt.node.samples} messages, broker holding ${n} nodes`;
    time(
      'relay',
      'message-to-ack RTT p50 through the broker',
      r.rtt.node.p50,
      rtt,
      r.rtt.raw.p50,
      load,
    );
    time(
      'relay',
      'message-to-ack RTT p99 through the broker',
      r.rtt.node.p99,
      rtt,
      r.rtt.raw.p99,
      load,
    );
    add(
      'relay',
      `broker RSS with ${n} nodes`,
      'MiB',
      r.brokerMb.withNodes,
      'the same broker idle',
      r.brokerMb.idle,
      r.brokerMb.withNodes / r.brokerMb.idle,
      '',
    );
    time(
      'relay',
      `broker restart: all ${n} back, contacts online`,
      r.restart.backMs,
      'observer sees every presence online again',
      r.restart.observerMs,
      `from the restarted broker's start; it was down ${round(r.restart.downMs)} ms (SIGTERM saves); broker CPU ${round(r.restart.brokerCpuS)} s`,
    );
  });

  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
  const header = ['section', 'figure', 'PacketChat', 'baseline', 'baseline value', 'x', 'note'];
  const rows = figures.map((f) => [
    f.section,
    f.figure,
    `${f.value} ${f.unit}`,
    f.baseline,
    `${f.baselineValue} ${f.unit}`,
    String(f.factor),
    f.note ?? '',
  ]);
  console.log(`\n${table(header, rows)}`);
  console.log(`\nmachine: ${JSON.stringify(machine)}`);
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        command: `tsx test/bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
        started: began.toISOString(),
        seconds: round((Date.now() - began.getTime()) / 1_000),
        quick,
        machine,
        figures,
        details,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  if (earlier !== undefined && values.compare !== undefined) {
    console.log(`\ncompared with ${values.compare} (${earlier.started ?? 'undated'}):`);
    console.log(comparisonTable(compareFigures(earlier.figures, figures)));
  }
}

await main();

/** `--scaling-peers=1,1000`: the peer counts of the scaling rows, each a positive integer. */
function scalingPeers(option: string | undefined): number[] | undefined {
  if (option === undefined) return undefined;
  const counts = option.split(',').map(Number);
  if (!counts.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`--scaling-peers: positive whole numbers, not ${option}`);
  return counts;
}

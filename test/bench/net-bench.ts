/**
 * Network figures, each next to its raw baseline measured between the same two worker processes
 * in the same run. Everything runs on 127.0.0.1 (discovery: the loopback broadcast address).
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TRANSPORT_OVERHEAD_BYTES } from '../../electron/net/crypto/wire-format';
import { encodingLength } from '../../shared/protocol/codec';
import { MAX_FRAME_BYTES, MAX_TEXT_BYTES } from '../../shared/protocol/constants';
import type { AckPacket, TextPacket } from '../../shared/protocol/packets';
import { testPorts } from '../helpers/ports';
import { median, percentile } from './stats';
import { withWorkers, type Worker } from './worker-pool';
import type { StartNodeOptions } from './worker';

export interface Sizes {
  readonly count: (full: number) => number;
}

/** The chat line every latency and throughput figure sends. */
export const BENCH_TEXT = 'benchmark message: lunch at 12? 午饭十二点? 👍';
const NO_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };

/**
 * Bytes on the wire of a sealed text packet carrying `text`, and of its sealed ack (inner packet
 * plus the transport header and tag): the raw baselines send these.
 */
export function wireSizes(text: string): { request: number; response: number } {
  const from = 'f'.repeat(32);
  const text_: TextPacket = {
    kind: 'text',
    from,
    id: 'x'.repeat(12),
    epoch: 'y'.repeat(8),
    seq: 1_000,
    floor: 1_000,
    ts: Date.now(),
    text,
  };
  const ack: AckPacket = {
    kind: 'ack',
    from,
    id: 'x'.repeat(12),
    epoch: 'y'.repeat(8),
    seq: 1_000,
  };
  return {
    request: encodingLength(text_) + TRANSPORT_OVERHEAD_BYTES,
    response: encodingLength(ack) + TRANSPORT_OVERHEAD_BYTES,
  };
}

/** Starts a node on each worker and introduces them; returns their ids. */
export async function pair(
  a: Worker,
  b: Worker,
  options: Omit<StartNodeOptions, 'serverPort' | 'clientPort'> = {},
): Promise<{ a: string; b: string }> {
  await Promise.all([a.call('closeAll'), b.call('closeAll')]);
  const ports = testPorts();
  const [na, nb] = await Promise.all([
    a.call('startNode', { ...ports, ...options }),
    b.call('startNode', { ...ports, clientPort: ports.clientPort + 100, ...options }),
  ]);
  await a.call('addPeer', `127.0.0.1:${nb.clientPort}`);
  await Promise.all([a.call('waitPeer', nb.id, 10_000), b.call('waitPeer', na.id, 10_000)]);
  return { a: na.id, b: nb.id };
}

export interface LatencyResult {
  readonly node: { p50: number; p99: number; samples: number };
  readonly raw: { p50: number; p99: number; samples: number };
}

const summary = (samples: readonly number[]) => ({
  p50: median(samples),
  p99: percentile(samples, 99),
  samples: samples.length,
});

/** Message-to-ack round trip vs raw ping-pong, in alternating blocks after a warm-up. */
export async function roundTrip(sizes: Sizes): Promise<LatencyResult> {
  return withWorkers(['rtt-a', 'rtt-b'], async ([a, b]) => {
    const ids = await pair(a!, b!);
    const wire = wireSizes(BENCH_TEXT);
    const echo = await b!.call('startEcho', wire.response, false);
    await a!.call('nodeRtt', ids.b, sizes.count(300), BENCH_TEXT);
    await a!.call('rawRtt', echo, sizes.count(300), wire.request);
    const node: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      node.push(...(await a!.call('nodeRtt', ids.b, sizes.count(400), BENCH_TEXT)));
      raw.push(...(await a!.call('rawRtt', echo, sizes.count(400), wire.request)));
    }
    return { node: summary(node), raw: summary(raw) };
  });
}

interface NodeStream {
  readonly perSecond: number;
  readonly retransmitted: number;
  readonly messages: number;
  readonly rateLimited: number;
}

export interface StreamResult {
  readonly nodeShipped: NodeStream;
  readonly nodeUnlimited: NodeStream;
  readonly nodeStored: NodeStream & { readonly storedBy: string };
  readonly raw: { perSecond: number; window: number; messages: number };
  readonly rawStored: { perSecond: number; window: number; messages: number };
}

/** Sustained acknowledged (and stored) messages per second vs raw request/response. */
export async function throughput(sizes: Sizes): Promise<StreamResult> {
  return withWorkers(['stream-a', 'stream-b'], async ([a, b]) => {
    const wire = wireSizes(BENCH_TEXT);
    const window = 64; // the node's window per peer (docs/PROTOCOL.md)
    const inFlight = 2 * window; // the sender always has more queued than the window
    const n = sizes.count(4_000);
    const stream = async (options: Omit<StartNodeOptions, 'serverPort' | 'clientPort'>) => {
      const ids = await pair(a!, b!, options);
      // Warm-up as long as the run: with 500 texts the first row ("as shipped") measured a node
      // whose hot path the JIT had not compiled yet (docs/BENCHMARKS.md, fifth pass).
      await a!.call('nodeStream', ids.b, n, BENCH_TEXT, inFlight);
      const r = await a!.call('nodeStream', ids.b, n, BENCH_TEXT, inFlight);
      const receiver = await b!.call('nodeCounters');
      const sender = await a!.call('nodeCounters');
      return {
        perSecond: (n * 1_000) / r.ms,
        retransmitted: r.retransmitted,
        messages: n,
        // Both runs (warm-up included): datagrams each side's per-source limit dropped.
        rateLimited: receiver.rateLimited + sender.rateLimited,
      };
    };
    const nodeShipped = await stream({});
    const nodeUnlimited = await stream({ rateLimit: NO_LIMIT });
    const stored = await stream({ rateLimit: NO_LIMIT, store: true });
    const storedBy = await b!.call('storedBy');
    await Promise.all([a!.call('closeAll'), b!.call('closeAll')]);

    const rawRun = async (store: boolean, count: number) => {
      const echo = await b!.call('startEcho', wire.response, store);
      await a!.call('rawStream', echo, Math.min(count, 1_000), wire.request, window); // warm-up
      const r = await a!.call('rawStream', echo, count, wire.request, window);
      return { perSecond: (count * 1_000) / r.ms, window, messages: count };
    };
    const raw = await rawRun(false, sizes.count(30_000));
    const rawStored = await rawRun(true, n);
    return { nodeShipped, nodeUnlimited, nodeStored: { ...stored, storedBy }, raw, rawStored };
  });
}

export interface TcpResult {
  readonly bytes: number;
  readonly node: { first: number; p50: number; p99: number; samples: number };
  readonly raw: { connectMs: number; first: number; p50: number; p99: number; samples: number };
}

/** A 64 KiB message over the TCP fallback vs a raw length-prefixed TCP transfer of the same size. */
export async function tcpTransfer(sizes: Sizes): Promise<TcpResult> {
  return withWorkers(['tcp-a', 'tcp-b'], async ([a, b]) => {
    const ids = await pair(a!, b!, { tcp: true });
    const text = 'a'.repeat(MAX_TEXT_BYTES); // 64 KiB of UTF-8, the longest text allowed
    const wire = wireSizes(text);
    if (wire.request > MAX_FRAME_BYTES) throw new Error('64 KiB text does not fit a TCP frame');
    const count = sizes.count(60);
    const node = await a!.call('nodeRtt', ids.b, count, text);
    const echo = await b!.call('startTcpEcho', wire.response);
    const raw = await a!.call('rawTcp', echo, count, wire.request);
    const rest = (s: readonly number[]) => s.slice(1);
    return {
      bytes: wire.request,
      node: { first: node[0] ?? Number.NaN, ...summary(rest(node)) },
      raw: {
        connectMs: raw.connectMs,
        first: raw.samples[0] ?? Number.NaN,
        ...summary(rest(raw.samples)),
      },
    };
  });
}

export interface MemoryResult {
  readonly emptyProcessMb: number;
  readonly idleNodeMb: number;
  readonly withPeersMb: number;
  readonly peers: number;
  readonly heapIdleMb: number;
  readonly heapWithPeersMb: number;
}

/**
 * Resident size of a process with an idle node, then with 200 peers: real nodes in another
 * process, each on its own loopback address (protocol v2 admits 16 identities per IP), met by
 * handshake, each sent one message (so the node keeps a session and a stream for each).
 */
export async function memory(peerCount: number): Promise<MemoryResult> {
  return withWorkers(['mem-node', 'mem-peers'], async ([m, farm]) => {
    const empty = await m!.call('memory');
    const ports = testPorts();
    const peerPorts = { serverPort: ports.serverPort + 1, clientPort: ports.clientPort + 1 };
    await m!.call('startNode', { ...ports, tcp: true });
    await new Promise((r) => setTimeout(r, 1_000));
    const idle = await m!.call('memory');
    const all = await farm!.call('startPeers', { first: 0, count: peerCount, ...peerPorts });
    await m!.call('meetPeers', all, 60_000);
    await m!.call(
      'spreadRtt',
      all.map((p) => p.id),
      peerCount,
      BENCH_TEXT,
    );
    const peers = await m!.call('peerCount');
    if (peers < peerCount) throw new Error(`memory: the node sees ${peers} of ${peerCount} peers`);
    await new Promise((r) => setTimeout(r, 1_000));
    const withPeers = await m!.call('memory');
    return {
      emptyProcessMb: empty.rssMb,
      idleNodeMb: idle.rssMb,
      withPeersMb: withPeers.rssMb,
      peers,
      heapIdleMb: idle.heapMb,
      heapWithPeersMb: withPeers.heapMb,
    };
  });
}

export interface DiscoveryResult {
  readonly nodes: number;
  readonly processes: number;
  /** From start() on every node until every node sees all others online. */
  readonly nodeMs: number;
  readonly nodeBoundMs: number;
  readonly rawMs: number;
  /** CPU (user + system) of each process from the start until its nodes saw everyone. */
  readonly cpuMs: readonly number[];
  /**
   * Datagrams the kernel dropped for a full socket buffer while the nodes met (Linux's UDP
   * `RcvbufErrors`, machine-wide), or undefined where it cannot be read.
   */
  readonly droppedDatagrams: number | undefined;
}

/** Linux's count of UDP datagrams dropped for a full receive buffer, since boot. */
function udpReceiveBufferErrors(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n');
    const header = lines.find((l) => l.startsWith('Udp: InDatagrams'))?.split(/\s+/);
    const values = lines.find((l) => /^Udp: \d/.test(l))?.split(/\s+/);
    const at = header?.indexOf('RcvbufErrors') ?? -1;
    const value = at < 0 ? undefined : Number(values?.[at]);
    return value === undefined || Number.isNaN(value) ? undefined : value;
  } catch {
    return undefined; // not Linux
  }
}

/** Time until `total` nodes on loopback all see each other, vs raw broadcast-and-reply. */
export async function discovery(
  total: number,
  processes: number,
  execArgv: readonly string[] = [],
): Promise<DiscoveryResult> {
  const names = Array.from({ length: processes }, (_, i) => `disc-${i}`);
  return withWorkers(
    names,
    async (workers) => {
      const share = (i: number): { first: number; count: number } => {
        const base = Math.floor(total / processes);
        const first = i * base;
        return { first, count: i === processes - 1 ? total - first : base };
      };
      // Fresh ports per run: nodes on one server port all hear each other's broadcasts.
      const serverPort = randomInt(20_000, 29_000);
      const clientBase = randomInt(30_000, 50_000);
      await Promise.all(
        workers.map((w, i) =>
          w.call('prepareMany', { ...share(i), total, serverPort, clientBase }),
        ),
      );
      let started = performance.now();
      const dropsBefore = udpReceiveBufferErrors();
      const results = await Promise.all(workers.map((w) => w.call('goMany', total, 120_000)));
      const nodeMs = performance.now() - started;
      const dropsAfter = udpReceiveBufferErrors();
      await Promise.all(workers.map((w) => w.call('closeAll')));

      const rawPort = randomInt(20_000, 29_000);
      started = performance.now();
      await Promise.all(
        workers.map((w, i) => w.call('rawMany', { ...share(i), serverPort: rawPort, total })),
      );
      const rawMs = performance.now() - started;
      return {
        nodes: total,
        processes,
        nodeMs,
        nodeBoundMs: Math.max(...results.map((r) => r.boundMs)),
        rawMs,
        cpuMs: results.map((r) => r.cpuMs),
        droppedDatagrams:
          dropsBefore === undefined || dropsAfter === undefined
            ? undefined
            : dropsAfter - dropsBefore,
      };
    },
    execArgv,
  );
}

export interface ScalingRow {
  readonly peers: number;
  readonly rtt: { p50: number; p99: number; samples: number };
  /** The sending node's process: CPU microseconds per message (its peers run elsewhere). */
  readonly cpuUsPerMessage: number;
  readonly meetMs: number;
}

/**
 * One node talking to 1, 10, 100 and 1,000 peers (the peers are real nodes in two other
 * processes): message-to-ack RTT, one message at a time to each peer in turn, and the sender's
 * CPU per message. Flat is right: nothing on the message path should grow with the peer count.
 */
export async function scaling(counts: readonly number[], sizes: Sizes): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const peers of counts) {
    rows.push(
      await withWorkers(['scale-hub', 'scale-peers-1', 'scale-peers-2'], async ([hub, p1, p2]) => {
        const ports = testPorts();
        const peerPorts = { serverPort: ports.serverPort + 1, clientPort: ports.clientPort + 1 };
        await hub!.call('startNode', {
          ...ports,
          tcp: false,
          rateLimit: NO_LIMIT,
        });
        const half = Math.ceil(peers / 2);
        const [first, second] = await Promise.all([
          p1!.call('startPeers', { first: 0, count: half, ...peerPorts }),
          p2!.call('startPeers', { first: half, count: peers - half, ...peerPorts }),
        ]);
        const all = [...first, ...second];
        const met = performance.now();
        await hub!.call('meetPeers', all, 60_000);
        const meetMs = performance.now() - met;
        const ids = all.map((p) => p.id);
        await hub!.call('spreadRtt', ids, Math.min(200, peers * 2), BENCH_TEXT); // warm-up
        const r = await hub!.call(
          'spreadRtt',
          ids,
          sizes.count(Math.max(1_000, peers)),
          BENCH_TEXT,
        );
        return { peers, rtt: summary(r.samples), cpuUsPerMessage: r.cpuUsPerMessage, meetMs };
      }),
    );
  }
  return rows;
}

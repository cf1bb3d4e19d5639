/**
 * The relay section of `npm run bench` (`--only=relay`, `--relay-nodes=10000`): a Mosquitto
 * broker of its own on loopback with persistence, simulated nodes spread over worker processes
 * (each one socket speaking MQTT 5 with mqtt-packet and doing on the wire what a node's relay
 * client does: a persistent session, the retained offline will, retained presence and directory
 * entry, its inbox and its contacts' presence: relay-swarm.ts), a measuring node that is a real
 * PacketChat relay client (electron/net/relay/relay.ts) watching every simulated node's presence,
 * and two real nodes chatting through the same broker. Each figure next to a raw MQTT baseline
 * from the same run.
 */
import { connectAsync } from 'mqtt';
import { relayTopics } from '../../shared/protocol/relay';
import type { Relay } from '../../electron/net/relay/relay';
import { startBroker, type Broker } from '../helpers/mosquitto';
import { testPorts } from '../helpers/ports';
import { BENCH_TEXT, wireSizes } from './net-bench';
import { benchRelay } from './relay-swarm';
import { median, percentile } from './stats';
import { withWorkers, type Worker } from './worker-pool';

export interface RelayBenchOptions {
  readonly nodes: number;
  /** Contacts per node, whose presence it watches. */
  readonly contacts: number;
  /** Messages in the RTT run, at `perSecond`. */
  readonly messages: number;
  readonly perSecond: number;
}

export interface RelayBenchResult {
  readonly nodes: number;
  readonly contacts: number;
  readonly workers: number;
  readonly presence: {
    /** The measuring node (a real relay client) sees every simulated node online. */
    relayMs: number;
    /** Every simulated node sees its contacts online. */
    swarmMs: number;
    /** A bare MQTT.js subscriber to every presence sees every node online. */
    observerMs: number;
    /** CPU seconds the broker spent meanwhile (it is one thread). */
    brokerCpuS: number;
  };
  readonly brokerMb: { idle: number; withNodes: number };
  readonly rtt: {
    readonly node: { p50: number; p99: number; samples: number };
    readonly raw: { p50: number; p99: number; samples: number };
    readonly perSecond: number;
    readonly bytes: number;
  };
  readonly restart: { backMs: number; observerMs: number; downMs: number; brokerCpuS: number };
}

const MB = 1024 * 1024;
const PER_TICK = 50;
/**
 * As docs/relay/mosquitto.conf, except the queue: the observer below takes every node's presence
 * in one burst, and a broker drops what exceeds a client's queue (1,000 in the shipped config).
 */
const BROKER_EXTRA = ['max_queued_messages 20000', 'set_tcp_nodelay true'];
/** The observer gives up after this long and reports what it saw. */
const OBSERVER_TIMEOUT_MS = 120_000;

/** Made-up node ids for simulated nodes: 32 hex digits, distinct. */
function simIds(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) =>
    `${prefix}${i.toString(16).padStart(8, '0')}`.padEnd(32, '0'),
  );
}

/** Each node watches the presence of the next `k` nodes (a ring): every node is watched k times. */
function ring(ids: readonly string[], k: number): Record<string, string[]> {
  const contacts: Record<string, string[]> = {};
  ids.forEach((id, i) => {
    contacts[id] = Array.from({ length: k }, (_, j) => ids[(i + j + 1) % ids.length]!);
  });
  return contacts;
}

/** An observer that counts nodes whose retained presence says online under `prefix`. */
async function observer(url: string, filter: string, online: (payload: Buffer) => boolean) {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 500 });
  const seen = new Set<string>();
  let target = Number.POSITIVE_INFINITY;
  let reached: ((at: number) => void) | undefined;
  client.on('message', (topic, payload) => {
    const id = topic.slice(topic.lastIndexOf('/') + 1);
    if (online(payload)) seen.add(id);
    else seen.delete(id);
    if (seen.size >= target) reached?.(Date.now());
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    seen,
    /**
     * Resolves with Date.now() when `count` nodes are online (now, if they are), or NaN when
     * they are not within OBSERVER_TIMEOUT_MS.
     */
    waitFor(count: number): Promise<number> {
      target = count;
      if (seen.size >= count) return Promise.resolve(Date.now());
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          console.log(
            `  observer: ${seen.size} of ${count} online after ${OBSERVER_TIMEOUT_MS} ms`,
          );
          resolve(Number.NaN);
        }, OBSERVER_TIMEOUT_MS);
        reached = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
    },
  };
}

/** Presence topics one relay client watches at most (MAX_WATCHED in relay.ts is 8,192). */
const WATCH_PER_CLIENT = 8_000;

/**
 * The measuring node: real PacketChat relay clients (one per 8,000 watched nodes, as the relay
 * watches at most 8,192) whose presence callbacks count who is online.
 */
function measuringNode(url: string, ids: readonly string[]) {
  const online = new Set<string>();
  let reached: ((at: number) => void) | undefined;
  const relays: Relay[] = [];
  for (let i = 0; i < ids.length; i += WATCH_PER_CLIENT) {
    const relay = benchRelay(
      url,
      `cc${i.toString(16).padStart(8, '0')}`.padEnd(32, '0'),
      'measuring',
      {
        presence: (peer, isOnline) => {
          if (isOnline) online.add(peer);
          else online.delete(peer);
          if (online.size >= ids.length) reached?.(Date.now());
        },
      },
    );
    relay.watch(ids.slice(i, i + WATCH_PER_CLIENT));
    relay.start();
    relays.push(relay);
  }
  return {
    online,
    /** Resolves with Date.now() once every node is online (NaN after OBSERVER_TIMEOUT_MS). */
    waitAll(): Promise<number> {
      if (online.size >= ids.length) return Promise.resolve(Date.now());
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          console.log(`  measuring node: ${online.size} of ${ids.length} online`);
          resolve(Number.NaN);
        }, OBSERVER_TIMEOUT_MS);
        reached = (at) => {
          clearTimeout(timer);
          reached = undefined;
          resolve(at);
        };
      });
    },
    close: () => Promise.all(relays.map((r) => r.close())),
  };
}

async function swarm(
  workers: readonly Worker[],
  url: string,
  ids: readonly string[],
  contacts: Record<string, string[]>,
  mode: 'packet' | 'relay' | 'raw',
): Promise<number> {
  const slice = Math.ceil(ids.length / workers.length);
  const started = Date.now();
  const done = Promise.all(
    workers.map((w, i) => {
      const mine = ids.slice(i * slice, (i + 1) * slice);
      const own: Record<string, string[]> = {};
      for (const id of mine) own[id] = contacts[id] ?? [];
      return w.call('swarmStart', { url, ids: mine, contacts: own, mode, perTick: PER_TICK });
    }),
  );
  const results = await reportWhileWaiting(workers, done, `${mode} swarm`);
  return Math.max(...results.map((r) => r.doneAt)) - started;
}

/** Prints the swarm's progress every 10 s while `done` is pending. */
async function reportWhileWaiting<T>(
  workers: readonly Worker[],
  done: Promise<T>,
  what: string,
): Promise<T> {
  const settled = done.then(
    () => 'done' as const,
    () => 'done' as const,
  );
  for (;;) {
    const tick = new Promise<'tick'>((resolve) => setTimeout(() => resolve('tick'), 10_000));
    if ((await Promise.race([settled, tick])) === 'done') return done;
    const all = await Promise.all(workers.map((w) => w.call('swarmStatus')));
    const sum = (k: 'nodes' | 'connected' | 'complete') => all.reduce((n, s) => n + s[k], 0);
    const sample = all.flatMap((s) => s.sample).slice(0, 3);
    console.log(
      `  … ${what}: ${sum('connected')}/${sum('nodes')} connected, ${sum('complete')} see every contact; ${sample.join('; ')}`,
    );
  }
}

const summary = (samples: readonly number[]) => ({
  p50: median(samples),
  p99: percentile(samples, 99),
  samples: samples.length,
});

export async function relayBench(o: RelayBenchOptions): Promise<RelayBenchResult> {
  const workerCount = Math.max(2, Math.min(8, Math.ceil(o.nodes / 2_500)));
  const broker: Broker = await startBroker({ persistence: true, extra: BROKER_EXTRA });
  try {
    const idle = (broker.rss() ?? 0) / MB;
    const ids = simIds(o.nodes, 'ab');
    const names = Array.from({ length: workerCount }, (_, i) => `relay-sim-${i}`);
    return await withWorkers([...names, 'relay-a', 'relay-b'], async (all) => {
      const sims = all.slice(0, workerCount);
      const [a, b] = all.slice(workerCount) as [Worker, Worker];
      const watch = await observer(broker.url, relayTopics.presence('+'), (p) =>
        p.includes('"online"'),
      );
      const observed = watch.waitFor(o.nodes);
      const measuring = measuringNode(broker.url, ids);
      const measured = measuring.waitAll();
      const startedAt = Date.now();
      const cpuBefore = broker.cpuSeconds() ?? 0;
      const swarmMs = await swarm(sims, broker.url, ids, ring(ids, o.contacts), 'packet');
      const relayMs = (await measured) - startedAt;
      const observerMs = (await observed) - startedAt;
      const brokerCpuS = (broker.cpuSeconds() ?? 0) - cpuBefore;
      const withNodes = (broker.rss() ?? 0) / MB;

      // Two real nodes, full crypto, reaching each other only through the loaded broker.
      const ports = testPorts();
      const [na, nb] = await Promise.all([
        a.call('startNode', { ...ports, tcp: false, relay: broker.url }),
        b.call('startNode', {
          ...ports,
          clientPort: ports.clientPort + 100,
          tcp: false,
          relay: broker.url,
        }),
      ]);
      await Promise.all([a.call('waitRelay', 30_000), b.call('waitRelay', 30_000)]);
      await a.call('seek', nb.id);
      await Promise.all([a.call('waitPeer', nb.id, 30_000), b.call('waitPeer', na.id, 30_000)]);
      await a.call('nodeRttPaced', nb.id, Math.min(100, o.messages), BENCH_TEXT, o.perSecond);
      const nodeSamples = await a.call('nodeRttPaced', nb.id, o.messages, BENCH_TEXT, o.perSecond);
      // The raw baseline: a publish of the sealed text's size, echoed, QoS 1 both ways.
      const bytes = wireSizes(BENCH_TEXT).request + 29;
      await b.call('mqttEcho', broker.url);
      const rawSamples = await a.call('mqttRtt', broker.url, o.messages, bytes, o.perSecond);

      // Broker restart with persistence: until every simulated node is connected and sees
      // every contact online again, and the observer sees every node online.
      await Promise.all(sims.map((w) => w.call('swarmForget')));
      watch.seen.clear();
      const down = Date.now();
      await broker.restart();
      const upAt = Date.now();
      const cpuAtRestart = broker.cpuSeconds() ?? 0;
      const observedBack = watch.waitFor(o.nodes);
      const back = await reportWhileWaiting(
        sims,
        Promise.all(sims.map((w) => w.call('swarmBack'))),
        'after the restart',
      );
      const backMs = Math.max(...back.map((r) => r.doneAt)) - upAt;
      const observerBackMs = (await observedBack) - upAt;
      const restartCpuS = (broker.cpuSeconds() ?? 0) - cpuAtRestart;
      await watch.client.endAsync(true);
      await measuring.close();
      await Promise.all(sims.map((w) => w.call('swarmStop')));
      return {
        nodes: o.nodes,
        contacts: o.contacts,
        workers: workerCount,
        presence: { relayMs, swarmMs, observerMs, brokerCpuS },
        brokerMb: { idle, withNodes },
        rtt: {
          node: summary(nodeSamples),
          raw: summary(rawSamples),
          perSecond: o.perSecond,
          bytes,
        },
        restart: {
          backMs,
          observerMs: observerBackMs,
          downMs: upAt - down,
          brokerCpuS: restartCpuS,
        },
      };
    });
  } finally {
    await broker.stop();
  }
}

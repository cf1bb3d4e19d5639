/**
 * A benchmark worker process (started by worker-pool.ts with `--import tsx`): one "machine" that
 * can run a PacketChat node, many nodes, or raw node:dgram / node:net baselines, and measures on
 * its own clock. Commands arrive over the IPC channel; everything it binds is on 127.0.0.1 (or
 * the loopback broadcast address) and is closed by `stop`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, GCProfiler } from 'node:v8';
import { createConnection, createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type PacketChatNode } from '../../electron/net/node';
import type { NodeOptions } from '../../electron/net/node-options';
import { createNodeCryptoProvider } from '../../electron/net/crypto/node-crypto';
import { AEAD_TAG_BYTES, type CryptoProvider } from '../../electron/net/crypto/primitives';
import type { MessageStateChange, ChatMessage } from '../../shared/domain';
import { LOOPBACK_BROADCAST } from '../helpers/ports';
import { mark, traceStart, traceTake } from './critical-path';
import { groupCommands } from './group-commands';
import { openRawDatabase, type RawDatabase } from './raw-sqlite';

interface Closable {
  close(): unknown;
}

const nodes: PacketChatNode[] = [];
/** Who stores received texts in a node started with `store`: the core before its ack, or us. */
let storedBy = 'none';
const closables: Closable[] = [];
let profiler: Session | undefined;
let sampler: Session | undefined;
const dirs: string[] = [];
/** Messages a node has seen delivered, for waiters. */
const waiters = new Map<string, { resolve(): void; reject(e: Error): void }>();

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `packetchat-bench-${label}-`));
  dirs.push(dir);
  return dir;
}

/**
 * µs this process's main thread spent ready to run but waiting for a CPU (Linux schedstat; 0
 * elsewhere): on a shared machine, the part of the wall time that is neither work nor waiting
 * for the peer.
 */
function runDelayMicros(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return Number(fields[1] ?? 0) / 1_000;
  } catch {
    return 0;
  }
}

function onlyNode(): PacketChatNode {
  const node = nodes[0];
  if (node === undefined) throw new Error('no node started');
  return node;
}

function watchStatus(node: PacketChatNode): void {
  node.on('message-state', (u: MessageStateChange) => {
    mark('message-state event');
    const waiter = waiters.get(u.id);
    if (waiter === undefined) return;
    if (u.state === 'delivered') {
      waiters.delete(u.id);
      waiter.resolve();
    } else if (u.state === 'failed' || u.state === 'pending') {
      waiters.delete(u.id);
      waiter.reject(new Error(`message ${u.id} went ${u.state}`));
    }
  });
}

function delivered(id: string): Promise<void> {
  return new Promise((resolve, reject) => waiters.set(id, { resolve, reject }));
}

function bindUdp(options: { reuseAddr?: boolean; port?: number } = {}): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: options.reuseAddr ?? false });
  closables.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, options.reuseAddr === true ? undefined : '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function until<T>(
  what: string,
  timeoutMs: number,
  run: (done: (v: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), timeoutMs);
    run((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const now = (): number => performance.now();

/**
 * Garbage collections in this process so far: how many, and their pause time in µs (from the
 * `gc` performance entries, one per collection, scavenges included).
 */
const gcTally = { count: 0, major: 0, pauseMicros: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcTally.count += 1;
    // `detail.kind`: NODE_PERFORMANCE_GC_MAJOR (mark-compact) is 4; scavenges are 1.
    const { detail } = entry as unknown as { detail?: { kind?: number } };
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcTally.major += 1;
    gcTally.pauseMicros += entry.duration * 1_000;
  }
}).observe({ type: 'gc' });

/**
 * Bytes allocated on the V8 heap between `allocationStart()` and `allocationStop()`: what the
 * heap grew by between collections, summed (V8 keeps no running total).
 */
let gcProfiler: GCProfiler | undefined;
let allocationBase = 0;
function allocationStart(): void {
  gcProfiler = new GCProfiler();
  gcProfiler.start();
  allocationBase = getHeapStatistics().used_heap_size;
}
function allocationStop(): number {
  const result = gcProfiler?.stop();
  gcProfiler = undefined;
  let bytes = 0;
  let from = allocationBase;
  for (const gc of result?.statistics ?? []) {
    bytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - from);
    from = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return bytes + Math.max(0, getHeapStatistics().used_heap_size - from);
}

// --- one PacketChat node ------------------------------------------------------------------------

export interface StartNodeOptions {
  readonly serverPort: number;
  readonly clientPort: number;
  readonly tcp?: boolean;
  readonly rateLimit?: { perSecond: number; burst: number };
  /** Give the node SQLite storage (electron/store) as the app does. */
  readonly store?: boolean;
  /** A relay broker's URL: the node reaches its peer only through it (no broadcast, no TCP). */
  readonly relay?: string;
  /**
   * Protocol v2 with AES-256-GCM replaced by a copy and a zero tag (both ends must have it):
   * what the same node costs without its cipher (protocol-bench.ts). Never outside benchmarks.
   */
  readonly nullCipher?: boolean;
}

/** The node's crypto with the AEAD swapped for a plain copy: sealing's cost minus the cipher. */
function nullCipherProvider(): CryptoProvider {
  const tag = new Uint8Array(AEAD_TAG_BYTES);
  return {
    ...createNodeCryptoProvider(),
    aesGcm: () => ({
      seal: (_nonce, _ad, plaintext, prefix = new Uint8Array(0)) => {
        const out = new Uint8Array(prefix.length + plaintext.length + AEAD_TAG_BYTES);
        out.set(prefix);
        out.set(plaintext, prefix.length);
        out.set(tag, prefix.length + plaintext.length);
        return out;
      },
      open: (_nonce, _ad, ciphertext) =>
        ciphertext.length < AEAD_TAG_BYTES
          ? undefined
          : ciphertext.slice(0, ciphertext.length - AEAD_TAG_BYTES),
    }),
  };
}

async function startNode(o: StartNodeOptions) {
  let persistence: NodeOptions['persistence'];
  let insertOnMessage: ((m: ChatMessage) => void) | undefined;
  if (o.store === true) {
    const { openStore } = await import('../../electron/store/open-store');
    const { storePersistence } = await import('../../electron/app/persistence-adapter');
    const { store } = openStore(tempDir('node'));
    closables.push(store);
    const adapter = storePersistence(store);
    let inboundWrites = 0;
    persistence = {
      ...adapter,
      recordInbound: (change) => {
        inboundWrites += 1;
        return adapter.recordInbound(change);
      },
    };
    // Until the core stores received texts itself (before its ack), store them on delivery.
    insertOnMessage = (m) => {
      if (inboundWrites > 0) {
        storedBy = 'node (before ack)';
        return;
      }
      storedBy = 'bench (on delivery)';
      store.insertIncoming({
        id: m.id,
        peerId: m.peerId,
        epoch: 'bench',
        seq: m.seq,
        text: m.text,
        transport: m.transport,
        sentAt: m.sentAt,
        receivedAt: m.receivedAt,
        remote: m.remote,
        held: false,
      });
    };
  }
  const node = createNode({
    nick: 'bench',
    serverPort: o.serverPort,
    clientPort: o.clientPort,
    broadcast: [],
    tcp: o.tcp ?? true,
    ...(o.relay === undefined ? {} : { relay: { brokers: [{ url: o.relay }], directory: false } }),
    ...(o.nullCipher === true ? { crypto: nullCipherProvider() } : {}),
    ...(o.rateLimit === undefined ? {} : { rateLimit: o.rateLimit, sessionRateLimit: o.rateLimit }),
    ...(persistence === undefined ? {} : { persistence }),
  });
  nodes.push(node);
  closables.push(node);
  watchStatus(node);
  if (insertOnMessage !== undefined) node.on('message', insertOnMessage);
  const info = await node.start();
  return { id: node.id, clientPort: info.clientPort, tcpPort: info.tcpPort };
}

const commands = {
  startNode,
  /** Critical-path marks (critical-path.ts): installs them, or clears what they recorded. */
  traceStart() {
    traceStart();
    return true;
  },
  traceTake,
  ...groupCommands({ nodes, closables, bindUdp, until, delivered, watchStatus }),

  seek(id: string) {
    onlyNode().seek(id);
    return true;
  },

  async waitRelay(timeoutMs: number) {
    const node = onlyNode();
    await until<true>('relay connected', timeoutMs, (done) => {
      const test = (): void => {
        if (node.relays()[0]?.state === 'connected') done(true);
        else setTimeout(test, 10);
      };
      test();
    });
    return true;
  },

  /**
   * Messages at a steady rate (`perSecond`), each timed from sendText() to its `delivered`
   * state, however many are in flight. Returns the samples in milliseconds.
   */
  async nodeRttPaced(to: string, count: number, text: string, perSecond: number) {
    const node = onlyNode();
    const samples: number[] = [];
    const all: Promise<void>[] = [];
    const gap = 1_000 / perSecond;
    const started = now();
    for (let i = 0; i < count; i += 1) {
      const due = started + i * gap;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sentAt = now();
      const { id } = await node.sendText(to, text);
      all.push(delivered(id).then(() => void samples.push(now() - sentAt)));
    }
    await Promise.all(all);
    return samples;
  },

  /** Raw MQTT baseline, answering side: echoes `bench/ping/#` to `bench/pong` (QoS 1). */
  async mqttEcho(url: string) {
    const { connectAsync } = await import('mqtt');
    const { noDelay } = await import('./relay-swarm');
    const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    noDelay(client);
    closables.push({ close: () => client.end(true) });
    client.on('message', (_topic, payload) => {
      void client.publishAsync('bench/pong', payload, { qos: 1 });
    });
    await client.subscribeAsync('bench/ping', { qos: 1 });
    return true;
  },

  /** Raw MQTT baseline, asking side: `count` pings of `bytes` at `perSecond`, QoS 1 both ways. */
  async mqttRtt(url: string, count: number, bytes: number, perSecond: number) {
    const { connectAsync } = await import('mqtt');
    const { noDelay } = await import('./relay-swarm');
    const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    noDelay(client);
    closables.push({ close: () => client.end(true) });
    const sentAt = new Map<number, number>();
    const samples: number[] = [];
    let resolveAll: () => void = () => undefined;
    const allBack = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    client.on('message', (_topic, payload) => {
      const i = payload.readUInt32BE(0);
      const at = sentAt.get(i);
      if (at === undefined) return;
      sentAt.delete(i);
      samples.push(now() - at);
      if (samples.length === count) resolveAll();
    });
    await client.subscribeAsync('bench/pong', { qos: 1 });
    const gap = 1_000 / perSecond;
    const started = now();
    for (let i = 0; i < count; i += 1) {
      const wait = started + i * gap - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const payload = Buffer.alloc(bytes);
      payload.writeUInt32BE(i, 0);
      sentAt.set(i, now());
      void client.publishAsync('bench/ping', payload, { qos: 1 });
    }
    await until<true>('every pong', 60_000, (done) => void allBack.then(() => done(true)));
    return samples;
  },

  async swarmStart(o: import('./relay-swarm').SwarmOptions) {
    const { swarmStart } = await import('./relay-swarm');
    return swarmStart(o);
  },

  async swarmForget() {
    const { swarmForget } = await import('./relay-swarm');
    return swarmForget();
  },

  async swarmBack() {
    const { swarmBack } = await import('./relay-swarm');
    return swarmBack();
  },

  async swarmStatus() {
    const { swarmStatus } = await import('./relay-swarm');
    return swarmStatus();
  },

  async swarmStop() {
    const { swarmStop } = await import('./relay-swarm');
    return swarmStop();
  },

  storedBy() {
    return storedBy;
  },

  addPeer(text: string) {
    onlyNode().addPeer(text);
    return true;
  },

  async waitPeer(id: string, timeoutMs: number) {
    const node = onlyNode();
    await until<true>(`peer ${id}`, timeoutMs, (done) => {
      const check = (): void => {
        if (node.peerList().some((p) => p.id === id && p.online)) done(true);
        else setTimeout(check, 10);
      };
      check();
    });
    return true;
  },

  /** One message at a time: milliseconds from sendText() to its `delivered` state. */
  /** This process's CPU time so far (user + system), in microseconds. */
  cpuMicros() {
    const used = process.cpuUsage();
    return used.user + used.system;
  },

  /** Starts the V8 profiler in this process (profile.ts --steady: after the warm-up only). */
  async profileStart() {
    profiler ??= new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  },

  /** Stops the profiler and writes its .cpuprofile to `file`. */
  async profileStop(file: string) {
    if (profiler === undefined) throw new Error('the profiler was not started');
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
  },

  /**
   * Samples what is allocated, collected objects included, until `allocationSampleStop` writes
   * the .heapprofile to `file` (profile.ts --alloc).
   */
  async allocationSampleStart() {
    sampler ??= new Session();
    sampler.connect();
    await sampler.post('HeapProfiler.enable');
    await sampler.post('HeapProfiler.startSampling', {
      samplingInterval: 4_096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  },

  async allocationSampleStop(file: string) {
    if (sampler === undefined) throw new Error('the sampler was not started');
    const { profile } = await sampler.post('HeapProfiler.stopSampling');
    writeFileSync(file, JSON.stringify(profile));
    sampler.disconnect();
  },

  /** Starts counting the bytes allocated on the V8 heap (read by `allocated`). */
  allocationStart() {
    allocationStart();
    return true;
  },

  /** Bytes allocated on the V8 heap since `allocationStart`. */
  allocated() {
    return allocationStop();
  },

  /**
   * User and system CPU µs so far, garbage collections (count and pause µs), and the node's
   * datagram and byte counters (profile.ts).
   */
  cpuAndWire() {
    const used = process.cpuUsage();
    const c = onlyNode().info().counters;
    return {
      user: used.user,
      system: used.system,
      gcCount: gcTally.count,
      gcMajor: gcTally.major,
      gcPause: gcTally.pauseMicros,
      runDelay: runDelayMicros(),
      datagramsSent: c.datagramsSent,
      bytesSent: c.bytesSent,
      retransmitted: c.retransmitted,
    };
  },

  async nodeRtt(to: string, count: number, text: string) {
    const node = onlyNode();
    const samples: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = now();
      const { id } = await node.sendText(to, text);
      await delivered(id);
      mark('delivered, loop resumed');
      samples.push(now() - started);
    }
    return samples;
  },

  /**
   * Sustained sending: `inFlight` messages queued at the node at any time (a new one when one is
   * acknowledged) until `count` are acknowledged. Returns the elapsed time and the counters.
   */
  async nodeStream(to: string, count: number, text: string, inFlight: number) {
    const node = onlyNode();
    const before = node.info().counters;
    const started = now();
    let sent = 0;
    let acked = 0;
    await until<true>(`${count} acknowledged`, 120_000, (done) => {
      const sendOne = (): void => {
        sent += 1;
        void node
          .sendText(to, text)
          .then(({ id }) => delivered(id))
          .then(
            () => {
              acked += 1;
              if (acked === count) done(true);
              else if (sent < count) sendOne();
            },
            () => undefined, // cannot happen in 120 s (7 transmissions end after ~31 s); reported by timeout
          );
      };
      for (let i = 0; i < Math.min(inFlight, count); i += 1) sendOne();
    });
    const ms = now() - started;
    const after = node.info().counters;
    return {
      ms,
      retransmitted: after.retransmitted - before.retransmitted,
      datagramsSent: after.datagramsSent - before.datagramsSent,
    };
  },

  nodeCounters() {
    return onlyNode().info().counters;
  },

  // --- raw node:dgram baselines ------------------------------------------------------------------

  /**
   * A raw UDP responder: answers every datagram with `responseBytes` bytes (the first 4 of the
   * request echoed, for matching). With `store`, it first inserts the request into SQLite
   * (WAL, synchronous=FULL, one transaction per datagram), as a durable receiver must.
   */
  async startEcho(responseBytes: number, store: boolean) {
    const socket = await bindUdp();
    let db: RawDatabase | undefined;
    if (store) {
      db = openRawDatabase(tempDir('raw'));
      closables.push(db);
    }
    const response = Buffer.alloc(responseBytes, 0x61);
    socket.on('message', (bytes, rinfo) => {
      db?.insert(bytes.readUInt32BE(0), bytes.toString('latin1', 4));
      bytes.copy(response, 0, 0, 4);
      socket.send(response, rinfo.port, rinfo.address);
    });
    return socket.address().port;
  },

  /** Raw ping-pong: one request at a time, milliseconds per round trip. */
  async rawRtt(port: number, count: number, requestBytes: number) {
    const socket = await bindUdp();
    const request = Buffer.alloc(requestBytes, 0x62);
    const samples: number[] = [];
    let resolveReply: (() => void) | undefined;
    socket.on('message', () => resolveReply?.());
    for (let i = 0; i < count; i += 1) {
      request.writeUInt32BE(i, 0);
      const started = now();
      await until<true>('raw reply', 5_000, (done) => {
        resolveReply = () => done(true);
        socket.send(request, port, '127.0.0.1');
      });
      samples.push(now() - started);
    }
    socket.close();
    return samples;
  },

  /** Raw request/response with `window` requests outstanding, until `count` are answered. */
  async rawStream(port: number, count: number, requestBytes: number, window: number) {
    const socket = await bindUdp();
    const started = now();
    let sent = 0;
    let answered = 0;
    const sendOne = (): void => {
      const request = Buffer.alloc(requestBytes, 0x62);
      request.writeUInt32BE(sent, 0);
      sent += 1;
      socket.send(request, port, '127.0.0.1');
    };
    await until<true>(`${count} raw answers`, 120_000, (done) => {
      socket.on('message', () => {
        answered += 1;
        if (answered === count) done(true);
        else if (sent < count) sendOne();
      });
      for (let i = 0; i < Math.min(window, count); i += 1) sendOne();
    });
    const ms = now() - started;
    socket.close();
    return { ms };
  },

  // --- raw node:net baseline ---------------------------------------------------------------------

  /** Length-prefixed frames (like the TCP fallback); answers each with a `responseBytes` frame. */
  async startTcpEcho(responseBytes: number) {
    const server: Server = createServer((connection) => {
      let buffered = Buffer.alloc(0);
      connection.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
          buffered = buffered.subarray(4 + buffered.readUInt32BE(0));
          const reply = Buffer.alloc(4 + responseBytes, 0x61);
          reply.writeUInt32BE(responseBytes, 0);
          connection.write(reply);
        }
      });
      connection.on('error', () => undefined); // the client closing is not a failure here
      closables.push({ close: () => connection.destroy() });
    });
    closables.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  },

  /** One connection kept open; one frame of `bytes` at a time, ms until its answer. */
  async rawTcp(port: number, count: number, bytes: number) {
    const samples: number[] = [];
    const frame = Buffer.alloc(4 + bytes, 0x62);
    frame.writeUInt32BE(bytes, 0);
    const started = now();
    const socket: TcpSocket = createConnection({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    let onReply: (() => void) | undefined;
    let buffered = 0;
    let expected = -1;
    socket.on('data', (chunk: Buffer) => {
      if (expected < 0) expected = 4 + chunk.readUInt32BE(0);
      buffered += chunk.length;
      if (buffered >= expected) {
        buffered = 0;
        expected = -1;
        onReply?.();
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connectMs = now() - started;
    for (let i = 0; i < count; i += 1) {
      const t = now();
      await until<true>('raw TCP answer', 10_000, (done) => {
        onReply = () => done(true);
        socket.write(frame);
      });
      samples.push(now() - t);
    }
    socket.destroy();
    return { samples, connectMs };
  },

  // --- memory ------------------------------------------------------------------------------------

  memory() {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3; i += 1) gc?.();
    const m = process.memoryUsage();
    return { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
  },

  peerCount() {
    return onlyNode()
      .peerList()
      .filter((p) => p.online).length;
  },

  // --- many nodes (discovery) --------------------------------------------------------------------

  /**
   * Creates nodes `first`..`first + count - 1` of `total` (not started yet), each on its own
   * loopback address (127.0.1.1, 127.0.1.2, ...): protocol v2 admits at most 16 identities and
   * 10 handshakes a second from one IP, as from one host. A socket bound to one address does not
   * hear broadcasts, so each node announces to every node's address by unicast instead.
   */
  prepareMany(o: {
    first: number;
    count: number;
    total: number;
    serverPort: number;
    clientBase: number;
  }) {
    const address = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
    const everyone = Array.from({ length: o.total }, (_, i) => `${address(i)}:${o.serverPort}`);
    for (let i = 0; i < o.count; i += 1) {
      const node = createNode({
        nick: `node-${o.first + i}`,
        serverPort: o.serverPort,
        clientPort: o.clientBase + o.first + i,
        clientPortAttempts: 1_000,
        bindAddress: address(o.first + i),
        broadcast: [],
        peers: everyone,
        tcp: false,
      });
      nodes.push(node);
      closables.push(node);
    }
    return nodes.length;
  },

  /** Starts every prepared node at once; resolves when each sees `total - 1` peers online. */
  async goMany(total: number, timeoutMs: number) {
    const started = now();
    const cpu = process.cpuUsage();
    await Promise.all(nodes.map((n) => n.start()));
    const boundMs = now() - started;
    let check: ReturnType<typeof setTimeout> | undefined;
    await until<true>(`all ${total} nodes to see each other`, timeoutMs, (done) => {
      const poll = (): void => {
        if (nodes.every((n) => n.peerList().filter((p) => p.online).length >= total - 1))
          done(true);
        else check = setTimeout(poll, 5);
      };
      poll();
    }).catch((error: unknown) => {
      clearTimeout(check);
      // How far it got: a run that does not converge says so, not only that it timed out.
      const online = nodes.map((n) => n.peerList().filter((p) => p.online).length);
      online.sort((a, b) => a - b);
      const median = online[online.length >> 1] ?? 0;
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}: after ${String(Math.round(now() - started))} ms this process's ${String(online.length)} nodes saw ${String(online[0] ?? 0)} to ${String(online.at(-1) ?? 0)} peers online (median ${String(median)}) of ${String(total - 1)}`,
      );
    });
    const used = process.cpuUsage(cpu);
    return { boundMs, allMs: now() - started, cpuMs: (used.user + used.system) / 1_000 };
  },

  /**
   * The same discovery with raw sockets: each "node" binds a shared server port (SO_REUSEADDR)
   * and a client socket, broadcasts one hello, and every hello is answered at once by unicast.
   */
  async rawMany(o: { first: number; count: number; serverPort: number; total: number }) {
    const started = now();
    const heard: Set<number>[] = [];
    const sockets = await Promise.all(
      Array.from({ length: o.count }, async () => ({
        server: await bindUdp({ reuseAddr: true, port: o.serverPort }),
        client: await bindUdp(),
      })),
    );
    const boundMs = now() - started;
    await until<true>(`raw discovery of ${o.total}`, 60_000, (done) => {
      const check = (): void => {
        if (heard.every((h) => h.size >= o.total - 1)) done(true);
      };
      sockets.forEach(({ server, client }, k) => {
        const me = o.first + k;
        const seen = new Set<number>();
        heard.push(seen);
        server.setBroadcast(true);
        client.setBroadcast(true);
        server.on('message', (bytes, rinfo) => {
          const [kind, who] = bytes.toString().split(' ');
          if (kind !== 'hello' || Number(who) === me) return;
          seen.add(Number(who));
          client.send(`reply ${me}`, rinfo.port, '127.0.0.1');
          check();
        });
        client.on('message', (bytes) => {
          seen.add(Number(bytes.toString().split(' ')[1]));
          check();
        });
      });
      for (const [k, { client }] of sockets.entries())
        client.send(`hello ${o.first + k}`, o.serverPort, LOOPBACK_BROADCAST);
    });
    return { boundMs, allMs: now() - started };
  },

  // --- scaling: one node talking to many peers --------------------------------------------------

  /**
   * Starts `count` quiet nodes (no discovery, TCP off), each on its own loopback address
   * (127.10.0.1, 127.10.0.2, ...; number `first` onwards): one host per peer, as on a LAN, so
   * the per-IP budgets of a node see what they would see there.
   */
  async startPeers(o: { first: number; count: number; serverPort: number; clientPort: number }) {
    const started: { id: string; address: string; clientPort: number }[] = [];
    for (let i = 0; i < o.count; i += 1) {
      const k = o.first + i;
      const address = `127.${10 + Math.floor(k / 250)}.0.${(k % 250) + 1}`;
      const node = createNode({
        nick: `peer-${k}`,
        bindAddress: address,
        serverPort: o.serverPort,
        clientPort: o.clientPort,
        broadcast: [],
        tcp: false,
        rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
        sessionRateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
      });
      nodes.push(node);
      closables.push(node);
      const info = await node.start();
      started.push({ id: node.id, address, clientPort: info.clientPort });
    }
    return started;
  },

  /** The first node meets every peer in `peers` (paced); resolves when all are online. */
  async meetPeers(peers: { id: string; address: string; clientPort: number }[], timeoutMs: number) {
    const node = onlyNode();
    for (const [i, peer] of peers.entries()) {
      node.addPeer(`${peer.address}:${peer.clientPort}`);
      // Below the node's budget of 200 handshakes a second (secure-channel.ts).
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 200));
    }
    const ids = new Set(peers.map((p) => p.id));
    await until<true>(`${peers.length} peers online`, timeoutMs, (done) => {
      const check = (): void => {
        const online = node.peerList().filter((p) => p.online && ids.has(p.id)).length;
        if (online === ids.size) done(true);
        else setTimeout(check, 20);
      };
      check();
    });
    return true;
  },

  /**
   * One message at a time, to each peer in turn: the RTT samples, and this process's CPU time
   * (user + system) per message, in microseconds.
   */
  async spreadRtt(ids: string[], count: number, text: string) {
    const node = onlyNode();
    const samples: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i += 1) {
      const started = now();
      const { id } = await node.sendText(ids[i % ids.length]!, text);
      await delivered(id);
      samples.push(now() - started);
    }
    const used = process.cpuUsage(cpu);
    return { samples, cpuUsPerMessage: (used.user + used.system) / count };
  },

  // --- storage -----------------------------------------------------------------------------------

  async storage(o: { messages: number; durable: number }) {
    const { storageBench } = await import('./storage-bench');
    return storageBench({ ...o, dir: tempDir('store'), rawDir: tempDir('raw') });
  },

  async closeAll() {
    waiters.clear();
    const all = closables.splice(0).reverse();
    for (const c of all) {
      try {
        await c.close();
      } catch {
        // already closed: closing is best effort at the end of a benchmark
      }
    }
    nodes.splice(0);
    return true;
  },

  async stop() {
    await commands.closeAll();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    setImmediate(() => process.exit(0));
    return true;
  },
};

export type Commands = typeof commands;

interface Request {
  readonly id: number;
  readonly command: keyof Commands;
  readonly args: unknown[];
}

if (process.send !== undefined) {
  process.on('message', (request: Request) => {
    const run = commands[request.command] as (...args: unknown[]) => unknown;
    Promise.resolve()
      .then(() => run(...request.args))
      .then(
        (value) => process.send?.({ id: request.id, ok: true, value }),
        (error: unknown) =>
          process.send?.({
            id: request.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.on('disconnect', () => process.exit(0)); // the parent went away: do not linger
  process.send({ ready: true });
}

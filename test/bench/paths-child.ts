/**
 * The `paths` bench inside its own network namespace (started by paths-bench.ts through
 * `ip netns exec`): two nodes on the namespace's 127.0.0.1, with nftables rules in that namespace
 * standing for blocked UDP, a partition, and a crashed peer. Prints one JSON line (PathsResult).
 *
 * Never run it in the machine's own namespace: it drops loopback traffic with nft. paths-bench.ts
 * refuses to start it anywhere else, and it checks the namespace name it was given.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { createNode, type PacketChatNode } from '../../electron/net/node';
import type { MessageStateChange, PeerChange } from '../../shared/domain';
import { BENCH_TEXT } from './net-bench';
import { median } from './stats';

export interface PathsResult {
  readonly udpBlocked: {
    /** sendText() to delivered, the first message after UDP was blocked. */
    readonly firstMs: number;
    /** The next messages, one at a time, p50. */
    readonly laterP50Ms: number;
    readonly laterTransport: string;
    /** The same pair before UDP was blocked: message-to-ack over UDP, p50. */
    readonly nodeUdpP50Ms: number;
    /** Raw TCP ping-pong on one kept-open connection, same sizes, p50 (one process: no wake-ups). */
    readonly rawTcpP50Ms: number;
    /** UDP unblocked: until a message is delivered over UDP again (the probe found it). */
    readonly backToUdpMs: number | null;
  };
  readonly partition: {
    readonly messages: number;
    readonly partitionMs: number;
    /** Heal to the first message delivered (the first packet through). */
    readonly healToFirstMs: number;
    /** First delivered to all delivered: the goal's figure. */
    readonly firstToAllMs: number;
    readonly healToAllMs: number;
  };
  readonly notResponding: {
    /** sendText() to the peer shown "not responding" (its traffic dropped: a crashed host). */
    readonly ms: number;
  };
}

const NAMESPACE = process.argv[2] ?? '';
if (!/^pc-bench-[0-9a-f]+$/.test(NAMESPACE)) {
  throw new Error('paths-child runs only inside a namespace made by paths-bench.ts');
}
const BASE_PORT = 30_000;
const TABLE = 'pcbench';
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nft(script: string): void {
  execFileSync('nft', ['-f', '-'], { input: script, timeout: 5_000 });
}

/** Drops matching traffic on the namespace's loopback (only this bench's nodes live there). */
function block(what: 'udp' | 'all'): void {
  nft(`add table inet ${TABLE}
add chain inet ${TABLE} input { type filter hook input priority 0; policy accept; }
flush chain inet ${TABLE} input
add rule inet ${TABLE} input ${what === 'udp' ? 'meta l4proto udp ' : ''}drop
`);
}

function unblock(): void {
  nft(`add table inet ${TABLE}
delete table inet ${TABLE}
`);
}

interface Pair {
  readonly a: PacketChatNode;
  readonly b: PacketChatNode;
  /** Resolves when message `id` (sent by a) is delivered. */
  delivered(id: string): Promise<MessageStateChange>;
  close(): Promise<void>;
}

let round = 0;
async function startPair(): Promise<Pair> {
  round += 1;
  const serverPort = BASE_PORT + round * 10;
  const options = (clientPort: number) => ({
    nick: 'bench',
    serverPort,
    clientPort,
    broadcast: [],
    tcp: true,
  });
  const a = createNode(options(serverPort + 1));
  const b = createNode(options(serverPort + 2));
  const waiters = new Map<string, (change: MessageStateChange) => void>();
  a.on('message-state', (change: MessageStateChange) => {
    if (change.state !== 'delivered') return;
    waiters.get(change.id)?.(change);
    waiters.delete(change.id);
  });
  await a.start();
  await b.start();
  a.addPeer(`127.0.0.1:${serverPort + 2}`);
  const online = (node: PacketChatNode, id: string): boolean =>
    node.peerList().some((p) => p.id === id && p.online);
  for (let i = 0; i < 1_000 && !(online(a, b.id) && online(b, a.id)); i += 1) await sleep(10);
  if (!online(a, b.id)) throw new Error('the pair did not see each other');
  const pair: Pair = {
    a,
    b,
    delivered: (id) => new Promise((resolve) => waiters.set(id, resolve)),
    close: async () => {
      await a.close();
      await b.close();
    },
  };
  for (let i = 0; i < 5; i += 1) await pair.delivered((await a.sendText(b.id, BENCH_TEXT)).id);
  return pair;
}

/** Raw TCP: a request of `requestBytes`, an answer of `responseBytes`, one connection. */
async function rawTcpP50(count: number, requestBytes: number, responseBytes: number) {
  const answer = Buffer.alloc(responseBytes, 1);
  const server = createServer((socket) => {
    let got = 0;
    socket.on('data', (chunk: Buffer) => {
      got += chunk.byteLength;
      while (got >= requestBytes) {
        got -= requestBytes;
        socket.write(answer);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  const client: Socket = createConnection(address.port, '127.0.0.1');
  client.setNoDelay(true);
  await once(client, 'connect');
  const request = Buffer.alloc(requestBytes, 2);
  const samples: number[] = [];
  let got = 0;
  let wake: (() => void) | undefined;
  client.on('data', (chunk: Buffer) => {
    got += chunk.byteLength;
    if (got >= responseBytes) {
      got -= responseBytes;
      wake?.();
    }
  });
  for (let i = 0; i < count; i += 1) {
    const started = now();
    const answered = new Promise<void>((resolve) => (wake = resolve));
    client.write(request);
    await answered;
    samples.push(now() - started);
  }
  client.destroy();
  server.close();
  return median(samples);
}

async function udpBlocked(): Promise<PathsResult['udpBlocked']> {
  const pair = await startPair();
  const { a, b } = pair;
  try {
    const rawTcpP50Ms = await rawTcpP50(50, 200, 130);
    const normal: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const at = now();
      await pair.delivered((await a.sendText(b.id, BENCH_TEXT)).id);
      normal.push(now() - at);
    }
    block('udp');
    let started = now();
    await pair.delivered((await a.sendText(b.id, BENCH_TEXT)).id);
    const firstMs = now() - started;
    const later: number[] = [];
    let laterTransport = '';
    for (let i = 0; i < 20; i += 1) {
      started = now();
      const change = await pair.delivered((await a.sendText(b.id, BENCH_TEXT)).id);
      later.push(now() - started);
      laterTransport = change.transport;
    }
    unblock();
    started = now();
    let backToUdpMs: number | null = null;
    while (now() - started < 5_000) {
      const change = await pair.delivered((await a.sendText(b.id, BENCH_TEXT)).id);
      if (change.transport === 'udp') {
        backToUdpMs = now() - started;
        break;
      }
      await sleep(50);
    }
    return {
      firstMs,
      laterP50Ms: median(later),
      laterTransport,
      nodeUdpP50Ms: median(normal),
      rawTcpP50Ms,
      backToUdpMs,
    };
  } finally {
    unblock();
    await pair.close();
  }
}

async function partition(messages: number, partitionMs: number): Promise<PathsResult['partition']> {
  const pair = await startPair();
  const { a, b } = pair;
  try {
    block('all');
    const deliveredAt: number[] = [];
    const all = [];
    for (let i = 0; i < messages; i += 1) {
      const { id } = await a.sendText(b.id, `${BENCH_TEXT} ${i}`);
      all.push(
        pair.delivered(id).then(() => {
          deliveredAt.push(now());
        }),
      );
    }
    await sleep(partitionMs);
    unblock();
    const healedAt = now();
    await Promise.race([Promise.all(all), sleep(30_000)]);
    if (deliveredAt.length < messages) throw new Error('not all delivered 30 s after the heal');
    const first = Math.min(...deliveredAt);
    const last = Math.max(...deliveredAt);
    return {
      messages,
      partitionMs,
      healToFirstMs: first - healedAt,
      firstToAllMs: last - first,
      healToAllMs: last - healedAt,
    };
  } finally {
    unblock();
    await pair.close();
  }
}

async function notResponding(): Promise<PathsResult['notResponding']> {
  const pair = await startPair();
  const { a, b } = pair;
  try {
    const marked = new Promise<void>((resolve) => {
      a.on('peer', (change: PeerChange) => {
        if (change.peer.id === b.id && change.peer.responding === false) resolve();
      });
    });
    block('all');
    const started = now();
    await a.sendText(b.id, BENCH_TEXT);
    await Promise.race([marked, sleep(20_000)]);
    return { ms: now() - started };
  } finally {
    unblock();
    await pair.close();
  }
}

const quick = process.argv.includes('--quick');
const result: PathsResult = {
  udpBlocked: await udpBlocked(),
  partition: await partition(quick ? 10 : 50, quick ? 3_000 : 6_000),
  notResponding: await notResponding(),
};
console.log(JSON.stringify(result));
process.exit(0);

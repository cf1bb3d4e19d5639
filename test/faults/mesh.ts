import { createNode, type PacketChatNode } from '../../electron/net/node';
import type { NodeOptions } from '../../electron/net/node-options';
import type { ChatMessage, MessageStateChange, PacketLogEntry } from '../../shared/domain';
import {
  mulberry32,
  startImpairmentProxy,
  type DirectionFaults,
  type ImpairmentProxy,
  type ProxyEvent,
} from '../helpers/impairment-proxy';
import { testPorts } from '../helpers/ports';
import { waitUntil } from '../helpers/wait';

/**
 * Three nodes, each pair joined by its own impairment proxy (A-B, A-C, B-C), with no broadcast
 * and no TCP, so every byte between them crosses a proxy. Nodes learn each other's address from
 * the source of datagrams: A sees B at the A-B proxy's port, B sees A at that proxy's upstream.
 */
export interface Mesh {
  readonly seed: number;
  readonly nodes: readonly [PacketChatNode, PacketChatNode, PacketChatNode];
  readonly proxies: readonly ImpairmentProxy[];
  /** Every datagram every proxy saw, with the proxy's index. */
  readonly events: (ProxyEvent & { readonly proxy: number })[];
  /**
   * What each node sent, from its own packet log: the proxies see sealed records only, so what
   * a datagram carried (which message, which transmission) is known only to its sender.
   */
  readonly sent: SentRecord[];
  /** performance.now() at each proxy's time zero: a node's `perf` minus it is the proxy's time. */
  readonly proxyEpochs: readonly number[];
  readonly traffic: Traffic;
  /** Seed, proxy counters and delivery progress: for failure messages. */
  describe(): string;
  close(): Promise<void>;
}

export interface SentRecord {
  /** Index of the sending node, and of the proxy (link) the datagram went through. */
  readonly node: number;
  readonly link: number;
  /** 'forward' from the link's near node, 'back' from its far node (as ProxyEvent). */
  readonly direction: 'forward' | 'back';
  readonly entry: PacketLogEntry;
  /** performance.now() when it was sent. */
  readonly perf: number;
}

/** The links: near and far node of each proxy, in proxy order. */
export const LINKS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];

/** What each sender sent and each receiver got, per sender -> receiver pair. */
export class Traffic {
  readonly sent = new Map<string, string[]>();
  readonly received = new Map<string, string[]>();
  readonly delivered = new Set<string>();
  /** When each message's ack arrived (Date.now()). */
  readonly ackedAt = new Map<string, number>();
  /** `failed` states: a message the node could not send at all. Never expected here. */
  readonly failed: MessageStateChange[] = [];
  /**
   * `pending` states, with when they happened: the UDP retries ran out and the message waits for
   * the peer to be heard from again (docs/PROTOCOL.md, reliable text, sender step 4).
   */
  readonly pending: (MessageStateChange & { readonly at: number })[] = [];
  sentCount = 0;
  receivedCount = 0;

  constructor(private readonly nodes: readonly PacketChatNode[]) {
    for (const node of nodes) {
      node.on('message', (m: ChatMessage) => {
        this.receivedCount += 1;
        listFor(this.received, `${m.peerId}>${node.id}`).push(m.text);
      });
      node.on('message-state', (u: MessageStateChange) => {
        if (u.state === 'delivered') {
          this.delivered.add(u.id);
          this.ackedAt.set(u.id, Date.now());
        }
        if (u.state === 'failed') this.failed.push(u);
        if (u.state === 'pending') this.pending.push({ ...u, at: Date.now() });
      });
    }
  }

  async send(from: PacketChatNode, to: PacketChatNode, text: string): Promise<string> {
    const { id } = await from.sendText(to.id, text);
    this.sentCount += 1;
    listFor(this.sent, `${from.id}>${to.id}`).push(text);
    return id;
  }

  get complete(): boolean {
    return this.receivedCount >= this.sentCount && this.delivered.size >= this.sentCount;
  }

  /** Pairs whose received texts differ from what was sent, with where they first differ. */
  mismatches(): string[] {
    const problems: string[] = [];
    for (const [pair, sent] of this.sent) {
      const got = this.received.get(pair) ?? [];
      const at = sent.findIndex((text, i) => got[i] !== text);
      if (at !== -1 || got.length !== sent.length) {
        const lengths =
          at === -1
            ? ''
            : ` (sent ${sent[at]?.length ?? 0} characters there, received ${got[at]?.length ?? 0})`;
        problems.push(
          `${this.name(pair)}: sent ${sent.length}, received ${got.length}, first difference at ${at}${lengths}`,
        );
      }
    }
    return problems;
  }

  progress(): string {
    return `sent ${this.sentCount}, received ${this.receivedCount}, acked ${this.delivered.size}, pending ${this.pending.length}, failed ${this.failed.length}`;
  }

  private name(pair: string): string {
    const [from, to] = pair.split('>');
    const index = (id: string | undefined): string =>
      'ABC'[this.nodes.findIndex((n) => n.id === id)] ?? '?';
    return `${index(from)}->${index(to)}`;
  }
}

function listFor(map: Map<string, string[]>, key: string): string[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

export interface MeshOptions {
  readonly seed: number;
  readonly faults: DirectionFaults;
  readonly node?: Partial<NodeOptions>;
}

export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const { serverPort, clientPort } = testPorts();
  const nodes = ['alice', 'bob', 'carol'].map((nick, i) =>
    createNode({
      nick,
      serverPort,
      clientPort: clientPort + i * 10,
      broadcast: [],
      tcp: false,
      // Seeded retransmission jitter, so a failing seed replays as closely as timers allow.
      random: mulberry32(options.seed + 1_000 + i),
      ...options.node,
    }),
  ) as [PacketChatNode, PacketChatNode, PacketChatNode];
  const proxies: ImpairmentProxy[] = [];
  const events: (ProxyEvent & { proxy: number })[] = [];
  const sent: SentRecord[] = [];
  const proxyEpochs: number[] = [];
  const traffic = new Traffic(nodes);
  nodes.forEach((node, index) =>
    node.on('packet', (entry) => {
      if (entry.direction !== 'out' || entry.peerId === undefined) return;
      const to = nodes.findIndex((n) => n.id === entry.peerId);
      const link = LINKS.findIndex(
        ([a, b]) => (a === index && b === to) || (b === index && a === to),
      );
      if (link < 0) return;
      const direction = LINKS[link]?.[0] === index ? 'forward' : 'back';
      sent.push({ node: index, link, direction, entry, perf: performance.now() });
    }),
  );
  const mesh: Mesh = {
    seed: options.seed,
    nodes,
    proxies,
    events,
    sent,
    proxyEpochs,
    traffic,
    describe: () =>
      [
        `seed=${options.seed} (rerun with PACKETCHAT_FAULT_SEED=${options.seed})`,
        traffic.progress(),
        ...proxies.map((p, i) => `proxy ${['A-B', 'A-C', 'B-C'][i]}: ${p.describe()}`),
      ].join('\n'),
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
  try {
    const infos = await Promise.all(nodes.map((n) => n.start()));
    for (const [index, [near, far]] of LINKS.entries()) {
      const proxy = await startImpairmentProxy({
        seed: (options.seed * 31 + index) >>> 0,
        target: { port: infos[far]!.clientPort },
        client: { port: infos[near]!.clientPort },
        both: options.faults,
        onEvent: (event) => events.push({ ...event, proxy: index }),
      });
      proxies.push(proxy);
      proxyEpochs.push(performance.now() - proxy.elapsed());
      nodes[near]!.addPeer(`127.0.0.1:${proxy.port}`);
    }
    await waitUntil(
      () => nodes.every((n) => n.peerList().filter((p) => p.online).length === 2),
      15_000,
      'all three nodes to see each other through the proxies',
    );
  } catch (error) {
    await mesh.close();
    throw error;
  }
  return mesh;
}

/** Bounded pacing: `count` messages over random pairs, `perTick` every `tickMs`. */
export async function sendPaced(
  mesh: Mesh,
  count: number,
  perTick: number,
  tickMs: number,
  text: (index: number, random: () => number) => string,
): Promise<void> {
  const random = mulberry32(mesh.seed ^ 0xa5a5a5a5);
  // The texts of one tick are sent in one turn (each node stores them in one transaction).
  const sending: Promise<string>[] = [];
  for (let i = 0; i < count; i += 1) {
    const from = Math.floor(random() * 3);
    const to = (from + 1 + Math.floor(random() * 2)) % 3;
    sending.push(mesh.traffic.send(mesh.nodes[from]!, mesh.nodes[to]!, text(i, random)));
    if (i % perTick !== perTick - 1) continue;
    await Promise.all(sending.splice(0));
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(sending);
}

// Code points on purpose: the emoji with its skin-tone modifier becomes two characters.
const ALPHABET = Array.from('abcdefghijklmnopqrstuvwxyz 0123456789"\\\n\t你好世界消息👋🏽✅é');

/**
 * Mostly short chat lines with quotes, escapes and non-ASCII; 1 % long enough to go as fragments
 * (`longShare` changes that share; the random sequence is the same either way).
 */
export function chatText(index: number, random: () => number, longShare = 0.01): string {
  const long = random() < longShare;
  const length = long ? 1_500 + Math.floor(random() * 3_000) : 1 + Math.floor(random() * 200);
  let body = '';
  for (let i = 0; i < length; i += 1) body += ALPHABET[Math.floor(random() * ALPHABET.length)]!;
  return `#${index} ${body}`;
}

/** The kind and message id of a PacketChat datagram (undefined for anything else). */
export function packetOf(bytes: Buffer): { kind: string; id?: string; index?: number } | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { kind, id, index } = value as { kind?: unknown; id?: unknown; index?: unknown };
    if (typeof kind !== 'string') return undefined;
    return {
      kind,
      ...(typeof id === 'string' ? { id } : {}),
      ...(typeof index === 'number' ? { index } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The seed for this run: PACKETCHAT_FAULT_SEED when set, else `fallback`. */
export function seedFromEnv(fallback: number): number {
  const text = process.env['PACKETCHAT_FAULT_SEED'];
  return text === undefined || text === '' ? fallback : Number(text) >>> 0;
}

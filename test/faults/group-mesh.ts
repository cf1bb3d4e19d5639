import { createNode, type NodeOptions, type PacketChatNode } from '../../electron/net/index';
import type { ChatMessage } from '../../shared/domain';
import {
  mulberry32,
  startImpairmentProxy,
  type DirectionFaults,
  type ImpairmentProxy,
} from '../helpers/impairment-proxy';
import { testPorts } from '../helpers/ports';
import { waitUntil } from '../helpers/wait';

/**
 * N nodes, every pair joined by its own impairment proxy (45 proxies for 10 nodes), no broadcast
 * and no TCP: every byte between two nodes crosses their proxy (as test/faults/mesh.ts does for
 * three). The display log records what each node shows in each group, in order, with its own
 * messages at the moment it sent them, and what it had shown of each other sender then (the
 * causal context its message carries).
 */
export interface Shown {
  readonly mid: string;
  readonly sender: string;
  readonly seq: number;
  readonly gap: boolean;
  readonly text: string;
}

export class DisplayLog {
  /** Per node index: what it showed, in order. */
  readonly shown: Shown[][];
  /** What each message depended on: per sender, the highest seq its sender had shown. */
  readonly context = new Map<string, Map<string, number>>();

  constructor(private readonly nodes: readonly PacketChatNode[]) {
    this.shown = nodes.map(() => []);
    nodes.forEach((node, i) =>
      node.on('message', (m: ChatMessage) => {
        if (m.group !== undefined) this.record(i, m);
      }),
    );
  }

  /** Posts a group message from node `i` and records it as shown there (with its context). */
  async post(i: number, groupId: string, text: string): Promise<ChatMessage> {
    const node = this.nodes[i]!;
    const heads = new Map<string, number>();
    for (const s of this.shown[i]!)
      if (s.sender !== node.id) heads.set(s.sender, Math.max(heads.get(s.sender) ?? 0, s.seq));
    const message = await node.sendText(`group:${groupId}`, text);
    this.context.set(message.id, heads);
    this.record(i, message);
    return message;
  }

  private record(i: number, m: ChatMessage): void {
    const group = m.group;
    if (group === undefined) return;
    this.shown[i]!.push({
      mid: m.id,
      sender: group.sender,
      seq: m.seq,
      gap: group.gap,
      text: m.text,
    });
  }

  /** Messages node `i` showed in order but before something in their causal context. */
  causalViolations(i: number): string[] {
    const at = new Map<string, number>();
    const problems: string[] = [];
    const key = (sender: string, seq: number) => `${sender}#${String(seq)}`;
    this.shown[i]!.forEach((s, index) => at.set(key(s.sender, s.seq), index));
    this.shown[i]!.forEach((s, index) => {
      if (s.gap) return;
      for (const [sender, seq] of this.context.get(s.mid) ?? []) {
        if (sender === this.nodes[i]!.id) continue; // our own: shown when we sent it
        // The last one the writer had seen from `sender` must show here first (when it is ours to see).
        const dep = at.get(key(sender, seq));
        if (dep !== undefined && dep > index)
          problems.push(`${s.sender.slice(0, 6)}#${s.seq} before ${sender.slice(0, 6)}#${seq}`);
      }
    });
    return problems;
  }

  /** Per sender, the sequence numbers node `i` showed, in the order it showed them. */
  bySender(i: number): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const s of this.shown[i]!) {
      const list = out.get(s.sender) ?? [];
      list.push(s.seq);
      out.set(s.sender, list);
    }
    return out;
  }

  gaps(i: number): number {
    return this.shown[i]!.filter((s) => s.gap).length;
  }
}

export interface GroupMesh {
  readonly seed: number;
  readonly nodes: PacketChatNode[];
  readonly log: DisplayLog;
  /** The proxy between nodes i and j (either order). */
  proxy(i: number, j: number): ImpairmentProxy;
  readonly proxies: readonly ImpairmentProxy[];
  describe(): string;
  close(): Promise<void>;
}

export interface GroupMeshOptions {
  readonly count: number;
  readonly seed: number;
  readonly faults: DirectionFaults;
  /** Options of node `i` (identity, persistence, timers). */
  readonly node?: (i: number) => Partial<NodeOptions>;
}

/** The client port of node `i` (fixed, so a node restarted on it keeps its proxies). */
export function clientPortOf(base: number, i: number): number {
  return base + i * 7;
}

export async function startGroupMesh(options: GroupMeshOptions): Promise<GroupMesh> {
  const { serverPort, clientPort } = testPorts();
  const nodes = Array.from({ length: options.count }, (_, i) =>
    createNode({
      nick: `n${String(i)}`,
      serverPort,
      clientPort: clientPortOf(clientPort, i),
      clientPortAttempts: 1,
      broadcast: [],
      tcp: false,
      random: mulberry32(options.seed + 1_000 + i),
      announceIntervalMs: 2_000,
      ...options.node?.(i),
    }),
  );
  const byPair = new Map<string, ImpairmentProxy>();
  const proxies: ImpairmentProxy[] = [];
  const log = new DisplayLog(nodes);
  const mesh: GroupMesh = {
    seed: options.seed,
    nodes,
    log,
    proxies,
    proxy: (i, j) => {
      const proxy = byPair.get(`${String(Math.min(i, j))}-${String(Math.max(i, j))}`);
      if (proxy === undefined) throw new Error(`no proxy ${i}-${j}`);
      return proxy;
    },
    describe: () => {
      const totals = { received: 0, loss: 0, duplicated: 0, reordered: 0, partition: 0 };
      for (const p of proxies)
        for (const d of [p.counters.forward, p.counters.back]) {
          totals.received += d.received;
          totals.loss += d.dropped.loss;
          totals.duplicated += d.duplicated;
          totals.reordered += d.reordered;
          totals.partition += d.dropped.partition;
        }
      return `seed=${options.seed} (rerun with PACKETCHAT_FAULT_SEED=${options.seed}); proxies: ${JSON.stringify(totals)}`;
    },
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    for (let i = 0; i < nodes.length; i += 1)
      for (let j = i + 1; j < nodes.length; j += 1) {
        const proxy = await startImpairmentProxy({
          seed: (options.seed * 131 + i * 17 + j) >>> 0,
          target: { port: clientPortOf(clientPort, j) },
          client: { port: clientPortOf(clientPort, i) },
          both: options.faults,
        });
        byPair.set(`${String(i)}-${String(j)}`, proxy);
        proxies.push(proxy);
        nodes[i]!.addPeer(`127.0.0.1:${String(proxy.port)}`);
      }
    await waitUntil(
      () =>
        nodes.every(
          (n) =>
            n.peerList().filter((p) => p.online && p.signingKey !== undefined).length ===
            nodes.length - 1,
        ),
      30_000,
      'every node to see every other through the proxies',
    );
  } catch (error) {
    await mesh.close();
    throw error;
  }
  return mesh;
}

/** Resolves when every node in `members` lists `groupId` with exactly these members. */
export async function groupAgreed(
  nodes: readonly PacketChatNode[],
  groupId: string,
  timeoutMs: number,
): Promise<void> {
  await waitUntil(
    () => {
      const views = nodes.map((n) => {
        const g = n.group(groupId);
        return g === undefined ? 'none' : `${g.version} ${g.members.map((m) => m.id).join(',')}`;
      });
      return views.every((v) => v === views[0] && v !== 'none');
    },
    timeoutMs,
    `${nodes.length} nodes to agree on the membership of ${groupId}`,
  );
}

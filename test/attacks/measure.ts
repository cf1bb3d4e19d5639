/**
 * What the attack tests measure: honest message-to-ack latency while an attack runs, the
 * victim's resident memory and CPU time (from /proc, for a victim that is its own process), and
 * what its database kept. The bounds are the acceptance numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { PacketChatNode } from '../../electron/net/node';
import type { MessageStateChange } from '../../shared/domain';
import type { CliNode, SentEvent } from '../helpers/cli-node';
import { waitForEvent } from '../helpers/wait';

/** Honest message-to-ack p99 during an attack must stay under this (ms). */
export const P99_BOUND_MS = 1_000;
/** The victim's resident memory must stay under this (MB). */
export const RSS_BOUND_MB = 200;
/** A message not acknowledged within this long counts as lost (its latency is this). */
const ACK_TIMEOUT_MS = 10_000;

/** Sends one honest message and resolves with its message-to-ack time in ms. */
export interface Chatter {
  send(text: string): Promise<number>;
}

/** A CLI node sending to `to` (a peer id): from the command on stdin to the `delivered` status. */
export function cliChatter(from: CliNode, to: string): Chatter {
  let queue = Promise.resolve();
  return {
    send: async (text) => {
      // Commands are answered in order: one at a time until its `sent` reply names the id.
      let started = 0;
      let sent: SentEvent | undefined;
      const turn = queue.then(async () => {
        const before = from.events.length;
        started = performance.now();
        from.send({ cmd: 'send', to, text });
        sent = await from.waitFor(
          (e): e is SentEvent => e.type === 'sent' && from.events.indexOf(e) >= before,
          ACK_TIMEOUT_MS,
          `the sent reply for "${text}"`,
        );
      });
      queue = turn.catch(() => undefined);
      await turn;
      const id = sent?.id;
      try {
        await from.waitForType(
          'status',
          (e) => e.id === id && e.status === 'delivered',
          ACK_TIMEOUT_MS,
          `delivery of "${text}"`,
        );
      } catch {
        return ACK_TIMEOUT_MS;
      }
      return performance.now() - started;
    },
  };
}

/** An in-process node sending to `to`. */
export function nodeChatter(from: PacketChatNode, to: string): Chatter {
  return {
    send: async (text) => {
      const started = performance.now();
      const acked = new Set<string>();
      let id = '';
      const done = waitForEvent<MessageStateChange>(
        from,
        'message-state',
        (u) => {
          if (u.state === 'delivered') acked.add(u.id);
          return acked.has(id);
        },
        ACK_TIMEOUT_MS,
      );
      id = (await from.sendText(to, text)).id;
      try {
        await done;
      } catch {
        return ACK_TIMEOUT_MS;
      }
      return performance.now() - started;
    },
  };
}

export interface ChatResult {
  readonly sent: number;
  readonly latencies: readonly number[];
  readonly lost: number;
  readonly texts: readonly string[];
}

/**
 * Honest chat while `attack` runs: one message every `intervalMs` (not waiting for acks), and at
 * least `minMessages`. Resolves when the attack is over and every message has its ack or timed out.
 */
export async function chatDuring(
  chatter: Chatter,
  attack: Promise<unknown>,
  options: { intervalMs?: number; minMessages?: number; label?: string } = {},
): Promise<ChatResult> {
  const intervalMs = options.intervalMs ?? 100;
  const minMessages = options.minMessages ?? 20;
  const attackState = { over: false };
  const attackDone = attack.finally(() => {
    attackState.over = true;
  });
  const pending: Promise<number>[] = [];
  const texts: string[] = [];
  while (!attackState.over || pending.length < minMessages) {
    const text = `${options.label ?? 'honest'} ${pending.length}`;
    texts.push(text);
    pending.push(chatter.send(text));
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await attackDone;
  const latencies = await Promise.all(pending);
  return {
    sent: pending.length,
    latencies,
    lost: latencies.filter((l) => l >= ACK_TIMEOUT_MS).length,
    texts,
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, rank)] ?? 0;
}

/** VmRSS of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/** User plus system CPU time of a process so far, in seconds (utime + stime of /proc/PID/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of the whole line
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Samples a process's RSS every 100 ms and its CPU time at start and stop. */
export class ProcessSampler {
  private peak = 0;
  private readonly cpuAtStart: number;
  private readonly startedAt = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly pid: number) {
    this.cpuAtStart = cpuSeconds(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): { peakRssMb: number; cpuSeconds: number; wallSeconds: number } {
    clearInterval(this.timer);
    this.sample();
    return {
      peakRssMb: this.peak,
      cpuSeconds: cpuSeconds(this.pid) - this.cpuAtStart,
      wallSeconds: (performance.now() - this.startedAt) / 1000,
    };
  }

  private sample(): void {
    try {
      this.peak = Math.max(this.peak, rssMb(this.pid));
    } catch {
      // the process is gone; the test notices that elsewhere
    }
  }
}

/** One line per measurement, so a run's log shows the numbers next to their bounds. */
export function report(attack: string, values: Record<string, number | string>): void {
  const parts = Object.entries(values).map(
    ([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toFixed(2)) : v}`,
  );
  console.log(`[attack] ${attack}: ${parts.join(' ')}`);
}

export function latencySummary(chat: ChatResult): Record<string, number> {
  return {
    messages: chat.sent,
    lost: chat.lost,
    p50Ms: percentile(chat.latencies, 50),
    p99Ms: percentile(chat.latencies, 99),
    maxMs: Math.max(0, ...chat.latencies),
  };
}

/** Rows a stopped node's database holds (the CLI's `--data-dir`). */
export function storedCounts(dataDir: string): {
  peers: string[];
  messagesByPeer: Record<string, number>;
  inboundStreams: string[];
} {
  const db = new DatabaseSync(join(dataDir, 'packetchat.db'), { readOnly: true });
  try {
    const peers = db.prepare('SELECT id FROM peers').all() as { id: string }[];
    const messages = db
      .prepare('SELECT peer_id AS peer, count(*) AS n FROM messages GROUP BY peer_id')
      .all() as { peer: string; n: number }[];
    const streams = db.prepare('SELECT peer_id AS peer FROM inbound_streams').all() as {
      peer: string;
    }[];
    return {
      peers: peers.map((p) => p.id),
      messagesByPeer: Object.fromEntries(messages.map((m) => [m.peer, m.n])),
      inboundStreams: streams.map((s) => s.peer),
    };
  } finally {
    db.close();
  }
}

export interface UnderAttack<T> {
  readonly attack: T;
  readonly chat: ChatResult;
  readonly victim: { peakRssMb: number; cpuSeconds: number; wallSeconds: number };
}

/**
 * Runs `attack` while `chatter` chats honestly, sampling the victim process; prints the numbers
 * and asserts the bounds: no honest message lost, p99 message-to-ack < 1 s, RSS < 200 MB.
 */
export async function underAttack<T>(
  name: string,
  victimPid: number | undefined,
  chatter: Chatter,
  attack: () => Promise<T>,
  options: { intervalMs?: number; minMessages?: number; extra?: () => Record<string, number> } = {},
): Promise<UnderAttack<T>> {
  if (victimPid === undefined) throw new Error('the victim has no pid');
  const sampler = new ProcessSampler(victimPid);
  const running = attack();
  const chat = await chatDuring(chatter, running, { ...options, label: `honest (${name})` });
  const result = await running;
  const victim = sampler.stop();
  report(name, {
    ...latencySummary(chat),
    victimPeakRssMb: victim.peakRssMb,
    victimCpuSeconds: victim.cpuSeconds,
    wallSeconds: victim.wallSeconds,
    ...(options.extra?.() ?? {}),
  });
  if (chat.lost > 0) throw new Error(`${name}: ${chat.lost} of ${chat.sent} honest messages lost`);
  if (percentile(chat.latencies, 99) >= P99_BOUND_MS)
    throw new Error(
      `${name}: honest p99 ${percentile(chat.latencies, 99)} ms, bound ${P99_BOUND_MS} ms`,
    );
  if (victim.peakRssMb >= RSS_BOUND_MB)
    throw new Error(`${name}: victim RSS ${victim.peakRssMb} MB, bound ${RSS_BOUND_MB} MB`);
  return { attack: result, chat, victim };
}

/**
 * The critical path of one message, stage by stage: wraps the functions a message and its ack
 * pass through (in a benchmark worker only; nothing in electron/ knows) and records
 * `process.hrtime.bigint()` at each. The clock is CLOCK_MONOTONIC, the same in every process, so
 * the sender's and the receiver's marks line up on one time axis (profile.ts `--trace`).
 */
import { Socket as UdpSocket } from 'node:dgram';
import { Socket as TcpSocket } from 'node:net';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { Bundler } from '../../electron/net/bundler';
import { InboundOrder } from '../../electron/net/inbound-order';
import { PacketChatNode } from '../../electron/net/node';
import { RateLimiter } from '../../electron/net/rate-limiter';
import { ReliableSender } from '../../electron/net/reliable-sender';
import { SecureChannel } from '../../electron/net/secure-channel';
import { TextReceiver } from '../../electron/net/text-receiver';
import { DeliveryStateWriter } from '../../electron/net/state-writer';
import { TextSender } from '../../electron/net/text-sender';
import { Wire } from '../../electron/net/wire';

/** One mark: a stage's name and when it was reached (ns, CLOCK_MONOTONIC). */
export type Mark = readonly [stage: string, at: string];

/**
 * Something that ran in the process beside the path, from start to end (ns, CLOCK_MONOTONIC): a
 * garbage collection (`gc scavenge`, `gc mark-compact`, ...) or a timer's callback
 * (`setTimeout 5000ms onStreamTimer`). Kept apart from the marks, so the stage table is the same
 * with or without them; the tail view says which of the slowest round trips they overlapped.
 */
export type Span = readonly [what: string, start: string, end: string];

/** What traceTake() gives: the marks of the path and the spans beside it. */
export interface Trace {
  readonly marks: Mark[];
  readonly spans: Span[];
}

let marks: [string, bigint][] = [];
let spans: [string, bigint, bigint][] = [];
let installed = false;

export function mark(stage: string): void {
  if (installed) marks.push([stage, process.hrtime.bigint()]);
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Marks `<name>` when `method` is entered and, with `exit`, `<name>.end` when it returns. */
function wrap(proto: object, method: string, name: string, exit = false): void {
  const target = proto as Record<string, Method>;
  const original = target[method];
  if (typeof original !== 'function') throw new Error(`no method ${method} to trace`);
  target[method] = function traced(this: unknown, ...args: unknown[]): unknown {
    mark(name);
    const result = original.apply(this, args);
    if (exit) mark(`${name}.end`);
    return result;
  };
}

/** Installs the marks in this process (once); later calls only clear what was recorded. */
export function traceStart(): void {
  marks = [];
  spans = [];
  if (installed) return;
  installed = true;
  traceSpans();
  const node = PacketChatNode.prototype;
  const sendText = node.sendText;
  node.sendText = function traced(this: PacketChatNode, ...args: Parameters<typeof sendText>) {
    mark('sendText');
    return sendText.apply(this, args).then((message) => {
      mark('sendText resolved');
      return message;
    });
  };
  wrap(node, 'sealFor', 'encode+seal', true);
  wrap(SecureChannel.prototype, 'seal', 'aead seal', true);
  // A TCP frame's record is sealed in parts (node.ts sealPartsFor): the same two stages.
  wrap(node, 'sealPartsFor', 'encode+seal', true);
  wrap(SecureChannel.prototype, 'sealRecordParts', 'aead seal', true);
  wrap(node, 'onOpened', 'opened (decode)');
  wrap(node, 'dispatch', 'dispatch');
  wrap(TextReceiver.prototype, 'receive', 'receiver', true);
  wrap(TextReceiver.prototype, 'flush', 'receiver flush', true);
  wrap(TextSender.prototype, 'flush', 'sender flush', true);
  wrap(TextSender.prototype, 'acknowledge', 'acknowledge', true);
  wrap(DeliveryStateWriter.prototype, 'flush', 'state write', true);
  wrap(SecureChannel.prototype, 'handle', 'open', true);
  if (process.env['PACKET_CHAT_TRACE_FINE'] === '1') {
    // Finer marks inside the stages (they cost a little each, so only when asked).
    wrap(node, 'logInbound', 'log inbound', true);
    wrap(node, 'touch', 'touch', true);
    wrap(InboundOrder.prototype, 'accept', 'order accept', true);
    wrap(ReliableSender.prototype, 'acknowledge', 'reliable acknowledge', true);
    wrap(ReliableSender.prototype, 'start', 'reliable start', true);
    wrap(RateLimiter.prototype, 'take', 'rate limit', true);
    wrap(Bundler.prototype, 'add', 'bundler add', true);
    wrap(Bundler.prototype, 'flush', 'bundler flush', true);
    wrap(TextSender.prototype, 'send', 'text sender send', true);
  }
  wrap(Wire.prototype, 'onDatagram', 'wire in');
  wrap(Wire.prototype, 'onFrame', 'wire frame in');
  wrap(Wire.prototype, 'sendTcp', 'wire sendTcp');
  // The socket calls, here and in the raw baselines alike.
  const udpSend = UdpSocket.prototype.send as unknown as Method;
  (UdpSocket.prototype as unknown as Record<string, Method>).send = function traced(
    this: unknown,
    ...args: unknown[]
  ): unknown {
    mark('sendto');
    const last = args.length - 1;
    const done = args[last];
    if (typeof done === 'function') {
      args[last] = (...r: unknown[]): unknown => {
        mark('send callback');
        return (done as (...a: unknown[]) => unknown)(...r);
      };
    }
    const result = udpSend.apply(this, args);
    mark('sendto.end');
    return result;
  };
  markEvent(UdpSocket.prototype, 'message', 'udp message');
  const tcpWrite = TcpSocket.prototype.write as unknown as Method;
  (TcpSocket.prototype as unknown as Record<string, Method>).write = function traced(
    this: unknown,
    ...args: unknown[]
  ): unknown {
    mark('tcp write');
    const result = tcpWrite.apply(this, args);
    mark('tcp write.end');
    return result;
  };
  markEvent(TcpSocket.prototype, 'data', 'tcp data');
  if (process.env['PACKET_CHAT_TRACE_FINE'] === '1') {
    // A corked frame goes to the kernel (one writev) when the socket is uncorked.
    const uncork = TcpSocket.prototype.uncork;
    TcpSocket.prototype.uncork = function traced(this: TcpSocket): void {
      mark('tcp uncork');
      uncork.call(this);
      mark('tcp uncork.end');
    };
  }
}

/** Marks `name` each time an emitter of this prototype emits `event`. */
function markEvent(proto: object, event: string, name: string): void {
  const target = proto as Record<string, Method>;
  const emit = target['emit'];
  if (emit === undefined) throw new Error('no emit to trace');
  target['emit'] = function traced(this: unknown, ...args: unknown[]): unknown {
    if (args[0] === event) mark(name);
    return emit.apply(this, args);
  };
}

/** What was recorded since traceStart(), and a fresh start. */
export function traceTake(): Trace {
  const taken = marks.map(([stage, at]): Mark => [stage, at.toString()]);
  const beside = spans.map(([what, a, b]): Span => [what, a.toString(), b.toString()]);
  marks = [];
  spans = [];
  return { marks: taken, spans: beside };
}

const GC_KINDS: Readonly<Record<number, string>> = {
  1: 'scavenge',
  2: 'minor mark-sweep',
  4: 'mark-compact',
  8: 'incremental marking',
  16: 'weak callbacks',
};

/**
 * Records garbage collections (perf_hooks) and timer callbacks (setTimeout, setInterval and
 * setImmediate of this process, wrapped) as spans. The timers' callbacks are wrapped when they are
 * scheduled: one closure more per timer, nothing else on the path.
 */
function traceSpans(): void {
  // performance.now() is milliseconds since timeOrigin on the same monotonic clock.
  const origin = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));
  const at = (ms: number): bigint => origin + BigInt(Math.round(ms * 1e6));
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      detail?: { kind?: number };
    })[]) {
      const kind = GC_KINDS[entry.detail?.kind ?? 0] ?? 'other';
      spans.push([`gc ${kind}`, at(entry.startTime), at(entry.startTime + entry.duration)]);
    }
  }).observe({ entryTypes: ['gc'] });
  const timed = (kind: string, fn: unknown, ms?: unknown): unknown => {
    if (typeof fn !== 'function') return fn;
    const name = `${kind}${typeof ms === 'number' ? ` ${ms}ms` : ''} ${fn.name || '(anonymous)'}`;
    return function traced(this: unknown, ...args: unknown[]): unknown {
      const start = process.hrtime.bigint();
      try {
        return (fn as Method).apply(this, args);
      } finally {
        spans.push([name, start, process.hrtime.bigint()]);
      }
    };
  };
  const g = globalThis as unknown as Record<string, Method>;
  for (const kind of ['setTimeout', 'setInterval', 'setImmediate'] as const) {
    const original = g[kind];
    if (original === undefined) continue;
    const wrapped = function traced(this: unknown, fn: unknown, ...rest: unknown[]): unknown {
      return original.call(
        this,
        timed(kind, fn, kind === 'setImmediate' ? undefined : rest[0]),
        ...rest,
      );
    };
    Object.assign(wrapped, original); // keeps util.promisify.custom and the like
    g[kind] = wrapped;
  }
}

export interface StageRow {
  readonly stage: string;
  /** The stage most often just before it in a round: `step` is the time since that one. */
  readonly from: string;
  /** Median time since the round's first mark (µs). */
  readonly at: number;
  /** Median time since the stage before it in the round (µs). */
  readonly step: number;
  /** The 99th percentile of that step over all rounds (µs). */
  readonly stepP99: number;
  /** In how many rounds the stage was seen. */
  readonly rounds: number;
}

interface Timed {
  readonly key: string;
  readonly at: bigint;
}

type Side = { readonly side: string; readonly marks: readonly Mark[] };

/**
 * Lines up the marks of the processes (each list tagged with its side) and cuts them into rounds
 * at each `start` mark of the first side; the last round (cut short) is dropped. A stage seen twice
 * in a round is numbered (`#2`).
 */
function roundsOf(sides: readonly Side[], start: string, skipRounds: number): Timed[][] {
  const all = sides
    .flatMap(({ side, marks: m }) => m.map(([stage, at]) => ({ key: `${side} ${stage}`, at })))
    .map((m) => ({ key: m.key, at: BigInt(m.at) }))
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const first = `${sides[0]?.side ?? ''} ${start}`;
  const rounds: Timed[][] = [];
  for (const m of all) {
    if (m.key === first) rounds.push([]);
    rounds.at(-1)?.push(m);
  }
  return rounds.slice(skipRounds, -1).map((round) => {
    const seen = new Map<string, number>();
    return round.map((m) => {
      const n = (seen.get(m.key) ?? 0) + 1;
      seen.set(m.key, n);
      return n === 1 ? m : { key: `${m.key} #${n}`, at: m.at };
    });
  });
}

/** The upper median, as this table always took it. */
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** Nearest rank, as stats.ts `percentile`. */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

interface Steps {
  readonly at: number[];
  readonly step: number[];
  readonly order: number[];
  readonly from: Map<string, number>;
}

function stepsOf(rounds: readonly (readonly Timed[])[]): Map<string, Steps> {
  const offsets = new Map<string, Steps>();
  for (const round of rounds) {
    const t0 = round[0]?.at ?? 0n;
    let previous: Timed | undefined;
    round.forEach((m, i) => {
      let entry = offsets.get(m.key);
      if (entry === undefined) {
        entry = { at: [], step: [], order: [], from: new Map() };
        offsets.set(m.key, entry);
      }
      entry.at.push(Number(m.at - t0) / 1_000);
      entry.step.push(Number(m.at - (previous?.at ?? t0)) / 1_000);
      entry.order.push(i);
      const before = previous?.key ?? '';
      entry.from.set(before, (entry.from.get(before) ?? 0) + 1);
      previous = m;
    });
  }
  return offsets;
}

function mostOften(counts: ReadonlyMap<string, number>): string {
  let best = '';
  let most = -1;
  for (const [key, n] of counts)
    if (n > most) {
      best = key;
      most = n;
    }
  return best;
}

/**
 * Per stage: the median offset from the round's start and from the stage before it (and that
 * step's 99th percentile), in the order the stages usually come.
 */
export function stages(sides: readonly Side[], start: string, skipRounds = 0): StageRow[] {
  return rowsOf(stepsOf(roundsOf(sides, start, skipRounds)));
}

function rowsOf(offsets: ReadonlyMap<string, Steps>): StageRow[] {
  return [...offsets.entries()]
    .map(([stage, o]) => ({
      stage,
      from: mostOften(o.from),
      at: median(o.at),
      step: median(o.step),
      stepP99: quantile(o.step, 0.99),
      rounds: o.at.length,
      order: median(o.order),
    }))
    .sort((x, y) => x.order - y.order || x.at - y.at)
    .map(({ order: _order, ...row }) => row);
}

export interface TailRow {
  readonly stage: string;
  /** The stage's median step over all rounds (µs). */
  readonly step: number;
  /** Its median step within the slowest rounds (µs). */
  readonly tailStep: number;
  /** In how many of the slowest rounds it was seen. */
  readonly rounds: number;
  /** In how many of the slowest rounds this stage's step was the one furthest above its median. */
  readonly worst: number;
}

export interface Tail {
  /** How many rounds, how many of them are the slowest, and where the slowest start (µs). */
  readonly rounds: number;
  readonly slowest: number;
  readonly median: number;
  readonly threshold: number;
  /** The slowest round's length (µs). */
  readonly longest: number;
  readonly rows: TailRow[];
  /** Spans (gc, timers) that overlapped a slowest round: what, in how many, total µs inside. */
  readonly beside: { readonly what: string; readonly rounds: number; readonly micros: number }[];
  /** The same spans over all rounds: in how many rounds each overlapped. */
  readonly besideAll: { readonly what: string; readonly rounds: number }[];
}

/**
 * The slowest `fraction` of rounds (by the time of their last mark since the first): per stage the
 * median step within them next to the median over all rounds, which stage was the furthest above
 * its median in each, and which garbage collections and timer callbacks they overlapped.
 */
export function tail(
  sides: readonly Side[],
  spansOf: readonly { readonly side: string; readonly spans: readonly Span[] }[],
  start: string,
  fraction = 0.01,
): Tail {
  const rounds = roundsOf(sides, start, 0);
  const all = stepsOf(rounds);
  const length = (r: readonly Timed[]): number =>
    Number((r.at(-1)?.at ?? 0n) - (r[0]?.at ?? 0n)) / 1_000;
  const byLength = [...rounds].sort((x, y) => length(y) - length(x));
  const slowest = byLength.slice(0, Math.max(1, Math.ceil(rounds.length * fraction)));
  const inTail = stepsOf(slowest);
  const medians = new Map([...all].map(([key, o]) => [key, median(o.step)]));
  const worst = new Map<string, number>();
  for (const round of slowest) {
    let key = '';
    let most = -Infinity;
    round.forEach((m, i) => {
      const step = Number(m.at - (round[i - 1]?.at ?? m.at)) / 1_000;
      const excess = step - (medians.get(m.key) ?? 0);
      if (excess > most) {
        most = excess;
        key = m.key;
      }
    });
    worst.set(key, (worst.get(key) ?? 0) + 1);
  }
  const rows = rowsOf(all).map((row) => {
    const t = inTail.get(row.stage);
    return {
      stage: row.stage,
      step: row.step,
      tailStep: t === undefined ? Number.NaN : median(t.step),
      rounds: t?.step.length ?? 0,
      worst: worst.get(row.stage) ?? 0,
    };
  });
  const overlaps = (chosen: readonly (readonly Timed[])[]) => {
    const found = new Map<string, { rounds: number; micros: number }>();
    const spanList = spansOf.flatMap(({ side, spans: list }) =>
      list.map(([what, a, b]) => ({ what: `${side} ${what}`, a: BigInt(a), b: BigInt(b) })),
    );
    for (const round of chosen) {
      const r0 = round[0]?.at ?? 0n;
      const r1 = round.at(-1)?.at ?? 0n;
      const here = new Map<string, number>();
      for (const s of spanList) {
        if (s.b < r0 || s.a > r1) continue;
        const inside = (s.b < r1 ? s.b : r1) - (s.a > r0 ? s.a : r0);
        here.set(s.what, (here.get(s.what) ?? 0) + Number(inside) / 1_000);
      }
      for (const [what, micros] of here) {
        const f = found.get(what) ?? { rounds: 0, micros: 0 };
        found.set(what, { rounds: f.rounds + 1, micros: f.micros + micros });
      }
    }
    return [...found.entries()]
      .map(([what, f]) => ({ what, ...f }))
      .sort((x, y) => y.rounds - x.rounds);
  };
  const lengths = rounds.map(length);
  return {
    rounds: rounds.length,
    slowest: slowest.length,
    median: median(lengths),
    threshold: slowest.length === 0 ? Number.NaN : length(slowest.at(-1)!),
    longest: slowest.length === 0 ? Number.NaN : length(slowest[0]!),
    rows,
    beside: overlaps(slowest),
    besideAll: overlaps(rounds).map(({ what, rounds: n }) => ({ what, rounds: n })),
  };
}

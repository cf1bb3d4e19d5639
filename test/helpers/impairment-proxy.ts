import { createSocket, type Socket } from 'node:dgram';

/**
 * A seeded userspace UDP impairment proxy (kernel netem is not available here; DESIGN.md).
 *
 * It listens on 127.0.0.1:`port` for one node (the "near" node, direction `forward`) and relays
 * to `target` (the far node's client port) from a dedicated upstream socket; what the far node
 * sends to the upstream socket goes back to the near node from the listening socket (`back`).
 * So the near node sees the far node at the proxy's port, and the far node sees the near node at
 * the upstream socket's port. Loopback only.
 *
 * Every random decision comes from a small PRNG seeded per direction, so the fate of the n-th
 * datagram in a direction depends only on the seed and n (timers still depend on the clock).
 */

export type Direction = 'forward' | 'back';

export interface DirectionFaults {
  /** Independent loss probability per datagram. */
  readonly loss?: number;
  /**
   * Burst loss, Gilbert-Elliott: each datagram first moves the channel good -> bad with
   * probability `enter` and bad -> good with `exit`; in the bad state it is lost with
   * `lossInBurst` (default 1).
   */
  readonly burst?: { readonly enter: number; readonly exit: number; readonly lossInBurst?: number };
  /** Probability that a datagram is sent twice. */
  readonly duplicate?: number;
  /** Probability that a datagram is held back and sent after the next one in its direction. */
  readonly reorder?: number;
  /** Longest a reordered datagram waits for a successor before it goes anyway (default 100 ms). */
  readonly reorderHoldMs?: number;
  /** Fixed delay plus a uniform random jitter in [0, jitterMs). */
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** Probability that a datagram is cut to a random shorter length (at least 1 byte). */
  readonly truncate?: number;
  /** Datagrams larger than this are dropped and counted as oversize. */
  readonly maxDatagramBytes?: number;
  /** Datagrams waiting in delay timers at most; more are dropped as `queue`. Default 10,000. */
  readonly maxQueue?: number;
}

export interface DropCounters {
  loss: number;
  burst: number;
  partition: number;
  oversize: number;
  queue: number;
}

export interface DirectionCounters {
  /** Datagrams that arrived at the proxy. */
  received: number;
  /** Datagrams the proxy sent on (copies included). */
  forwarded: number;
  dropped: DropCounters;
  duplicated: number;
  /** Datagrams that really went out after a later one. */
  reordered: number;
  delayed: number;
  truncated: number;
  oversize: number;
}

export type Fate = 'forwarded' | keyof DropCounters;

/** One datagram as the proxy saw it, for tests that need more than counters. */
export interface ProxyEvent {
  readonly direction: Direction;
  /** Milliseconds since the proxy started. */
  readonly at: number;
  readonly bytes: Buffer;
  readonly fate: Fate;
}

export interface ProxyOptions {
  /** The far node's client socket. */
  readonly target: { readonly port: number; readonly address?: string };
  /** The near node's client socket; learned from the first datagram when absent. */
  readonly client?: { readonly port: number; readonly address?: string };
  readonly seed: number;
  readonly forward?: DirectionFaults;
  readonly back?: DirectionFaults;
  /** Same faults both ways (a direction's own options win). */
  readonly both?: DirectionFaults;
  /** Timed partitions, in ms since start: everything is dropped during [fromMs, toMs). */
  readonly partitions?: readonly { readonly fromMs: number; readonly toMs: number }[];
  /** Called for every datagram that arrives, with what the proxy did to it. */
  readonly onEvent?: (event: ProxyEvent) => void;
}

export interface ImpairmentProxy {
  /** The proxy's listening port: the near node sends here. */
  readonly port: number;
  /** The upstream socket's port: the far node sees the near node here. */
  readonly upstreamPort: number;
  readonly seed: number;
  readonly counters: Readonly<Record<Direction, DirectionCounters>>;
  /** Drops everything both ways for `ms` from now. */
  partition(ms: number): void;
  /** Ends a partition started with `partition()` now. */
  heal(): void;
  /** Milliseconds since the proxy started. */
  elapsed(): number;
  /** "seed=N" and the counters, for failure messages. */
  describe(): string;
  close(): Promise<void>;
}

/** mulberry32: a tiny, fast, seeded 32-bit PRNG. Returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What happens to one datagram: dropped (and why), or sent with these properties. */
export type Verdict =
  | { readonly fate: Exclude<Fate, 'forwarded' | 'partition' | 'queue'> }
  | {
      readonly fate: 'forwarded';
      /** Length to send (shorter than the datagram when truncated). */
      readonly length: number;
      readonly copies: 1 | 2;
      readonly delayMs: number;
      readonly holdForReorder: boolean;
    };

/**
 * The random part of the proxy, without sockets or clocks: one instance per direction. The n-th
 * call's verdict depends only on the seed, the options and the sizes seen so far.
 */
export class FaultModel {
  private readonly random: () => number;
  private bad = false;

  constructor(
    private readonly faults: DirectionFaults,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  decide(size: number): Verdict {
    const f = this.faults;
    // Draw every number every time so one option does not shift the others' sequences.
    const [
      burstDraw,
      burstLossDraw,
      lossDraw,
      truncDraw,
      cutDraw,
      dupDraw,
      reorderDraw,
      jitterDraw,
    ] = Array.from({ length: 8 }, () => this.random()) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (f.maxDatagramBytes !== undefined && size > f.maxDatagramBytes) return { fate: 'oversize' };
    if (f.burst !== undefined) {
      this.bad = this.bad ? burstDraw >= f.burst.exit : burstDraw < f.burst.enter;
      if (this.bad && burstLossDraw < (f.burst.lossInBurst ?? 1)) return { fate: 'burst' };
    }
    if (lossDraw < (f.loss ?? 0)) return { fate: 'loss' };
    const truncated = size > 1 && truncDraw < (f.truncate ?? 0);
    return {
      fate: 'forwarded',
      length: truncated ? 1 + Math.floor(cutDraw * (size - 1)) : size,
      copies: dupDraw < (f.duplicate ?? 0) ? 2 : 1,
      delayMs: (f.delayMs ?? 0) + jitterDraw * (f.jitterMs ?? 0),
      holdForReorder: reorderDraw < (f.reorder ?? 0),
    };
  }
}

function emptyCounters(): DirectionCounters {
  return {
    received: 0,
    forwarded: 0,
    dropped: { loss: 0, burst: 0, partition: 0, oversize: 0, queue: 0 },
    duplicated: 0,
    reordered: 0,
    delayed: 0,
    truncated: 0,
    oversize: 0,
  };
}

interface Lane {
  readonly model: FaultModel;
  readonly faults: DirectionFaults;
  readonly counters: DirectionCounters;
  /** Datagrams waiting in delay timers. */
  queued: number;
  /** A datagram held back to be sent after the next one. */
  held: { bytes: Buffer; timer: ReturnType<typeof setTimeout> } | undefined;
}

/** Starts a proxy on 127.0.0.1 (random free ports). */
export async function startImpairmentProxy(options: ProxyOptions): Promise<ImpairmentProxy> {
  const front = createSocket('udp4');
  const upstream = createSocket('udp4');
  await Promise.all([bind(front), bind(upstream)]);
  for (const socket of [front, upstream]) {
    // Room for bursts, so the proxy itself adds no loss it does not count (capped by rmem_max).
    socket.setRecvBufferSize(4 * 1024 * 1024);
    socket.setSendBufferSize(4 * 1024 * 1024);
  }
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const target = { port: options.target.port, address: options.target.address ?? '127.0.0.1' };
  let client =
    options.client === undefined
      ? undefined
      : { port: options.client.port, address: options.client.address ?? '127.0.0.1' };
  const lane = (direction: Direction, salt: number): Lane => {
    const faults = { ...options.both, ...options[direction] };
    return {
      model: new FaultModel(faults, (options.seed ^ salt) >>> 0),
      faults,
      counters: emptyCounters(),
      queued: 0,
      held: undefined,
    };
  };
  const lanes: Record<Direction, Lane> = {
    forward: lane('forward', 0x5bd1e995),
    back: lane('back', 0x1b873593),
  };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let partitionUntil = -Infinity;
  let closed = false;

  const partitioned = (at: number): boolean =>
    at < partitionUntil || (options.partitions ?? []).some((p) => at >= p.fromMs && at < p.toMs);

  const emit = (direction: Direction, bytes: Buffer): void => {
    if (closed) return;
    const to = direction === 'forward' ? target : client;
    if (to === undefined) return;
    const socket = direction === 'forward' ? upstream : front;
    lanes[direction].counters.forwarded += 1;
    socket.send(bytes, to.port, to.address, () => undefined); // a lost send is just more loss
  };

  /** Sends after the delay; a held datagram goes right after the next one (a real reorder). */
  const release = (direction: Direction, bytes: Buffer): void => {
    const l = lanes[direction];
    emit(direction, bytes);
    if (l.held !== undefined) {
      clearTimeout(l.held.timer);
      timers.delete(l.held.timer);
      emit(direction, l.held.bytes);
      l.counters.reordered += 1;
      l.held = undefined;
    }
  };

  const later = (ms: number, fn: () => void): ReturnType<typeof setTimeout> => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };

  const hold = (direction: Direction, bytes: Buffer): void => {
    const l = lanes[direction];
    if (l.held !== undefined) {
      release(direction, bytes); // one slot: the older held datagram goes after this one
      return;
    }
    const timer = later(l.faults.reorderHoldMs ?? 100, () => {
      if (l.held?.bytes !== bytes) return;
      l.held = undefined;
      emit(direction, bytes); // nothing overtook it in time: not counted as reordered
    });
    l.held = { bytes, timer };
  };

  const onDatagram = (direction: Direction, bytes: Buffer): void => {
    if (closed) return;
    const l = lanes[direction];
    const at = elapsed();
    l.counters.received += 1;
    const verdict = l.model.decide(bytes.byteLength);
    // Oversize is counted even during a partition, so a size assertion holds for all traffic.
    const fate: Fate = verdict.fate !== 'oversize' && partitioned(at) ? 'partition' : verdict.fate;
    options.onEvent?.({ direction, at, bytes, fate });
    if (fate !== 'forwarded' || verdict.fate !== 'forwarded') {
      const reason = fate === 'forwarded' ? verdict.fate : fate;
      if (reason !== 'forwarded') l.counters.dropped[reason] += 1;
      if (reason === 'oversize') l.counters.oversize += 1;
      return;
    }
    const out = verdict.length < bytes.byteLength ? bytes.subarray(0, verdict.length) : bytes;
    if (out !== bytes) l.counters.truncated += 1;
    if (verdict.copies === 2) l.counters.duplicated += 1;
    for (let copy = 0; copy < verdict.copies; copy += 1) {
      const send = (): void =>
        verdict.holdForReorder && copy === 0 ? hold(direction, out) : release(direction, out);
      if (verdict.delayMs < 1) {
        send();
        continue;
      }
      if (l.queued >= (l.faults.maxQueue ?? 10_000)) {
        l.counters.dropped.queue += 1;
        continue;
      }
      l.queued += 1;
      l.counters.delayed += 1;
      // A copy trails its original by up to a few ms, as a duplicating link would.
      later(verdict.delayMs + copy * 2, () => {
        l.queued -= 1;
        send();
      });
    }
  };

  front.on('message', (bytes, rinfo) => {
    client ??= { port: rinfo.port, address: rinfo.address };
    onDatagram('forward', bytes);
  });
  upstream.on('message', (bytes) => onDatagram('back', bytes));

  let closing: Promise<void> | undefined;
  const proxy: ImpairmentProxy = {
    port: front.address().port,
    upstreamPort: upstream.address().port,
    seed: options.seed,
    counters: { forward: lanes.forward.counters, back: lanes.back.counters },
    partition: (ms) => {
      partitionUntil = elapsed() + ms;
    },
    heal: () => {
      partitionUntil = -Infinity;
    },
    elapsed,
    describe: () =>
      `impairment proxy seed=${options.seed} counters=${JSON.stringify(proxy.counters)}`,
    close: () => {
      closing ??= (async () => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await Promise.all([closeSocket(front), closeSocket(upstream)]);
      })();
      return closing;
    },
  };
  return proxy;
}

function bind(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

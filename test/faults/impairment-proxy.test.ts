import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FaultModel,
  mulberry32,
  startImpairmentProxy,
  type ImpairmentProxy,
  type ProxyOptions,
} from '../helpers/impairment-proxy';
import { waitUntil } from '../helpers/wait';

const sockets: Socket[] = [];
const proxies: ImpairmentProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  for (const s of sockets.splice(0)) s.close();
});

interface Endpointed {
  readonly socket: Socket;
  readonly port: number;
  readonly received: { text: string; port: number }[];
}

async function udp(): Promise<Endpointed> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const received: { text: string; port: number }[] = [];
  socket.on('message', (bytes, rinfo) =>
    received.push({ text: bytes.toString(), port: rinfo.port }),
  );
  return { socket, port: socket.address().port, received };
}

async function proxy(options: Omit<ProxyOptions, 'target'>, target: number) {
  const p = await startImpairmentProxy({ ...options, target: { port: target } });
  proxies.push(p);
  return p;
}

function send(from: Socket, bytes: string | Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    from.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
  );
}

/** Sends numbered datagrams one at a time (loopback keeps their order), then waits for the proxy. */
async function sendNumbered(
  from: Socket,
  p: ImpairmentProxy,
  count: number,
  direction: 'forward' | 'back' = 'forward',
): Promise<void> {
  const before = p.counters[direction].received;
  const port = direction === 'forward' ? p.port : p.upstreamPort;
  // In batches, so the kernel never drops at the proxy's socket for want of buffer.
  for (let i = 0; i < count; i += 1) {
    await send(from, `m${i}`, port);
    if (i % 50 === 49 || i === count - 1) {
      await settle(p, () => p.counters[direction].received === before + i + 1, 'proxy receive');
    }
  }
}

/** waitUntil, with the proxy's seed and counters (as they are at the end) in the failure. */
async function settle(p: ImpairmentProxy, condition: () => boolean, what: string): Promise<void> {
  try {
    await waitUntil(condition, 3_000, what);
  } catch (error) {
    throw new Error(`${String(error)}; ${p.describe()}`);
  }
}

describe('mulberry32', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('FaultModel', () => {
  const faults = { loss: 0.1, duplicate: 0.05, reorder: 0.1, jitterMs: 50, truncate: 0.02 };

  it('gives the same verdicts for the same seed, and others for another seed', () => {
    const run = (seed: number) => {
      const model = new FaultModel(faults, seed);
      return Array.from({ length: 500 }, () => model.decide(300));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('applies each fault at about its configured rate', () => {
    const model = new FaultModel(faults, 1234);
    const verdicts = Array.from({ length: 20_000 }, () => model.decide(300));
    const rate = (predicate: (v: (typeof verdicts)[number]) => boolean): number =>
      verdicts.filter(predicate).length / verdicts.length;
    expect(rate((v) => v.fate === 'loss')).toBeCloseTo(0.1, 1);
    const sent = verdicts.filter((v) => v.fate === 'forwarded');
    expect(sent.filter((v) => v.copies === 2).length / sent.length).toBeCloseTo(0.05, 1);
    expect(sent.filter((v) => v.holdForReorder).length / sent.length).toBeCloseTo(0.1, 1);
    expect(sent.filter((v) => v.length < 300).length / sent.length).toBeCloseTo(0.02, 1);
    expect(Math.max(...sent.map((v) => v.delayMs))).toBeLessThan(50);
    expect(Math.max(...sent.map((v) => v.delayMs))).toBeGreaterThan(45);
  });

  it('loses datagrams in bursts with Gilbert-Elliott', () => {
    const model = new FaultModel({ burst: { enter: 0.01, exit: 0.2 } }, 99);
    const lost = Array.from({ length: 50_000 }, () => model.decide(100).fate === 'burst');
    const runs: number[] = [];
    let run = 0;
    for (const l of lost) {
      if (l) run += 1;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    const meanRun = runs.reduce((s, r) => s + r, 0) / runs.length;
    // Mean burst length is 1 / exit = 5; steady-state loss enter / (enter + exit) ~ 4.8 %.
    expect(meanRun).toBeGreaterThan(4);
    expect(meanRun).toBeLessThan(6);
    expect(lost.filter(Boolean).length / lost.length).toBeCloseTo(0.048, 1);
  });

  it('drops anything over the size limit as oversize', () => {
    const model = new FaultModel({ maxDatagramBytes: 1200 }, 1);
    expect(model.decide(1200).fate).toBe('forwarded');
    expect(model.decide(1201).fate).toBe('oversize');
  });
});

describe('impairment proxy on loopback', () => {
  it('relays both ways: the far end sees the upstream port, the near end the proxy port', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy({ seed: 1 }, far.port);
    await send(near.socket, 'hello', p.port);
    await waitUntil(() => far.received.length === 1, 2_000, 'forward datagram');
    expect(far.received[0]).toEqual({ text: 'hello', port: p.upstreamPort });
    await send(far.socket, 'hi back', p.upstreamPort);
    await waitUntil(() => near.received.length === 1, 2_000, 'back datagram');
    expect(near.received[0]).toEqual({ text: 'hi back', port: p.port });
    expect(p.counters.forward).toMatchObject({ received: 1, forwarded: 1 });
    expect(p.counters.back).toMatchObject({ received: 1, forwarded: 1 });
  });

  it('keeps the directions apart: faults on one leave the other clean', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy({ seed: 9, forward: { loss: 1 }, back: { duplicate: 1 } }, far.port);
    await sendNumbered(near.socket, p, 20);
    await sendNumbered(far.socket, p, 20, 'back');
    await settle(p, () => near.received.length === 40, 'back delivery');
    expect(far.received).toEqual([]);
    expect(p.counters.forward.dropped.loss).toBe(20);
    expect(p.counters.back).toMatchObject({ received: 20, forwarded: 40, duplicated: 20 });
    expect(p.counters.back.dropped).toEqual({
      loss: 0,
      burst: 0,
      partition: 0,
      oversize: 0,
      queue: 0,
    });
  });

  it('counts loss and duplication, and what arrives matches the counters', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy({ seed: 2024, forward: { loss: 0.2, duplicate: 0.1 } }, far.port);
    await sendNumbered(near.socket, p, 1_000);
    const c = p.counters.forward;
    await settle(p, () => far.received.length === c.forwarded, 'delivery');
    expect(c.received, p.describe()).toBe(1_000);
    expect(c.dropped.loss, p.describe()).toBeGreaterThan(150);
    expect(c.dropped.loss, p.describe()).toBeLessThan(250);
    expect(c.duplicated, p.describe()).toBeGreaterThan(40);
    expect(c.forwarded, p.describe()).toBe(1_000 - c.dropped.loss + c.duplicated);
    expect(new Set(far.received.map((r) => r.text)).size).toBe(1_000 - c.dropped.loss);
  });

  it('is deterministic: the same seed lets the same datagrams through', async () => {
    const runOnce = async (seed: number): Promise<string[]> => {
      const [near, far] = [await udp(), await udp()];
      const p = await proxy({ seed, both: { loss: 0.3, duplicate: 0.2, truncate: 0.1 } }, far.port);
      await sendNumbered(near.socket, p, 300);
      await settle(p, () => far.received.length === p.counters.forward.forwarded, 'delivery');
      return far.received.map((r) => r.text);
    };
    const first = await runOnce(77);
    expect(await runOnce(77)).toEqual(first);
    expect(await runOnce(78)).not.toEqual(first);
  });

  it('reorders, delays and truncates, and counts each', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy(
      { seed: 5, forward: { reorder: 0.2, jitterMs: 5, delayMs: 1, truncate: 0.1 } },
      far.port,
    );
    await sendNumbered(near.socket, p, 400);
    const c = p.counters.forward;
    await settle(p, () => far.received.length === c.forwarded, 'delivery');
    expect(c.delayed, p.describe()).toBe(400);
    expect(c.truncated, p.describe()).toBeGreaterThan(15);
    expect(c.reordered, p.describe()).toBeGreaterThan(30);
    const numbers = far.received
      .map((r) => r.text)
      .filter((t) => /^m\d+$/.test(t))
      .map((t) => Number(t.slice(1)));
    const inversions = numbers.filter((n, i) => i > 0 && n < numbers[i - 1]!).length;
    expect(inversions, p.describe()).toBeGreaterThan(20);
    expect(far.received.some((r) => !/^m\d+$/.test(r.text))).toBe(true); // truncated ones
  });

  it('drops and counts oversize datagrams, even during a partition', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy({ seed: 3, both: { maxDatagramBytes: 1200 } }, far.port);
    await send(near.socket, Buffer.alloc(1200, 0x61), p.port);
    await send(near.socket, Buffer.alloc(1201, 0x61), p.port);
    await settle(p, () => p.counters.forward.received === 2, 'delivery');
    p.partition(60_000);
    await send(near.socket, Buffer.alloc(1500, 0x61), p.port);
    await send(near.socket, 'small', p.port);
    await settle(p, () => p.counters.forward.received === 4, 'delivery');
    expect(p.counters.forward.oversize).toBe(2);
    expect(p.counters.forward.dropped).toMatchObject({ oversize: 2, partition: 1 });
    expect(far.received.map((r) => r.text.length)).toEqual([1200]);
  });

  it('partitions for a while, by call or by schedule, then heals', async () => {
    const [near, far] = [await udp(), await udp()];
    const p = await proxy({ seed: 4, partitions: [{ fromMs: 0, toMs: 150 }] }, far.port);
    await sendNumbered(near.socket, p, 10);
    await waitUntil(() => p.elapsed() >= 150, 2_000, 'scheduled partition end');
    await send(near.socket, 'after', p.port);
    await settle(p, () => far.received.length === 1, 'delivery');
    p.partition(10_000);
    await send(far.socket, 'dropped', p.upstreamPort);
    await settle(p, () => p.counters.back.dropped.partition === 1, 'delivery');
    p.heal();
    await send(far.socket, 'through', p.upstreamPort);
    await settle(p, () => near.received.length === 1, 'delivery');
    expect(p.counters.forward.dropped.partition).toBe(10);
    expect(far.received[0]?.text).toBe('after');
    expect(near.received[0]?.text).toBe('through');
  });

  it('reports every datagram with its fate, and close() is idempotent', async () => {
    const [near, far] = [await udp(), await udp()];
    const fates: string[] = [];
    const p = await proxy(
      { seed: 6, forward: { loss: 0.5 }, onEvent: (e) => fates.push(e.fate) },
      far.port,
    );
    await sendNumbered(near.socket, p, 100);
    await settle(p, () => fates.length === 100, 'delivery');
    expect(fates.filter((f) => f === 'loss').length).toBe(p.counters.forward.dropped.loss);
    await Promise.all([p.close(), p.close()]);
    await p.close();
  });
});

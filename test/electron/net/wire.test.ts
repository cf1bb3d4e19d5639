// Wire on real loopback sockets: what a datagram becomes (packet, plain text, junk, unknown kind),
// the per-source rate limit, and that an error in a handler never escapes a socket callback.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { PacketLog } from '../../../electron/net/packet-log';
import { bindClientSockets, bindServerSocket } from '../../../electron/net/sockets';
import type { WarningCode } from '../../../electron/net/types';
import { Wire, type Inbound } from '../../../electron/net/wire';
import { emptyCounters } from '../../../shared/domain';
import { encodePacket } from '../../../shared/protocol/codec';
import { testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function harness(
  options: {
    perSecond?: number;
    burst?: number;
    throwOnInbound?: boolean;
    session?: { perSecond: number; burst: number };
    sessionBudget?: (bytes: Buffer, fromAddress: string) => string | undefined;
  } = {},
) {
  const ports = testPorts();
  const counters = emptyCounters();
  const inbound: Inbound[] = [];
  const warnings: { code: WarningCode; message: string }[] = [];
  const wire = new Wire({
    counters,
    log: new PacketLog(100),
    now: Date.now,
    rateLimit: { perSecond: options.perSecond ?? 1_000, burst: options.burst ?? 1_000 },
    ...(options.session === undefined ? {} : { sessionRateLimit: options.session }),
    ...(options.sessionBudget === undefined ? {} : { sessionBudget: options.sessionBudget }),
    onInbound: (i) => {
      inbound.push(i);
      if (options.throwOnInbound === true) throw new Error('a bug in a handler');
    },
    onLogged: () => undefined,
    onWarning: (code, message) => warnings.push({ code, message }),
  });
  const server = await bindServerSocket(ports.serverPort, '127.0.0.1');
  const client = await bindClientSockets(ports.clientPort, '127.0.0.1', false);
  wire.attach({ server, client: client.udp, tcp: undefined, clientPort: client.port });
  closers.push(() => wire.close());
  const sender: Socket = createSocket('udp4');
  closers.push(() => new Promise<void>((resolve) => sender.close(() => resolve())));
  const send = (bytes: Uint8Array | string) => sender.send(bytes, client.port, '127.0.0.1');
  /** A second source on another loopback address. */
  const otherSender = async (): Promise<(bytes: Uint8Array) => void> => {
    const socket: Socket = createSocket('udp4');
    closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.2', resolve));
    return (bytes) => socket.send(bytes, client.port, '127.0.0.1');
  };
  return { wire, counters, inbound, warnings, send, otherSender, port: client.port };
}

const FROM = 'ab'.repeat(16);

describe('Wire', () => {
  it('hands on packets and plain text, counts junk and unknown kinds', async () => {
    const h = await harness();
    h.send(encodePacket({ kind: 'bye', from: FROM }));
    h.send('hello from nc\n');
    h.send(Buffer.from([0xc3, 0x28, 0xff]));
    h.send(JSON.stringify({ proto: 'pchat', v: 2, kind: 'future-kind', from: FROM }));
    await waitUntil(() => h.counters.datagramsReceived === 4, 3_000, 'four datagrams');
    expect(h.inbound.map((i) => i.type)).toEqual(['packet', 'plain']);
    expect(h.counters).toMatchObject({ junkDropped: 1, unknownKindsIgnored: 1 });
    expect(h.warnings.map((w) => w.code)).toEqual(['junk']);
  });

  it('drops what a source sends beyond its rate, before decoding it', async () => {
    const h = await harness({ perSecond: 1, burst: 5 });
    for (let i = 0; i < 20; i += 1) h.send('spam');
    await waitUntil(
      () => h.counters.rateLimited + h.counters.datagramsReceived === 20,
      3_000,
      'all 20',
    );
    expect(h.counters.datagramsReceived).toBe(5);
    expect(h.inbound).toHaveLength(5);
  });

  it('charges records naming a live session to the larger session budget, from its own address only', async () => {
    const h = await harness({
      perSecond: 1,
      burst: 5,
      session: { perSecond: 1, burst: 30 },
      // As the node does: a record (0xFB) whose receiver index is a session made from 127.0.0.1.
      sessionBudget: (bytes, from) =>
        bytes[0] === 0xfb && from === '127.0.0.1' ? from : undefined,
    });
    const record = Buffer.from([0xfb, 0, 0, 0, 1, ...Buffer.alloc(40, 7)]);
    for (let i = 0; i < 20; i += 1) h.send(record);
    await waitUntil(() => h.counters.datagramsReceived === 20, 3_000, 'all 20 records');
    expect(h.counters.rateLimited).toBe(0);
    // The same records from another host pay that host's own (small) budget.
    const other = await h.otherSender();
    for (let i = 0; i < 20; i += 1) other(record);
    await waitUntil(
      () => h.counters.rateLimited + h.counters.datagramsReceived === 40,
      3_000,
      'all 40',
    );
    expect(h.counters.datagramsReceived).toBe(25);
    expect(h.inbound.filter((i) => i.type === 'sealed')).toHaveLength(25);
  });

  it('counts and logs what it sent, and turns a failed send into a counter and a warning', async () => {
    const h = await harness();
    const to = { address: '127.0.0.1', port: h.port };
    h.wire.sendUdp(Buffer.from('hello'), to, { kind: 'plain' });
    // Larger than any UDP datagram: the kernel refuses it (EMSGSIZE).
    h.wire.sendUdp(Buffer.alloc(70_000), to, { kind: 'plain' });
    await waitUntil(() => h.counters.sendErrors === 1, 3_000, 'the failed send');
    expect(await h.wire.sendUdpAsync(Buffer.alloc(70_000), to, {}, 'client', true)).toBe(false);
    expect(await h.wire.sendUdpAsync(Buffer.from('again'), to, {}, 'client', true)).toBe(true);
    expect(h.counters).toMatchObject({ datagramsSent: 2, sendErrors: 2 });
    // The quiet send counted its failure without a warning.
    expect(h.warnings.map((w) => w.code)).toEqual(['send-failed']);
    await waitUntil(() => h.counters.datagramsReceived === 2, 3_000, 'both datagrams back');
  });

  it('sends sealed records without a callback between checks, and still counts a lasting failure and warns of it', async () => {
    const h = await harness();
    const to = { address: '127.0.0.1', port: h.port };
    const meta = { kind: 'bundle', sealed: { type: 'transport', index: 1, counter: '0' } };
    // A burst of records: the first is sent with a callback (a check), the others are counted
    // and logged as they are sent, without waiting for a tick.
    for (let i = 0; i < 5; i += 1) h.wire.sendUdp(Buffer.from(`record ${i}`), to, meta);
    expect(h.counters.datagramsSent).toBe(4);
    await waitUntil(() => h.counters.datagramsSent === 5, 3_000, 'the checked record');
    // A lasting failure (EMSGSIZE here) is heard at the next check, at most SEND_CHECK_MS on.
    for (let i = 0; i < 200 && h.counters.sendErrors === 0; i += 1) {
      h.wire.sendUdp(Buffer.alloc(70_000), to, meta);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(h.counters.sendErrors).toBe(1);
    // While it lasts, every record is checked: each failure is counted and warned of.
    for (let i = 0; i < 3; i += 1) {
      h.wire.sendUdp(Buffer.alloc(70_000), to, meta);
      await waitUntil(() => h.counters.sendErrors === 2 + i, 3_000, `failure ${2 + i}`);
    }
    expect(h.warnings.map((w) => w.code)).toEqual(Array<WarningCode>(4).fill('send-failed'));
    // The next good record is checked too (counted once it has left), and ends the failure.
    // (The records sent between two checks were counted as sent: a failure there goes unseen.)
    const sent = h.counters.datagramsSent;
    h.wire.sendUdp(Buffer.from('good again'), to, meta);
    expect(h.counters.datagramsSent).toBe(sent);
    await waitUntil(() => h.counters.datagramsSent === sent + 1, 3_000, 'the good record');
    expect(h.counters.sendErrors).toBe(4);
    await waitUntil(() => h.counters.datagramsReceived === 6, 3_000, 'the good records back');
  });

  it('turns an exception from a handler into a warning instead of a crash', async () => {
    const h = await harness({ throwOnInbound: true });
    h.send('one');
    h.send('two');
    await waitUntil(() => h.inbound.length === 2, 3_000, 'both datagrams');
    expect(h.warnings.map((w) => w.message)).toEqual([
      'internal error handling input: Error: a bug in a handler',
      'internal error handling input: Error: a bug in a handler',
    ]);
  });
});

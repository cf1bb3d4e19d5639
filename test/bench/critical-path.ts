/**
 * The critical path of one message, stage by stage: wraps the functions a message and its ack
 * pass through (in a benchmark worker only; nothing in electron/ knows) and records
 * `process.hrtime.bigint()` at each. The clock is CLOCK_MONOTONIC, the same in every process, so
 * the sender's and the receiver's marks line up on one time axis (profile.ts `--trace`).
 */
import { Socket as UdpSocket } from 'node:dgram';
import { Socket as TcpSocket } from 'node:net';
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

let marks: [string, bigint][] = [];
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
  if (installed) return;
  installed = true;
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
export function traceTake(): Mark[] {
  const taken = marks.map(([stage, at]): Mark => [stage, at.toString()]);
  marks = [];
  return taken;
}

export interface StageRow {
  readonly stage: string;
  /** Median time since the round's first mark (µs). */
  readonly at: number;
  /** Median time since the stage before it in the round (µs). */
  readonly step: number;
  /** In how many rounds the stage was seen. */
  readonly rounds: number;
}

/**
 * Lines up the marks of the processes (each list tagged with its side) and cuts them into rounds
 * at each `start` mark of the first side. A stage seen twice in a round is numbered (`#2`). Per
 * stage: the median offset from the round's start and from the stage before it.
 */
export function stages(
  sides: readonly { readonly side: string; readonly marks: readonly Mark[] }[],
  start: string,
  skipRounds = 0,
): StageRow[] {
  const all = sides
    .flatMap(({ side, marks: m }) => m.map(([stage, at]) => ({ key: `${side} ${stage}`, at })))
    .map((m) => ({ key: m.key, at: BigInt(m.at) }))
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const first = `${sides[0]?.side ?? ''} ${start}`;
  const rounds: { key: string; at: bigint }[][] = [];
  for (const m of all) {
    if (m.key === first) rounds.push([]);
    rounds.at(-1)?.push(m);
  }
  const offsets = new Map<string, { at: number[]; step: number[]; order: number[] }>();
  for (const round of rounds.slice(skipRounds, -1)) {
    const t0 = round[0]?.at ?? 0n;
    const seen = new Map<string, number>();
    let previous = t0;
    round.forEach((m, i) => {
      const n = (seen.get(m.key) ?? 0) + 1;
      seen.set(m.key, n);
      const key = n === 1 ? m.key : `${m.key} #${n}`;
      const entry = offsets.get(key) ?? { at: [], step: [], order: [] };
      entry.at.push(Number(m.at - t0) / 1_000);
      entry.step.push(Number(m.at - previous) / 1_000);
      entry.order.push(i);
      offsets.set(key, entry);
      previous = m.at;
    });
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? Number.NaN;
  };
  return [...offsets.entries()]
    .map(([stage, o]) => ({
      stage,
      at: median(o.at),
      step: median(o.step),
      rounds: o.at.length,
      order: median(o.order),
    }))
    .sort((x, y) => x.order - y.order || x.at - y.at)
    .map(({ stage, at, step, rounds: n }) => ({ stage, at, step, rounds: n }));
}

/**
 * File data lanes through a relay broker (docs/RELAY.md, "File data"): the file engine's record
 * streams when the peer has no direct path. Every frame is one sealed transport record of the
 * peer's Noise session, published to the peer's inbox like any other record; its inner bytes are
 * a lane header and, for data, one data record (docs/FILES.md, "Data records"):
 *
 *   marker 0xD0 · op u8 · lane id (8 bytes) · sequence u32 · [data record]
 *
 * `open` (1) asks for a lane, `accept` (2) answers it, `data` (3) carries a record, `close` (4)
 * ends the lane. Each direction numbers its data frames from 1; a frame out of sequence (the
 * broker dropped or expired one) ends the lane as a protocol error, and the engine opens a new
 * one and resumes, as after a lost TCP connection. Back-pressure: the receiving engine keeps at
 * most `RELAY_LANE_WINDOW_BYTES` requested and not yet received per lane (the window its next
 * request moves on), and a writer waits while `MAX_UNACKED_PUBLISHES` of its frames are not yet
 * taken by the broker (QoS 1 PUBACK). When the connection to a lane's broker drops (MQTT.js
 * `close`), its lanes end at once; with no other broker up the end is `path-down`, and the
 * receiving transfer pauses until a broker or the LAN is back (no idle timeout is waited for).
 */
import { randomBytes } from 'node:crypto';
import type { NodeCounters, SocketInfo } from '../../../shared/domain';
import { MAX_DATA_RECORD_BYTES } from '../../../shared/files/limits';
import type {
  ChannelError,
  CloseInfo,
  OpenResult,
  RecordStream,
  WriteResult,
} from '../files/ports';
import type { SendMeta } from '../wire';
import { drainTallies, emptyTally, tally } from '../record-tally';
import type { RelayRoute } from './route';
import { WhileBusy } from '../timers';

/** The first inner byte of a relay lane frame (a JSON packet starts with `{`). */
export const RELAY_LANE_MARKER = 0xd0;
export const RELAY_LANE_HEADER_BYTES = 1 + 1 + 8 + 4;
/** Bytes a receiving engine keeps requested and unanswered per relay lane (16 DATA records). */
export const RELAY_LANE_WINDOW_BYTES = 1024 * 1024;
/** Frames a writer may have at the broker without its PUBACK before write() waits. */
export const MAX_UNACKED_PUBLISHES = 8;
/** Relay lanes to or from one peer, each way, and in all. */
export const MAX_RELAY_LANES_PER_PEER = 8;
export const MAX_RELAY_LANES = 32;
/** The broker drops a lane frame nobody took by then (a lane idle this long is gone anyway). */
export const RELAY_LANE_EXPIRY_S = 60;
/** A relay lane that carries nothing either way for this long is closed. */
export const RELAY_LANE_IDLE_MS = 120_000;
const ANSWER_TIMEOUT_MS = 10_000;
const SESSION_WAIT_MS = 10_000;
/** What a lane ends with when its broker connection dropped and no other broker is up. */
export const RELAY_DOWN_MESSAGE = 'Relay broker unreachable';
/** Records queued for a reader beyond the window mean the peer ignores it: the lane ends. */
const MAX_QUEUED_BYTES = 4 * RELAY_LANE_WINDOW_BYTES;
const LOG_EVERY_MS = 1_000;

const OP = { open: 1, accept: 2, data: 3, close: 4 } as const;

export interface RelayLanesDeps {
  readonly counters: NodeCounters;
  /** The relay route to the peer now, or undefined (no broker connected). */
  route(peerId: string): RelayRoute | undefined;
  /** True once a session with the peer exists (a handshake through `route` starts if none). */
  ensureSession(peerId: string, route: RelayRoute, timeoutMs: number): Promise<boolean>;
  /** Seals `inner` in the peer's session (a rekey starts when due); undefined without one. */
  seal(peerId: string, inner: Uint8Array): Uint8Array | undefined;
  /** Publishes a sealed frame to the peer's inbox; true once the broker took it (PUBACK). */
  publish(sealed: Uint8Array, route: RelayRoute, expirySeconds: number): Promise<boolean>;
  /** An accepted lane, for the file engine. */
  incoming(stream: RecordStream): boolean;
  /** One packet log entry (a summary of a lane's records, or its opening and closing). */
  log(direction: 'in' | 'out', size: number, route: RelayRoute, meta: SendMeta): void;
}

const fail = (code: ChannelError['code'], message: string): OpenResult => ({
  ok: false,
  error: { code, message },
});
const closedError: ChannelError = { code: 'closed', message: 'stream closed' };

/** Encodes a frame's inner bytes: the header, then the record (if any). */
export function encodeLaneFrame(
  op: number,
  laneId: Uint8Array,
  seq: number,
  record?: Uint8Array,
): Uint8Array {
  const out = Buffer.allocUnsafe(RELAY_LANE_HEADER_BYTES + (record?.byteLength ?? 0));
  out[0] = RELAY_LANE_MARKER;
  out[1] = op;
  out.set(laneId, 2);
  out.writeUInt32BE(seq, 10);
  if (record !== undefined) out.set(record, RELAY_LANE_HEADER_BYTES);
  return out;
}

/** Decodes a frame's inner bytes; undefined for anything malformed. Never throws. */
export function decodeLaneFrame(
  inner: Uint8Array,
): { op: number; laneId: string; seq: number; record: Uint8Array } | undefined {
  if (inner.byteLength < RELAY_LANE_HEADER_BYTES || inner[0] !== RELAY_LANE_MARKER)
    return undefined;
  const op = inner[1] ?? 0;
  if (op < OP.open || op > OP.close) return undefined;
  const view = Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  const record = inner.subarray(RELAY_LANE_HEADER_BYTES);
  if (op === OP.data ? record.byteLength === 0 : record.byteLength !== 0) return undefined;
  if (record.byteLength > MAX_DATA_RECORD_BYTES) return undefined;
  return { op, laneId: view.toString('hex', 2, 10), seq: view.readUInt32BE(10), record };
}

/** One lane: a RecordStream whose frames go through the broker. */
class RelayLane implements RecordStream {
  readonly closed: Promise<CloseInfo>;
  readonly windowBytes = RELAY_LANE_WINDOW_BYTES;
  readonly sent = emptyTally();
  readonly received = emptyTally();
  lastActive: number;
  private readonly id: Uint8Array;
  private sendSeq = 0;
  private receiveSeq = 0;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private reader: ((record: Uint8Array | undefined) => void) | undefined;
  private unacked = 0;
  private publishWaiters: (() => void)[] = [];
  private info: CloseInfo | undefined;
  private settleClosed: (info: CloseInfo) => void = () => undefined;

  constructor(
    readonly peerId: string,
    readonly key: string,
    readonly direction: 'in' | 'out',
    public route: RelayRoute,
    private readonly owner: RelayLanes,
    private readonly deps: RelayLanesDeps,
  ) {
    this.id = Buffer.from(key, 'hex');
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
    this.lastActive = Date.now();
  }

  get isClosed(): boolean {
    return this.info !== undefined;
  }

  /** Why the lane ended, once it has. */
  get closeError(): ChannelError | undefined {
    return this.info?.error;
  }

  async write(record: Uint8Array): Promise<WriteResult> {
    if (this.info !== undefined) return { ok: false, error: closedError };
    if (record.byteLength === 0 || record.byteLength > MAX_DATA_RECORD_BYTES) {
      const message = `record of ${record.byteLength} bytes`;
      return { ok: false, error: { code: 'too-large', message } };
    }
    this.sendSeq += 1;
    const sealed = this.deps.seal(
      this.peerId,
      encodeLaneFrame(OP.data, this.id, this.sendSeq, record),
    );
    if (sealed === undefined) {
      const error: ChannelError = { code: 'auth', message: `no session with ${this.peerId}` };
      this.finish({ by: 'error', error });
      return { ok: false, error };
    }
    tally(this.sent, record, sealed.byteLength);
    this.lastActive = Date.now();
    this.unacked += 1;
    void this.deps.publish(sealed, this.route, RELAY_LANE_EXPIRY_S).then((ok) => {
      this.unacked -= 1;
      // Not taken because no broker is connected any more (its connection just dropped): the
      // same end as brokersChanged() gives, so the transfer pauses instead of retrying.
      if (!ok) this.finish({ by: 'error', error: this.lostFrame() });
      this.wakeWriters();
    });
    if (this.unacked < MAX_UNACKED_PUBLISHES) return { ok: true };
    await new Promise<void>((resolve) => this.publishWaiters.push(resolve));
    return this.isClosed ? { ok: false, error: closedError } : { ok: true };
  }

  read(): Promise<Uint8Array | undefined> {
    const next = this.queue.shift();
    if (next !== undefined) {
      this.queuedBytes -= next.byteLength;
      return Promise.resolve(next);
    }
    if (this.info !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.reader = resolve));
  }

  close(): void {
    if (this.info !== undefined) return;
    this.sendControl(OP.close);
    this.finish({ by: 'local' });
  }

  /** A data frame for this lane arrived (sealed by the peer's session). */
  receive(seq: number, record: Uint8Array, sealedBytes: number): void {
    if (this.info !== undefined) return;
    if (seq !== this.receiveSeq + 1) {
      this.fail('protocol', `relay lane frame ${seq} after ${this.receiveSeq}: one was lost`);
      return;
    }
    this.receiveSeq = seq;
    this.lastActive = Date.now();
    tally(this.received, record, sealedBytes);
    const copy = Uint8Array.from(record); // the payload buffer is MQTT.js's
    const reader = this.reader;
    if (reader !== undefined) {
      this.reader = undefined;
      reader(copy);
      return;
    }
    this.queue.push(copy);
    this.queuedBytes += copy.byteLength;
    if (this.queuedBytes > MAX_QUEUED_BYTES)
      this.fail('protocol', 'the peer sent more than the relay lane window');
  }

  /** The peer closed the lane. */
  remoteClosed(): void {
    this.finish({ by: 'remote' });
  }

  fail(code: ChannelError['code'], message: string, tell = true): void {
    if (this.info !== undefined) return;
    if (tell) this.sendControl(OP.close);
    this.finish({ by: 'error', error: { code, message } });
  }

  sendControl(op: number): void {
    const sealed = this.deps.seal(this.peerId, encodeLaneFrame(op, this.id, 0));
    if (sealed === undefined) return;
    void this.deps.publish(sealed, this.route, RELAY_LANE_EXPIRY_S);
    const summary =
      op === OP.open ? 'lane opened' : op === OP.accept ? 'lane accepted' : 'lane closed';
    this.deps.log('out', sealed.byteLength, this.route, {
      kind: 'lane',
      summary: `${summary} via relay`,
      peerId: this.peerId,
    });
  }

  private lostFrame(): ChannelError {
    return this.deps.route(this.peerId) === undefined
      ? { code: 'path-down', message: RELAY_DOWN_MESSAGE }
      : { code: 'reset', message: `the relay ${this.route.broker} did not take a frame` };
  }

  private wakeWriters(): void {
    if (this.unacked >= MAX_UNACKED_PUBLISHES && this.info === undefined) return;
    for (const wake of this.publishWaiters.splice(0)) wake();
  }

  private finish(info: CloseInfo): void {
    if (this.info !== undefined) return;
    this.info = info;
    for (const wake of this.publishWaiters.splice(0)) wake();
    const reader = this.reader;
    this.reader = undefined;
    reader?.(undefined);
    this.owner.forget(this);
    this.settleClosed(info);
  }
}

/** The relay lanes of one node: opened by its file engine, accepted for its peers. */
export class RelayLanes {
  private readonly lanes = new Map<string, RelayLane>();
  private readonly opening = new Map<string, (accepted: boolean) => void>();
  /** Opens waiting for a session, woken when a broker drops (they may have lost their way). */
  private readonly dropWaiters = new Set<() => void>();
  /** Each second while there are lanes: their packet-log entries, and idle lanes closed. */
  private readonly timer = new WhileBusy(
    LOG_EVERY_MS,
    () => this.tick(),
    () => this.lanes.size > 0,
  );
  private closedAll = false;

  constructor(private readonly deps: RelayLanesDeps) {}

  /** Opens a lane to `peerId` through the relay; never rejects. */
  async open(peerId: string): Promise<OpenResult> {
    if (this.closedAll) return fail('closed', 'the node is closed');
    if (
      this.count(peerId, 'out') >= MAX_RELAY_LANES_PER_PEER ||
      this.count(undefined, 'out') >= MAX_RELAY_LANES
    )
      return fail('unreachable', 'too many relay lanes open');
    const route = this.deps.route(peerId);
    if (route === undefined) return fail('path-down', RELAY_DOWN_MESSAGE);
    const session = await this.sessionOrDrop(peerId, route);
    if (session === 'dropped') return fail('path-down', RELAY_DOWN_MESSAGE);
    if (!session) return fail('unreachable', `no session with ${peerId} through the relay`);
    if (this.isShut()) return fail('closed', 'the node is closed');
    const now = this.deps.route(peerId); // the broker may have dropped meanwhile
    if (now === undefined) return fail('path-down', RELAY_DOWN_MESSAGE);
    const key = randomBytes(8).toString('hex');
    const lane = new RelayLane(peerId, key, 'out', now, this, this.deps);
    this.lanes.set(key, lane);
    this.timer.arm();
    const accepted = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.opening.delete(key);
        resolve(false);
      }, ANSWER_TIMEOUT_MS);
      this.opening.set(key, (ok) => {
        clearTimeout(timer);
        this.opening.delete(key);
        resolve(ok);
      });
    });
    lane.sendControl(OP.open);
    if (!(await accepted)) {
      const lost = lane.closeError;
      if (lost?.code === 'path-down') return { ok: false, error: lost };
      lane.fail('timeout', 'the peer did not answer the relay lane');
      return fail('timeout', 'the peer did not answer the relay lane');
    }
    if (lane.isClosed) return fail('reset', 'the peer closed the relay lane');
    return { ok: true, stream: lane };
  }

  /** The session with the peer, or 'dropped' as soon as no connected broker reaches it. */
  private sessionOrDrop(peerId: string, route: RelayRoute): Promise<boolean | 'dropped'> {
    return new Promise((resolve) => {
      const onDrop = (): void => {
        if (this.deps.route(peerId) !== undefined) return;
        this.dropWaiters.delete(onDrop);
        resolve('dropped');
      };
      this.dropWaiters.add(onDrop);
      void this.deps.ensureSession(peerId, route, SESSION_WAIT_MS).then((ok) => {
        this.dropWaiters.delete(onDrop);
        resolve(ok);
      });
    });
  }

  /** Read through a call: `open` awaits, and `close` may run meanwhile. */
  private isShut(): boolean {
    return this.closedAll;
  }

  /** A relay lane frame from `peerId` (its session opened it). */
  frame(peerId: string, inner: Uint8Array, from: RelayRoute, sealedBytes: number): void {
    const frame = decodeLaneFrame(inner);
    if (frame === undefined) return;
    const lane = this.lanes.get(frame.laneId);
    if (lane !== undefined && lane.peerId !== peerId) return; // another peer's lane id: ignored
    switch (frame.op) {
      case OP.open: {
        if (lane !== undefined) return;
        this.deps.log('in', sealedBytes, from, {
          kind: 'lane',
          summary: 'lane opened via relay',
          peerId,
        });
        const fresh = new RelayLane(peerId, frame.laneId, 'in', from, this, this.deps);
        if (
          this.closedAll ||
          this.count(peerId, 'in') >= MAX_RELAY_LANES_PER_PEER ||
          this.count(undefined, 'in') >= MAX_RELAY_LANES
        ) {
          fresh.sendControl(OP.close);
          return;
        }
        this.lanes.set(frame.laneId, fresh);
        this.timer.arm();
        fresh.sendControl(OP.accept);
        if (!this.deps.incoming(fresh)) fresh.close();
        return;
      }
      case OP.accept:
        if (lane?.direction !== 'out') return;
        this.deps.log('in', sealedBytes, from, {
          kind: 'lane',
          summary: 'lane answered via relay',
          peerId,
        });
        lane.route = from;
        this.opening.get(frame.laneId)?.(true);
        return;
      case OP.data:
        lane?.receive(frame.seq, frame.record, sealedBytes);
        return;
      case OP.close:
        if (lane === undefined) return;
        this.deps.log('in', sealedBytes, from, {
          kind: 'lane',
          summary: 'lane closed via relay',
          peerId,
        });
        this.opening.get(frame.laneId)?.(false);
        lane.remoteClosed();
        return;
    }
  }

  /**
   * The broker connections changed: lanes (and lanes being opened) on a broker that is not
   * connected end now. `path-down` when no broker reaches the peer any more, so the engine pauses
   * the transfer; `reset` when another broker does, so it opens a new lane there at once.
   */
  brokersChanged(connected: (brokerIndex: number) => boolean): void {
    for (const wake of [...this.dropWaiters]) wake();
    for (const lane of [...this.lanes.values()]) {
      if (connected(lane.route.port)) continue;
      const elsewhere = this.deps.route(lane.peerId) !== undefined;
      lane.fail(
        elsewhere ? 'reset' : 'path-down',
        elsewhere ? `the relay ${lane.route.broker} dropped` : RELAY_DOWN_MESSAGE,
        false,
      );
      this.opening.get(lane.key)?.(false);
    }
  }

  /** The peer went offline or the relay lost it: its lanes end (the engine resumes later). */
  peerGone(peerId: string): void {
    for (const lane of [...this.lanes.values()])
      if (lane.peerId === peerId) lane.fail('reset', `${peerId} went offline`, false);
  }

  sockets(): SocketInfo[] {
    return [...this.lanes.values()].map((lane) => ({
      role: 'relay',
      local: lane.route.broker,
      remote: lane.peerId,
      state: `file lane ${lane.direction === 'out' ? 'opened' : 'accepted'} via relay`,
    }));
  }

  close(): void {
    this.closedAll = true;
    this.timer.close();
    this.dropWaiters.clear();
    for (const lane of [...this.lanes.values()]) lane.fail('closed', 'the node is closed', false);
  }

  forget(lane: RelayLane): void {
    this.flushLane(lane);
    if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
  }

  private count(peerId: string | undefined, direction: 'in' | 'out'): number {
    let n = 0;
    for (const lane of this.lanes.values())
      if (lane.direction === direction && (peerId === undefined || lane.peerId === peerId)) n += 1;
    return n;
  }

  private tick(): void {
    const now = Date.now();
    for (const lane of [...this.lanes.values()]) {
      this.flushLane(lane);
      if (now - lane.lastActive > RELAY_LANE_IDLE_MS) lane.fail('timeout', 'relay lane idle');
    }
  }

  /** What a lane carried since the last entry, one entry per direction. */
  private flushLane(lane: RelayLane): void {
    drainTallies(lane.sent, lane.received, (direction, bytes, summary) =>
      this.deps.log(direction, bytes, lane.route, {
        kind: 'file-data',
        summary,
        peerId: lane.peerId,
      }),
    );
  }
}

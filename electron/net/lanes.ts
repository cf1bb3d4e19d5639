/**
 * File data lanes (docs/PROTOCOL.md, "File data"): the file engine's DataChannel over protocol
 * v2. Each lane is its own TCP connection to the peer's TCP port, and every frame on it is one
 * sealed transport record of the peer's Noise session, whose inner bytes are one data record
 * (docs/FILES.md, "Data records"). The opener's first frame is a sealed `lane` packet, the
 * accepting node answers with one; from then on the connection belongs to the engine. A lane is
 * the peer's alone: a frame whose session is not that peer's ends it.
 */
import { connect, Socket } from 'node:net';
import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { NodeCounters, SocketInfo } from '../../shared/domain';
import { MAX_DATA_RECORD_BYTES } from '../../shared/files/limits';
import { decodePacket, encodePacket } from '../../shared/protocol/codec';
import { MAX_INNER_FRAME_BYTES, SEALED_OVERHEAD_BYTES } from '../../shared/protocol/constants';
import type { Packet } from '../../shared/protocol/packets';
import type { ChannelError, DataChannel, Disposer, OpenResult, RecordStream } from './files/ports';
import { RecordDecoder } from './files/record-decoder';
import {
  createSocketRecordStream,
  socketErrorCode,
  type RecordCodec,
} from './files/socket-record-stream';
import { encodeFrame, FRAME_HEADER_BYTES } from './framing';
import type { SecureChannel } from './secure-channel';
import type { SendMeta } from './wire';
import { drainTallies, emptyTally, tally, type RecordTally } from './record-tally';
import { RELAY_DOWN_MESSAGE } from './relay/relay-lanes';
import { WhileBusy } from './timers';

/** Lanes to or from one peer, each way: the engine opens at most 4 per transfer. */
export const MAX_LANES_PER_PEER = 16;
/** Lanes in all, each way. */
export const MAX_LANES = 64;
/** A lane that carries nothing either way for this long is closed (the engine reopens one). */
export const LANE_IDLE_MS = 120_000;
const CONNECT_TIMEOUT_MS = 3_000;
/** The accepting node answers the `lane` packet within this time, or the open fails. */
const ANSWER_TIMEOUT_MS = 5_000;
/** A session with the peer is waited for this long before a lane is opened. */
const SESSION_WAIT_MS = 3_000;
/** One packet log entry per lane and direction at most this often. */
const LOG_EVERY_MS = 1_000;
/** A sealed frame: a data record and the record's 29 bytes of header and tag. */
const MAX_SEALED_FRAME_BYTES = MAX_DATA_RECORD_BYTES + SEALED_OVERHEAD_BYTES;

export interface LanesDeps {
  readonly nodeId: string;
  readonly secure: SecureChannel;
  readonly counters: NodeCounters;
  /** Where the peer's TCP listener is now, or undefined (unknown peer, TCP off). */
  peerTcp(peerId: string): Endpoint | undefined;
  /** True once a session with the peer exists (a handshake is started when there is none). */
  ensureSession(peerId: string, to: Endpoint, timeoutMs: number): Promise<boolean>;
  /** The session is old: start a new handshake (the old one keeps sealing meanwhile). */
  rekey(peerId: string): void;
  /**
   * Lanes through a relay broker, for a peer with no direct path: used when the peer's path is
   * the relay, or when a direct lane cannot be opened and the relay reaches the peer.
   */
  readonly relay?: {
    /**
     * 'only': the peer's path is the relay; 'also': the relay reaches it too; 'down': its path
     * is the relay but no broker is connected; else undefined.
     */
    reach(peerId: string): 'only' | 'also' | 'down' | undefined;
    open(peerId: string): Promise<OpenResult>;
  };
  /** One packet log entry (Wire.logLane). */
  log(
    direction: 'in' | 'out',
    size: number,
    local: Endpoint,
    remote: Endpoint,
    meta: SendMeta,
    bytes?: Uint8Array,
  ): void;
}

interface Lane {
  readonly peerId: string;
  readonly direction: 'out' | 'in';
  readonly socket: Socket;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly sent: RecordTally;
  readonly received: RecordTally;
}

const fail = (code: ChannelError['code'], message: string): OpenResult => ({
  ok: false,
  error: { code, message },
});

export class Lanes implements DataChannel {
  private readonly lanes = new Set<Lane>();
  private readonly handlers = new Set<(stream: RecordStream) => void>();
  /** Writes what the lanes carried to the packet log each second, while there are lanes. */
  private readonly logTimer = new WhileBusy(
    LOG_EVERY_MS,
    () => this.flushLog(),
    () => this.lanes.size > 0,
  );
  private closed = false;

  constructor(private readonly deps: LanesDeps) {}

  onIncoming(handler: (stream: RecordStream) => void): Disposer {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** A direct lane when one opens, else one through the relay when it reaches the peer. */
  async open(peerId: string): Promise<OpenResult> {
    const relay = this.deps.relay;
    const reach = relay?.reach(peerId);
    if (relay === undefined || reach === undefined) return this.openDirect(peerId);
    if (reach === 'only') return relay.open(peerId);
    const direct = await this.openDirect(peerId);
    if (direct.ok || direct.error.code === 'closed' || this.isClosed()) return direct;
    // The peer's only path was a broker that is gone: the transfer pauses until a path returns.
    if (reach === 'down') return fail('path-down', RELAY_DOWN_MESSAGE);
    return relay.open(peerId);
  }

  /** Hands a lane that came some other way (through the relay) to the engine. */
  deliver(stream: RecordStream): boolean {
    if (this.closed || this.handlers.size === 0) return false;
    for (const handler of this.handlers) handler(stream);
    return true;
  }

  private async openDirect(peerId: string): Promise<OpenResult> {
    if (this.closed) return fail('closed', 'the node is closed');
    if (
      this.count(peerId, 'out') >= MAX_LANES_PER_PEER ||
      this.count(undefined, 'out') >= MAX_LANES
    )
      return fail('unreachable', 'too many data lanes open');
    const to = this.deps.peerTcp(peerId);
    if (to === undefined) return fail('unreachable', `no TCP address for ${peerId}`);
    if (!(await this.deps.ensureSession(peerId, to, SESSION_WAIT_MS)))
      return fail('unreachable', `no session with ${peerId}`);
    const socket = await connectTo(to);
    if (!(socket instanceof Socket)) return { ok: false, error: socket };
    if (this.isClosed()) {
      socket.destroy();
      return fail('closed', 'the node is closed');
    }
    return this.greet(peerId, socket);
  }

  /**
   * The first frame of an accepted connection was a `lane` packet from `peerId`: take the
   * connection (`detach`), answer, and hand the stream to the engine. Over the bounds, or with
   * no engine listening, the connection is closed.
   */
  accept(
    peerId: string,
    detach: (take: (socket: Socket, rest: Buffer[]) => void) => boolean,
  ): void {
    const full =
      this.closed ||
      this.handlers.size === 0 ||
      this.count(peerId, 'in') >= MAX_LANES_PER_PEER ||
      this.count(undefined, 'in') >= MAX_LANES;
    detach((socket, rest) => {
      if (full) {
        socket.destroy();
        return;
      }
      const lane = this.track(peerId, 'in', socket);
      const answer = this.laneFrame(peerId);
      if (answer === undefined) {
        socket.destroy();
        return;
      }
      socket.write(answer);
      this.logLane(lane, 'out', answer, 'lane accepted');
      const stream = createSocketRecordStream(socket, peerId, {
        codec: this.codec(lane),
        received: rest,
      });
      for (const handler of this.handlers) handler(stream);
    });
  }

  sockets(): SocketInfo[] {
    return [...this.lanes].map((lane) => ({
      role: 'tcp-connection',
      local: formatEndpoint(lane.local),
      remote: formatEndpoint(lane.remote),
      state: `file lane ${lane.direction === 'out' ? 'opened' : 'accepted'}`,
    }));
  }

  /** Read through a call: `open` awaits, and `close` may run meanwhile. */
  private isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.logTimer.close();
    for (const lane of this.lanes) lane.socket.destroy();
    this.lanes.clear();
  }

  /** Sends our `lane` packet and waits for the peer's, sealed by that peer's session. */
  private greet(peerId: string, socket: Socket): Promise<OpenResult> {
    const lane = this.track(peerId, 'out', socket);
    const hello = this.laneFrame(peerId);
    if (hello === undefined) {
      socket.destroy();
      return Promise.resolve(fail('auth', `no session with ${peerId}`));
    }
    socket.write(hello);
    this.logLane(lane, 'out', hello, 'lane opened');
    const decoder = new RecordDecoder(MAX_SEALED_FRAME_BYTES);
    return new Promise((resolve) => {
      const done = (result: OpenResult): void => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        if (!result.ok) socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(
        () => done(fail('timeout', 'the peer did not answer the lane')),
        ANSWER_TIMEOUT_MS,
      );
      const onClose = (): void => done(fail('reset', 'the peer closed the lane'));
      const onData = (chunk: Buffer): void => {
        const step = decoder.push(chunk);
        if ('error' in step) {
          done(fail('protocol', step.error));
          return;
        }
        const [first, ...rest] = step.records;
        if (first === undefined) return;
        const opened = this.deps.secure.openFrom(peerId, first);
        const packet = opened.ok ? innerPacket(opened.inner) : undefined;
        if (packet?.kind !== 'lane' || packet.from !== peerId) {
          done(fail('auth', 'the lane was not answered by the peer'));
          return;
        }
        this.logLane(lane, 'in', first, 'lane answered');
        const codec = this.codec(lane);
        const pending: Uint8Array[] = [];
        for (const frame of rest) {
          const record = codec.record(frame);
          if (!(record instanceof Uint8Array)) {
            done({ ok: false, error: record });
            return;
          }
          pending.push(record);
        }
        done({
          ok: true,
          stream: createSocketRecordStream(socket, peerId, { codec, decoder, pending }),
        });
      };
      socket.on('data', onData);
      socket.on('close', onClose);
    });
  }

  private track(peerId: string, direction: 'in' | 'out', socket: Socket): Lane {
    const lane: Lane = {
      peerId,
      direction,
      socket,
      local: { address: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 },
      remote: { address: socket.remoteAddress ?? '0.0.0.0', port: socket.remotePort ?? 0 },
      sent: emptyTally(),
      received: emptyTally(),
    };
    this.lanes.add(lane);
    this.logTimer.arm();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.setTimeout(LANE_IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined); // the stream (or the greeting) reports it; 'close' cleans up
    socket.once('close', () => {
      this.flushLane(lane);
      this.lanes.delete(lane);
    });
    return lane;
  }

  /** Seals and opens the records of one lane with its peer's session, counting and tallying. */
  private codec(lane: Lane): RecordCodec {
    const { secure, counters } = this.deps;
    const peerId = lane.peerId;
    return {
      maxFrameBytes: MAX_SEALED_FRAME_BYTES,
      frame: (record) => {
        if (secure.needsRekey(peerId)) this.deps.rekey(peerId);
        const sealed = secure.sealParts(peerId, record);
        if (sealed === undefined) return { code: 'auth', message: `no session with ${peerId}` };
        const length =
          sealed.header.byteLength + sealed.ciphertext.byteLength + sealed.tag.byteLength;
        const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + sealed.header.byteLength);
        head.writeUInt32BE(length, 0);
        head.set(sealed.header, FRAME_HEADER_BYTES);
        counters.tcpFramesSent += 1;
        counters.bytesSent += length;
        tally(lane.sent, record, length);
        return [head, sealed.ciphertext, sealed.tag];
      },
      record: (frame) => {
        const opened = secure.openFrom(peerId, frame);
        if (!opened.ok)
          return {
            code: opened.code === 'replayed' ? 'protocol' : 'auth',
            message: `a lane frame did not open (${opened.code})`,
          };
        counters.tcpFramesReceived += 1;
        counters.bytesReceived += frame.byteLength;
        tally(lane.received, opened.inner, frame.byteLength);
        return opened.inner;
      },
    };
  }

  /** Our sealed `lane` packet as a frame, or undefined without a session. */
  private laneFrame(peerId: string): Buffer | undefined {
    const packet: Packet = { kind: 'lane', from: this.deps.nodeId };
    const sealed = this.deps.secure.seal(peerId, encodePacket(packet, MAX_INNER_FRAME_BYTES));
    return sealed === undefined ? undefined : encodeFrame(sealed.record);
  }

  private logLane(lane: Lane, direction: 'in' | 'out', frame: Uint8Array, summary: string): void {
    this.deps.log(direction, frame.byteLength, lane.local, lane.remote, {
      kind: 'lane',
      summary,
      peerId: lane.peerId,
    });
  }

  private count(peerId: string | undefined, direction: 'in' | 'out'): number {
    let n = 0;
    for (const lane of this.lanes)
      if (lane.direction === direction && (peerId === undefined || lane.peerId === peerId)) n += 1;
    return n;
  }

  private flushLog(): void {
    for (const lane of this.lanes) this.flushLane(lane);
  }

  /** What a lane carried since the last entry, one entry per direction. */
  private flushLane(lane: Lane): void {
    drainTallies(lane.sent, lane.received, (direction, bytes, summary) =>
      this.deps.log(direction, bytes, lane.local, lane.remote, {
        kind: 'file-data',
        summary,
        peerId: lane.peerId,
      }),
    );
  }
}

function innerPacket(inner: Uint8Array): Packet | undefined {
  const decoded = decodePacket(inner, MAX_INNER_FRAME_BYTES);
  return decoded.ok ? decoded.packet : undefined;
}

function connectTo(to: Endpoint): Promise<Socket | ChannelError> {
  return new Promise((resolve) => {
    const socket = connect({ host: to.address, port: to.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ code: 'timeout', message: `connect to ${formatEndpoint(to)} timed out` });
    }, CONNECT_TIMEOUT_MS);
    const onError = (error: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      resolve({ code: socketErrorCode(error), message: error.message });
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

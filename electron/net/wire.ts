import type { RemoteInfo, Socket } from 'node:dgram';
import type { Server } from 'node:net';
import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { NodeCounters, PacketLogEntry, SocketInfo, Transport, Via } from '../../shared/domain';
import { decodePacket, encodePacket } from '../../shared/protocol/codec';
import { isV2Packet } from './crypto/wire-format';
import { MAX_RATE_LIMITED_SOURCES } from '../../shared/protocol/constants';
import type { Packet } from '../../shared/protocol/packets';
import { MAX_PAYLOAD_KEPT, preview, type PacketLog } from './packet-log';
import { RateLimiter } from './rate-limiter';
import { closeTcp, closeUdp } from './sockets';
import type { FrameScreen } from './framing';
import { builtFrom, forLog, rereadLater, sealedView, type SendMeta } from './log-entries';
import {
  payloadLength,
  TcpTransport,
  type FramePayload,
  type TcpFrameContext,
  type TcpTimeouts,
} from './tcp-transport';
import type { WarningCode } from './types';

export type { SendMeta } from './log-entries';

export type Inbound =
  /** A JSON packet in the clear (in protocol v2 only an announce may come this way). */
  | {
      readonly type: 'packet';
      readonly packet: Packet;
      readonly from: Endpoint;
      readonly via: Via;
    }
  /** A protocol v2 packet (handshake or sealed record): logged by whoever opens it. */
  | {
      readonly type: 'sealed';
      readonly bytes: Uint8Array;
      readonly from: Endpoint;
      readonly transport: Transport;
      /** For TCP: answer on the same connection. */
      readonly reply?: (bytes: Uint8Array, meta: SendMeta) => void;
      /** For TCP: the frame proved who sent it (the connection is kept). */
      readonly authenticated?: () => void;
      /** For TCP: hands the connection over after this frame (a file data lane). */
      readonly detach?: TcpFrameContext<SendMeta>['detach'];
      readonly log: (meta: SendMeta) => void;
    }
  | { readonly type: 'plain'; readonly text: string; readonly from: Endpoint; readonly via: Via };

export interface WireDeps {
  readonly counters: NodeCounters;
  readonly log: PacketLog;
  readonly now: () => number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** The larger budget that session budgets (below) use; `rateLimit` when absent. */
  readonly sessionRateLimit?: { readonly perSecond: number; readonly burst: number };
  readonly tcpTimeouts?: TcpTimeouts;
  /** Looks at each TCP frame's first bytes before it is read (see FrameScreen). */
  readonly screenFrame?: FrameScreen;
  /**
   * The budget a datagram is charged to when it is not its source IP's: a sealed record to a
   * live session of ours, sent from the address the session was made from, is charged to that
   * host's session budget (the larger `sessionRateLimit`). So a flood forged from a peer's address
   * cannot crowd out the peer's own records, a host with many sessions still shares one budget,
   * and records naming a session from any other address pay their source IP's budget.
   */
  readonly sessionBudget?: (bytes: Buffer, fromAddress: string) => string | undefined;
  onInbound(inbound: Inbound): void;
  onLogged(entry: PacketLogEntry): void;
  /** False while nobody listens to `onLogged`: entries are then built only when read. */
  logWatched?(): boolean;
  onWarning(code: WarningCode, message: string, remote?: Endpoint): void;
}

export interface BoundSockets {
  readonly server: Socket;
  readonly client: Socket;
  readonly tcp: Server | undefined;
  readonly clientPort: number;
}

/** At most one unfailing sealed record per this many ms is sent with a callback (`checkSend`). */
export const SEND_CHECK_MS = 100;

// Plain text from a UDP tool: printable text, tabs and newlines; other control bytes mean binary.
// eslint-disable-next-line no-control-regex
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The node's sockets and what crosses them: rate limiting and decoding on the way in, encoding
 * on the way out, counters, and the packet log. Nothing a remote sends can throw out of here.
 */
export class Wire {
  private readonly limiter: RateLimiter;
  private readonly sessionLimiter: RateLimiter;
  private sockets: BoundSockets | undefined;
  private tcp: TcpTransport<SendMeta> | undefined;
  private readonly locals = new WeakMap<Socket, Endpoint>();

  /** When the last sealed record was sent with a callback (`checkSend`), and how it went. */
  private lastSendCheck = -Infinity;
  private sendFailing = false;

  constructor(private readonly deps: WireDeps) {
    this.limiter = new RateLimiter(
      deps.rateLimit.perSecond,
      deps.rateLimit.burst,
      MAX_RATE_LIMITED_SOURCES,
    );
    const session = deps.sessionRateLimit ?? deps.rateLimit;
    this.sessionLimiter = new RateLimiter(
      session.perSecond,
      session.burst,
      MAX_RATE_LIMITED_SOURCES,
    );
  }

  attach(sockets: BoundSockets): void {
    this.sockets = sockets;
    const listen = (socket: Socket, via: Via): void => {
      socket.on('message', (bytes, rinfo) =>
        this.guard(() => this.onDatagram(bytes, rinfo, via), rinfo),
      );
      socket.on('error', (error) =>
        this.deps.onWarning('socket-error', `${via} socket: ${error.message}`),
      );
    };
    listen(sockets.server, 'server');
    listen(sockets.client, 'client');
    this.tcp = new TcpTransport<SendMeta>(sockets.tcp, {
      ...(this.deps.tcpTimeouts === undefined ? {} : { timeouts: this.deps.tcpTimeouts }),
      ...(this.deps.screenFrame === undefined ? {} : { screen: this.deps.screenFrame }),
      onFrame: (payload, context) => {
        this.guard(() => this.onFrame(payload, context), context.remote);
      },
      onSent: (payload, context, meta) => {
        // A record sent in parts is logged by its inner packet (the payload view shows that).
        const bytes = payload instanceof Uint8Array ? payload : (meta.inner ?? new Uint8Array(0));
        this.logOut('tcp', bytes, context.local, context.remote, meta, payloadLength(payload));
      },
      onProblem: (message, remote) => {
        this.deps.counters.junkDropped += 1;
        this.deps.onWarning('tcp', message, remote);
      },
    });
  }

  get tcpEnabled(): boolean {
    return this.tcp?.enabled ?? false;
  }

  /**
   * Sends a datagram; failures become warnings and counters, never exceptions. Nobody waits for
   * it: no Promise per datagram, only the socket's completion callback.
   */
  sendUdp(bytes: Uint8Array, to: Endpoint, meta: SendMeta = {}, via: Via = 'client'): void {
    this.transmitUdp(bytes, to, meta, via, false);
  }

  /** Sends a JSON packet in the clear (an announce). */
  sendPacket(packet: Packet, to: Endpoint, via: Via = 'client'): void {
    this.sendUdp(encodePacket(packet), to, { packet }, via);
  }

  /** Resolves true once the datagram has left, false if the send failed. Never rejects. */
  sendUdpAsync(
    bytes: Uint8Array,
    to: Endpoint,
    meta: SendMeta,
    via: Via,
    quiet: boolean,
  ): Promise<boolean> {
    return new Promise((resolve) => this.transmitUdp(bytes, to, meta, via, quiet, resolve));
  }

  private transmitUdp(
    bytes: Uint8Array,
    to: Endpoint,
    meta: SendMeta,
    via: Via,
    quiet: boolean,
    done?: (sent: boolean) => void,
  ): void {
    const socket = via === 'server' ? this.sockets?.server : this.sockets?.client;
    if (socket === undefined) {
      done?.(false);
      return;
    }
    try {
      if (done === undefined && meta.sealed !== undefined && !this.checkSend()) {
        // No completion callback: node:dgram would take a tick per datagram to call it. The
        // record is logged now, as sent (see `checkSend`).
        socket.send(bytes, to.port, to.address);
        this.logOut('udp', bytes, this.localOf(via), to, meta);
        return;
      }
      socket.send(bytes, to.port, to.address, (error) => {
        this.sendFailing = error !== null;
        if (error) this.sendFailed(to, error.message, quiet);
        else this.logOut('udp', bytes, this.localOf(via), to, meta);
        done?.(!error);
      });
    } catch (error) {
      this.sendFailed(to, String(error), quiet); // the socket was closed under us during shutdown
      done?.(false);
    }
  }

  /**
   * Whether this sealed record is sent with a completion callback, to hear whether it failed.
   * node:dgram calls a send's callback on the next tick, a tick per datagram: in a stream that cost
   * each side about 10-12 % of its CPU per text (docs/BENCHMARKS.md, "Eighth pass on issue 18:
   * throughput"). So a sealed record is checked when SEND_CHECK_MS have passed since the last
   * check, and every one while the last check failed: a lasting failure (no route, a firewall) is
   * still counted and warned of within SEND_CHECK_MS, and while it lasts every send is checked.
   * Between two checks of a burst a failed send goes unseen, as a datagram lost on the way would
   * (the sender's retransmission covers both). Anything else (a packet in the clear, a send
   * somebody waits for) is always checked.
   */
  private checkSend(): boolean {
    // The machine's clock, not the node's (`deps.now` may be a test's): this paces a cost.
    const now = performance.now();
    if (!this.sendFailing && now - this.lastSendCheck < SEND_CHECK_MS) return false;
    this.lastSendCheck = now;
    return true;
  }

  private sendFailed(to: Endpoint, message: string, quiet: boolean): void {
    this.deps.counters.sendErrors += 1;
    if (!quiet) this.deps.onWarning('send-failed', `send to ${formatEndpoint(to)}: ${message}`, to);
  }

  /**
   * Logs what a file data lane carried (lanes write their own sockets and count their own frames;
   * electron/net/lanes.ts): one entry per lane and second, not one per record.
   */
  logLane(
    direction: 'in' | 'out',
    size: number,
    local: Endpoint,
    remote: Endpoint,
    meta: SendMeta,
    bytes: Uint8Array = new Uint8Array(0),
  ): void {
    this.record(direction, 'tcp', bytes, local, remote, meta, size);
  }

  /**
   * Sends one frame over TCP to `to` (the peer's TCP port): its bytes, or a record's parts (with
   * `meta.inner`). Rejects when it cannot connect.
   */
  async sendTcp(bytes: FramePayload, to: Endpoint, meta: SendMeta): Promise<void> {
    if (this.tcp === undefined || !this.tcp.enabled) throw new Error('TCP is off');
    await this.tcp.send(to, bytes, meta);
  }

  socketInfo(): SocketInfo[] {
    if (this.sockets === undefined) return [];
    const { server, client, tcp, clientPort } = this.sockets;
    const udp = (socket: Socket, role: 'udp-server' | 'udp-client'): SocketInfo => {
      const address = socket.address();
      return { role, local: `${address.address}:${address.port}`, state: 'bound' };
    };
    const list: SocketInfo[] = [udp(server, 'udp-server'), udp(client, 'udp-client')];
    if (tcp !== undefined)
      list.push({ role: 'tcp-listener', local: `0.0.0.0:${clientPort}`, state: 'listening' });
    return [...list, ...(this.tcp?.sockets() ?? [])];
  }

  async close(quietBye?: () => Promise<void>): Promise<void> {
    await quietBye?.();
    const sockets = this.sockets;
    this.sockets = undefined;
    this.tcp?.close();
    if (sockets === undefined) return;
    await Promise.all([
      closeUdp(sockets.server),
      closeUdp(sockets.client),
      sockets.tcp === undefined ? Promise.resolve() : closeTcp(sockets.tcp),
    ]);
  }

  private guard(fn: () => void, remote: Endpoint): void {
    try {
      fn();
    } catch (error) {
      // A bug must not let a remote datagram take the node down; report it and carry on.
      this.deps.onWarning('junk', `internal error handling input: ${String(error)}`, remote);
    }
  }

  /** Takes a token for a datagram or frame from `address`: its session's budget, or its IP's. */
  private admit(bytes: Buffer, address: string): boolean {
    const session = this.deps.sessionBudget?.(bytes, address);
    return session === undefined
      ? this.limiter.take(address, this.deps.now())
      : this.sessionLimiter.take(session, this.deps.now());
  }

  private onDatagram(bytes: Buffer, rinfo: RemoteInfo, via: Via): void {
    const from = { address: rinfo.address, port: rinfo.port };
    const counters = this.deps.counters;
    // Per source IP, not IP:port: a host rotating its source ports is still one source.
    if (!this.admit(bytes, from.address)) {
      counters.rateLimited += 1; // not logged either: a flood must not wash out the packet log
      this.deps.onWarning('rate-limited', 'datagrams over the per-source rate were dropped', from);
      return;
    }
    counters.datagramsReceived += 1;
    counters.bytesReceived += bytes.byteLength;
    const local = this.localOf(via);
    if (isV2Packet(bytes)) {
      // Bound, not an arrow: under tsx (the benchmarks) every named arrow is also renamed with
      // Object.defineProperty as it is made, once per datagram here.
      const log = this.logIn.bind(this, 'udp', bytes, local, from);
      this.deps.onInbound({ type: 'sealed', bytes, from, transport: 'udp', log });
      return;
    }
    const result = decodePacket(bytes);
    if (result.ok) {
      this.logIn('udp', bytes, local, from, { packet: result.packet });
      this.deps.onInbound({ type: 'packet', packet: result.packet, from, via });
      return;
    }
    const code = result.error.code;
    if (code === 'unsupported-version') {
      // An older PacketChat: tell the user once in a while, never show it as a stranger's text.
      counters.junkDropped += 1;
      this.logIn('udp', bytes, local, from, {
        kind: 'old-version',
        summary: result.error.message,
      });
      this.deps.onWarning('junk', `${result.error.message} (an older PacketChat?)`, from);
      return;
    }
    if (code === 'unknown-kind') {
      counters.unknownKindsIgnored += 1;
      this.logIn('udp', bytes, local, from, {
        kind: 'unknown',
        summary: result.error.message,
      });
      return;
    }
    if (result.text !== undefined && !BINARY_CONTROL.test(result.text)) {
      this.logIn('udp', bytes, local, from, {
        kind: 'plain',
        summary: preview(result.text),
      });
      this.deps.onInbound({ type: 'plain', text: result.text, from, via });
      return;
    }
    counters.junkDropped += 1;
    this.logIn('udp', bytes, local, from, {
      kind: 'junk',
      summary: result.error.message,
    });
    this.deps.onWarning('junk', `dropped datagram: ${result.error.message}`, from);
  }

  /** Every TCP frame is a v2 packet: a handshake message or a sealed record. */
  private onFrame(payload: Buffer, context: TcpFrameContext<SendMeta>): void {
    const counters = this.deps.counters;
    const { remote, local } = context;
    if (!this.admit(payload, remote.address)) {
      counters.rateLimited += 1;
      this.deps.onWarning(
        'rate-limited',
        'TCP frames over the per-source rate were dropped',
        remote,
      );
      return;
    }
    counters.tcpFramesReceived += 1;
    counters.bytesReceived += payload.byteLength;
    if (!isV2Packet(payload)) {
      counters.junkDropped += 1;
      this.logIn('tcp', payload, local, remote, {
        kind: 'junk',
        summary: 'not a v2 frame',
      });
      this.deps.onWarning('junk', 'dropped a TCP frame that is not protocol v2', remote);
      return;
    }
    this.deps.onInbound({
      type: 'sealed',
      bytes: payload,
      from: remote,
      transport: 'tcp',
      reply: (bytes, meta) => context.reply(bytes, meta),
      authenticated: context.authenticated,
      detach: context.detach,
      log: (meta) => this.logIn('tcp', payload, local, remote, meta),
    });
  }

  /** A bound socket's address never changes: one `getsockname` per socket, not per datagram. */
  private localOf(via: Via): Endpoint {
    const socket = via === 'server' ? this.sockets?.server : this.sockets?.client;
    if (socket === undefined) return { address: '0.0.0.0', port: 0 };
    const known = this.locals.get(socket);
    if (known !== undefined) return known;
    try {
      const address = socket.address();
      const local = { address: address.address, port: address.port };
      this.locals.set(socket, local);
      return local;
    } catch {
      return { address: '0.0.0.0', port: 0 }; // socket already closed
    }
  }

  private logIn(
    transport: Transport,
    bytes: Uint8Array,
    local: Endpoint,
    remote: Endpoint,
    meta: SendMeta,
  ): void {
    this.record('in', transport, bytes, local, remote, meta);
  }

  private logOut(
    transport: Transport,
    bytes: Uint8Array,
    local: Endpoint,
    remote: Endpoint,
    meta: SendMeta,
    size = bytes.byteLength,
  ): void {
    const counters = this.deps.counters;
    if (transport === 'udp') counters.datagramsSent += 1;
    else counters.tcpFramesSent += 1;
    counters.bytesSent += size;
    this.record('out', transport, bytes, local, remote, meta, size);
  }

  /**
   * One log entry per datagram or frame, with its bytes for the inspector's payload view (for a
   * sealed record: the inner packet it carried, decrypted).
   */
  private record(
    direction: 'in' | 'out',
    transport: Transport,
    bytes: Uint8Array,
    local: Endpoint,
    remote: Endpoint,
    meta: SendMeta,
    wholeSize?: number,
  ): void {
    const size = wholeSize ?? bytes.byteLength;
    const head = { at: this.deps.now(), direction, transport, local, remote, size };
    const log = this.deps.log;
    // Built when read: formatting every datagram cost more than sealing it (issue 18). A sealed
    // record's packets are read again from its inner bytes then: an entry that held them would
    // keep every packet of the last PACKET_LOG_SIZE datagrams alive, which the garbage collector
    // copied and promoted (a third of its time in a stream). A record longer than the payload
    // the log keeps (a long text over TCP) is the other way round: its packet, with the text cut
    // (log-entries.ts `forLog`), is far smaller than its plaintext.
    const inner = meta.inner;
    const build =
      inner === undefined || (meta.packet === undefined && meta.bundled === undefined)
        ? builtFrom(head, meta)
        : inner.byteLength > MAX_PAYLOAD_KEPT && meta.packet !== undefined
          ? builtFrom(head, { ...withoutInner(meta), packet: forLog(meta.packet) })
          : rereadLater(head, inner, sealedView(meta, direction));
    const seq = log.addLazy(
      build,
      // A sealed record's payload is shown decrypted: its inner packet, marked as such.
      meta.inner ?? bytes,
      meta.inner !== undefined,
    );
    if (this.deps.logWatched?.() !== false) {
      const entry = log.entry(seq);
      if (entry !== undefined) this.deps.onLogged(entry);
    }
  }
}

/** `meta` without its record's plaintext (the log keeps the start of it as the payload). */
function withoutInner(meta: SendMeta): SendMeta {
  const { inner: _inner, ...rest } = meta;
  return rest;
}

// The UDP socket on 2425 and what crosses it: per-source rate limit and parsing on the way in,
// sending and logging on the way out. Nothing a remote sends can throw out of here.
import type { RemoteInfo, Socket } from 'node:dgram';
import { formatEndpoint, type Endpoint } from '../../../shared/address';
import { RateLimiter } from '../rate-limiter';
import type { WarningCode } from '../types';
import { parsePacket, type IpmsgPacket } from './codec';
import { MAX_RATE_LIMITED_SOURCES, MAX_RECEIVE_DATAGRAM_BYTES, OWN_VERSION } from './constants';
import type { Outgoing } from './compose';
import type { IpmsgPacketLog } from './packet-log';

export interface IpmsgCounters {
  datagramsSent: number;
  datagramsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  junkDropped: number;
  rateLimited: number;
  duplicatesDropped: number;
  retransmitted: number;
  messagesSent: number;
  messagesReceived: number;
  sendErrors: number;
  unknownIgnored: number;
  filesSent: number;
  filesReceived: number;
}

export function emptyIpmsgCounters(): IpmsgCounters {
  return {
    datagramsSent: 0,
    datagramsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    junkDropped: 0,
    rateLimited: 0,
    duplicatesDropped: 0,
    retransmitted: 0,
    messagesSent: 0,
    messagesReceived: 0,
    sendErrors: 0,
    unknownIgnored: 0,
    filesSent: 0,
    filesReceived: 0,
  };
}

export interface UdpWireDeps {
  readonly now: () => number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  readonly counters: IpmsgCounters;
  readonly log: IpmsgPacketLog;
  /** Our own broadcasts come back to us: drop them quietly. */
  isSelf(from: Endpoint): boolean;
  onPacket(packet: IpmsgPacket, from: Endpoint, size: number): void;
  onWarning(code: WarningCode, message: string, remote?: Endpoint): void;
}

export class UdpWire {
  private readonly limiter: RateLimiter;
  private socket: Socket | undefined;

  constructor(private readonly deps: UdpWireDeps) {
    this.limiter = new RateLimiter(
      deps.rateLimit.perSecond,
      deps.rateLimit.burst,
      MAX_RATE_LIMITED_SOURCES,
    );
  }

  attach(socket: Socket): void {
    this.socket = socket;
    socket.on('message', (bytes, rinfo) => this.guard(() => this.onDatagram(bytes, rinfo), rinfo));
    socket.on('error', (error) =>
      this.deps.onWarning('socket-error', `IPMsg UDP socket: ${error.message}`),
    );
  }

  local(): Endpoint {
    try {
      const address = this.socket?.address();
      return { address: address?.address ?? '0.0.0.0', port: address?.port ?? 0 };
    } catch {
      return { address: '0.0.0.0', port: 0 }; // closed under us during shutdown
    }
  }

  /** Sends and logs one packet; resolves false (and warns unless quiet) when it failed. */
  send(out: Outgoing, to: Endpoint, quiet = false): Promise<boolean> {
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve(false);
    const counters = this.deps.counters;
    return new Promise((resolve) => {
      const done = (error: Error | null): void => {
        if (error === null) {
          counters.datagramsSent += 1;
          counters.bytesSent += out.bytes.byteLength;
          this.logOut(out, to);
        } else {
          counters.sendErrors += 1;
          if (!quiet)
            this.deps.onWarning(
              'send-failed',
              `send to ${formatEndpoint(to)}: ${error.message}`,
              to,
            );
        }
        resolve(error === null);
      };
      try {
        socket.send(out.bytes, to.port, to.address, done);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error))); // socket closed meanwhile
      }
    });
  }

  detach(): Socket | undefined {
    const socket = this.socket;
    this.socket = undefined;
    return socket;
  }

  private onDatagram(bytes: Buffer, rinfo: RemoteInfo): void {
    const from = { address: rinfo.address, port: rinfo.port };
    const counters = this.deps.counters;
    if (this.deps.isSelf(from)) return;
    if (!this.limiter.take(formatEndpoint(from), this.deps.now())) {
      counters.rateLimited += 1; // not logged: a flood must not wash out the packet log
      this.deps.onWarning(
        'rate-limited',
        'IPMsg datagrams over the per-source rate were dropped',
        from,
      );
      return;
    }
    counters.datagramsReceived += 1;
    counters.bytesReceived += bytes.byteLength;
    const result = bytes.byteLength > MAX_RECEIVE_DATAGRAM_BYTES ? undefined : parsePacket(bytes);
    if (result?.ok === true) {
      this.deps.onPacket(result.packet, from, bytes.byteLength);
      return;
    }
    const reason = result === undefined ? 'too large' : result.reason;
    counters.junkDropped += 1;
    const place = {
      direction: 'in' as const,
      transport: 'udp' as const,
      local: this.local(),
      remote: from,
      size: bytes.byteLength,
    };
    this.deps.log.other(place, 'junk', `not IPMsg: ${reason}`);
    this.deps.onWarning('junk', `dropped datagram on the IPMsg port: ${reason}`, from);
  }

  private logOut(out: Outgoing, to: Endpoint): void {
    const place = {
      direction: 'out' as const,
      transport: 'udp' as const,
      local: this.local(),
      remote: to,
      size: out.bytes.byteLength,
    };
    this.deps.log.packet(place, {
      version: OWN_VERSION,
      packetNo: out.packetNo,
      user: out.user,
      host: out.host,
      command: out.command,
      text: out.text,
      encoding: out.encoding,
    });
  }

  private guard(fn: () => void, remote: Endpoint): void {
    try {
      fn();
    } catch (error) {
      // A bug must not let a remote datagram take the module down; report it and carry on.
      this.deps.onWarning('junk', `internal error handling IPMsg input: ${String(error)}`, remote);
    }
  }
}

import { connect, type Server, type Socket } from 'node:net';
import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { SocketInfo } from '../../shared/domain';
import {
  MAX_FRAME_BYTES,
  MAX_TCP_CONNECTIONS,
  TCP_CONNECT_TIMEOUT_MS,
  TCP_FRAME_TIMEOUT_MS,
  TCP_IDLE_TIMEOUT_MS,
} from '../../shared/protocol/constants';
import { encodeFrame, FrameDecoder, FrameError, frameHeader, type FrameScreen } from './framing';

/**
 * What one frame carries: its bytes, or the parts they are made of in order (a sealed record's
 * header, ciphertext and tag), which go out together without being joined first.
 */
export type FramePayload = Uint8Array | readonly Uint8Array[];

/** Bytes in a frame's payload. */
export function payloadLength(payload: FramePayload): number {
  if (payload instanceof Uint8Array) return payload.byteLength;
  let length = 0;
  for (const part of payload) length += part.byteLength;
  return length;
}

export interface TcpTimeouts {
  readonly connectMs: number;
  readonly frameMs: number;
  readonly idleMs: number;
}

export const DEFAULT_TCP_TIMEOUTS: TcpTimeouts = {
  connectMs: TCP_CONNECT_TIMEOUT_MS,
  frameMs: TCP_FRAME_TIMEOUT_MS,
  idleMs: TCP_IDLE_TIMEOUT_MS,
};

export interface TcpFrameContext<Tag> {
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** Writes a frame back on the same connection (acks go back the way the text came). */
  readonly reply: (payload: Uint8Array, tag: Tag) => void;
  /** A frame on this connection proved who sent it: it is kept past the first-frame deadline. */
  readonly authenticated: () => void;
  /**
   * Hands the connection over (a file data lane, docs/PROTOCOL.md): only on the first frame of an
   * accepted connection. Right after this frame's handler returns, the transport lets go of the
   * socket (its timers, listeners and slot) and calls `take` with it and the bytes received after
   * the frame. False when the connection cannot change hands.
   */
  readonly detach: (take: (socket: Socket, rest: Buffer[]) => void) => boolean;
}

export interface TcpTransportDeps<Tag> {
  onFrame(payload: Buffer, context: TcpFrameContext<Tag>): void;
  /** A frame was handed to the kernel; `tag` is what the sender passed along (for logging). */
  onSent(
    payload: FramePayload,
    context: Pick<TcpFrameContext<Tag>, 'remote' | 'local'>,
    tag: Tag,
  ): void;
  onProblem(message: string, remote: Endpoint): void;
  readonly timeouts?: TcpTimeouts;
  readonly maxConnections?: number;
  /** Looks at each frame's start before it is buffered (drops what can only be junk). */
  readonly screen?: FrameScreen;
}

interface Connection {
  readonly socket: Socket;
  readonly direction: 'in' | 'out';
  readonly remote: Endpoint;
  /** Carried a frame that opened in a session, or a handshake of ours. */
  authenticated: boolean;
  /** Called when the connection changes hands (its first-frame deadline no longer applies). */
  detached?: () => void;
}

/** Bytes queued for a peer that does not read; past this the connection is dropped. */
const MAX_WRITE_BACKLOG = 4 * MAX_FRAME_BYTES;
/** Connections one IP may hold open to us: a host runs a few copies, not hundreds. */
export const MAX_TCP_CONNECTIONS_PER_IP = 8;
/** An accepted connection must carry an authenticated frame this soon, or it is closed. */
export const FIRST_FRAME_DEADLINE_MS = 5_000;

/**
 * The TCP fallback: length-prefixed frames over one connection per peer, reused while busy and
 * closed when idle. Every connection is bounded in time (connect, frame, idle) and memory (one
 * frame of buffering, a write backlog cap), so half-open, reset and slow peers cost nothing lasting.
 */
export class TcpTransport<Tag> {
  private readonly outbound = new Map<string, Promise<Connection>>();
  private readonly live = new Set<Connection>();
  private readonly timeouts: TcpTimeouts;
  private closed = false;

  constructor(
    private readonly server: Server | undefined,
    private readonly deps: TcpTransportDeps<Tag>,
  ) {
    this.timeouts = deps.timeouts ?? DEFAULT_TCP_TIMEOUTS;
    server?.on('connection', (socket) => this.accept(socket));
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  /** Sends one frame to `to`, connecting (or reusing the connection) first. Rejects on failure. */
  async send(to: Endpoint, payload: FramePayload, tag: Tag): Promise<void> {
    if (this.closed) throw new Error('TCP transport is closed');
    const connection = await this.connection(to);
    if (connection.socket.destroyed)
      throw new Error(`TCP connection to ${formatEndpoint(to)} closed`);
    this.write(connection, payload, tag);
  }

  sockets(): SocketInfo[] {
    return [...this.live].map((c) => ({
      role: 'tcp-connection',
      local: `${c.socket.localAddress ?? '?'}:${c.socket.localPort ?? 0}`,
      remote: formatEndpoint(c.remote),
      state: `${c.direction === 'in' ? 'accepted' : 'connected'}${c.socket.pending ? ' (connecting)' : ''}`,
    }));
  }

  close(): void {
    this.closed = true;
    for (const connection of this.live) connection.socket.destroy();
    this.live.clear();
    this.outbound.clear();
  }

  private connection(to: Endpoint): Promise<Connection> {
    const key = formatEndpoint(to);
    let pending = this.outbound.get(key);
    if (pending === undefined) {
      pending = this.open(to);
      this.outbound.set(key, pending);
      pending.catch(() => this.outbound.delete(key));
    }
    return pending;
  }

  private open(to: Endpoint): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: to.address, port: to.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`TCP connect to ${formatEndpoint(to)} timed out`));
      }, this.timeouts.connectMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        const connection = this.adopt(socket, 'out', to);
        socket.once('close', () => this.outbound.delete(formatEndpoint(to)));
        resolve(connection);
      });
    });
  }

  private accept(socket: Socket): void {
    const remote = { address: socket.remoteAddress ?? '0.0.0.0', port: socket.remotePort ?? 0 };
    if (this.closed || !this.makeRoom(remote.address)) {
      this.deps.onProblem('too many TCP connections; refused one', remote);
      socket.destroy();
      return;
    }
    const connection = this.adopt(socket, 'in', remote);
    // Silent or unauthenticated connections cost a slot only briefly.
    const deadline = setTimeout(
      () => {
        if (connection.authenticated) return;
        this.deps.onProblem('TCP connection sent nothing authenticated in time; closed it', remote);
        socket.destroy();
      },
      Math.min(FIRST_FRAME_DEADLINE_MS, this.timeouts.idleMs),
    );
    connection.detached = () => clearTimeout(deadline);
    socket.once('close', () => clearTimeout(deadline));
  }

  /**
   * Room for one more connection from `ip`: at most MAX_TCP_CONNECTIONS_PER_IP from one address;
   * when all slots are taken, the oldest connection that never authenticated makes way.
   */
  private makeRoom(ip: string): boolean {
    let fromIp = 0;
    for (const c of this.live) if (c.remote.address === ip) fromIp += 1;
    if (fromIp >= MAX_TCP_CONNECTIONS_PER_IP) return false;
    if (this.live.size < (this.deps.maxConnections ?? MAX_TCP_CONNECTIONS)) return true;
    for (const c of this.live) {
      if (!c.authenticated && c.direction === 'in') {
        c.socket.destroy();
        this.live.delete(c);
        return true;
      }
    }
    return false;
  }

  private adopt(socket: Socket, direction: 'in' | 'out', remote: Endpoint): Connection {
    // Connections we open are to a peer we chose; accepted ones must prove themselves.
    const connection: Connection = {
      socket,
      direction,
      remote,
      authenticated: direction === 'out',
    };
    const local = { address: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 };
    this.live.add(connection);
    socket.setNoDelay(true);
    socket.setTimeout(this.timeouts.idleMs, () => socket.destroy()); // idle or half-open
    const decoder = new FrameDecoder(MAX_FRAME_BYTES, this.deps.screen);
    let frameTimer: ReturnType<typeof setTimeout> | undefined;
    const reply = (payload: Uint8Array, tag: Tag): void => this.write(connection, payload, tag);
    const authenticated = (): void => {
      connection.authenticated = true;
    };
    let framesSeen = 0;
    let taker: ((socket: Socket, rest: Buffer[]) => void) | undefined;
    const detach = (take: (socket: Socket, rest: Buffer[]) => void): boolean => {
      if (direction !== 'in' || framesSeen !== 1 || taker !== undefined) return false;
      taker = take;
      return true;
    };
    const onData = (chunk: Buffer): void => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        const reason = error instanceof FrameError ? error.message : String(error);
        this.deps.onProblem(`bad TCP frame: ${reason}`, remote);
        socket.destroy();
        return;
      }
      for (const [i, frame] of frames.entries()) {
        framesSeen += 1;
        this.deps.onFrame(frame, { remote, local, reply, authenticated, detach });
        if (taker === undefined) continue;
        const rest = [...frames.slice(i + 1).map((f) => encodeFrame(f)), ...decoder.drain()];
        handOver(taker, rest);
        return;
      }
      // A frame that starts must finish in time: a trickle of bytes cannot hold the socket open.
      if (decoder.pendingBytes === 0) {
        clearTimeout(frameTimer);
        frameTimer = undefined;
      } else {
        frameTimer ??= setTimeout(() => {
          this.deps.onProblem('TCP frame did not complete in time', remote);
          socket.destroy();
        }, this.timeouts.frameMs);
      }
    };
    const onError = (): void => void socket.destroy(); // reset or refused: 'close' cleans up
    const onClose = (): void => {
      clearTimeout(frameTimer);
      this.live.delete(connection);
      if (decoder.pendingBytes > 0) this.deps.onProblem('TCP connection closed mid-frame', remote);
    };
    const handOver = (take: (socket: Socket, rest: Buffer[]) => void, rest: Buffer[]): void => {
      clearTimeout(frameTimer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.setTimeout(0);
      this.live.delete(connection);
      connection.detached?.();
      take(socket, rest);
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    return connection;
  }

  private write(connection: Connection, payload: FramePayload, tag: Tag): void {
    const { socket } = connection;
    if (socket.destroyed) return;
    if (socket.writableLength > MAX_WRITE_BACKLOG) {
      this.deps.onProblem('peer is not reading its TCP connection; dropped it', connection.remote);
      socket.destroy();
      return;
    }
    // The length and the record go out together (one writev), and the record is not copied
    // behind its length first (for a 64 KiB text that copy was a fifth of the sender's work), nor
    // its parts into one record.
    socket.cork();
    socket.write(frameHeader(payloadLength(payload)));
    if (payload instanceof Uint8Array) socket.write(payload);
    else for (const part of payload) socket.write(part);
    socket.uncork();
    const local = { address: socket.localAddress ?? '0.0.0.0', port: socket.localPort ?? 0 };
    this.deps.onSent(payload, { remote: connection.remote, local }, tag);
  }
}

import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns';
import { createServer, isIPv4, type Server } from 'node:net';
import { CLIENT_PORT_ATTEMPTS } from '../../shared/protocol/constants';

export class BindError extends Error {
  override readonly name = 'BindError';
  constructor(
    readonly code: 'server-port-in-use' | 'no-free-client-port' | 'bind-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Why a bind failed, for a person: the errno name (EADDRNOTAVAIL, …), not `Error: bind …`. */
function reasonOf(error: unknown): string {
  return errnoCode(error) ?? (error instanceof Error ? error.message : String(error));
}

const PORT_HINT = 'choose other ports with --server-port N and --client-port N';

function bindUdp(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function listenTcp(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port, host: address, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed: closing is idempotent for our purposes
    }
  });
}

export function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/**
 * The node sends to IP literals only: each is its own answer, at once. Node's default,
 * dns.lookup, answers a literal on the next tick: a lookup and a tick per datagram sent.
 */
const literalLookup: NonNullable<SocketOptions['lookup']> = (hostname, options, callback) => {
  if (isIPv4(hostname)) callback(null, hostname, 4);
  else lookup(hostname, options, callback);
};

/**
 * The well-known server socket. SO_REUSEADDR lets every copy on the machine bind the same port
 * and each hears broadcasts to it (unicast goes to just one of them, hence the client sockets).
 */
export async function bindServerSocket(port: number, address: string): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true, lookup: literalLookup });
  try {
    await bindUdp(socket, port, address);
    socket.setBroadcast(true);
    return socket;
  } catch (error) {
    await closeUdp(socket);
    if (errnoCode(error) === 'EADDRINUSE') {
      // Every PacketChat copy shares this port (SO_REUSEADDR); a program that did not ask to share holds it.
      throw new BindError(
        'server-port-in-use',
        `UDP server port ${port} is in use by another program; choose another with --server-port N`,
        { cause: error },
      );
    }
    throw new BindError(
      'bind-failed',
      `cannot bind UDP server port ${port} (${reasonOf(error)}); ${PORT_HINT}`,
      { cause: error },
    );
  }
}

export interface ClientSockets {
  readonly udp: Socket;
  readonly tcp: Server | undefined;
  readonly port: number;
}

/**
 * The client socket: the first port at or above `basePort` where the UDP socket (and, with TCP
 * on, a TCP listener on the same number) both bind exclusively. A second copy gets base + 1.
 */
export async function bindClientSockets(
  basePort: number,
  address: string,
  withTcp: boolean,
  attempts = CLIENT_PORT_ATTEMPTS,
): Promise<ClientSockets> {
  for (let port = basePort; port < basePort + attempts && port <= 65_535; port += 1) {
    const udp = createSocket({ type: 'udp4', reuseAddr: false, lookup: literalLookup });
    try {
      await bindUdp(udp, port, address);
    } catch (error) {
      await closeUdp(udp);
      if (isPortBusy(error)) continue;
      throw new BindError(
        'bind-failed',
        `cannot bind UDP port ${port} (${reasonOf(error)}); ${PORT_HINT}`,
        { cause: error },
      );
    }
    udp.setBroadcast(true);
    if (!withTcp) return { udp, tcp: undefined, port };
    const tcp = createServer();
    try {
      await listenTcp(tcp, port, address);
      return { udp, tcp, port };
    } catch (error) {
      await closeUdp(udp);
      await closeTcp(tcp);
      if (isPortBusy(error)) continue;
      throw new BindError(
        'bind-failed',
        `cannot listen on TCP port ${port} (${reasonOf(error)}); ${PORT_HINT}`,
        { cause: error },
      );
    }
  }
  throw new BindError(
    'no-free-client-port',
    `no free client port in ${basePort}..${Math.min(65_535, basePort + attempts - 1)}; choose another first port with --client-port N`,
  );
}

function isPortBusy(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'EADDRINUSE' || code === 'EACCES';
}

import { createSocket, type Socket } from 'node:dgram';

export type RelayDirection = 'forward' | 'back';
/** Return false to drop the datagram. */
export type RelayFilter = (direction: RelayDirection, bytes: Buffer) => boolean;

export interface UdpRelay {
  /** Where the near node sends to reach the far one. */
  readonly port: number;
  filter: RelayFilter;
  readonly dropped: { forward: number; back: number };
  /** Sends a datagram on as if it had passed the filter (for duplicates and late arrivals). */
  inject(direction: RelayDirection, bytes: Buffer): void;
  close(): Promise<void>;
}

/**
 * A userspace filter in front of a node: datagrams to `port` go to `target` from an upstream
 * socket, and the target's answers come back from `port`. Loopback only.
 */
export async function startUdpRelay(targetPort: number): Promise<UdpRelay> {
  const front = createSocket('udp4');
  const upstream = createSocket('udp4');
  await Promise.all([bind(front), bind(upstream)]);
  let client: { address: string; port: number } | undefined;
  const relay: UdpRelay = {
    port: front.address().port,
    filter: () => true,
    dropped: { forward: 0, back: 0 },
    inject: (direction, bytes) => {
      if (direction === 'forward') upstream.send(bytes, targetPort, '127.0.0.1');
      else if (client !== undefined) front.send(bytes, client.port, client.address);
    },
    close: async () => {
      await Promise.all([close(front), close(upstream)]);
    },
  };
  front.on('message', (bytes, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    if (relay.filter('forward', bytes)) upstream.send(bytes, targetPort, '127.0.0.1');
    else relay.dropped.forward += 1;
  });
  upstream.on('message', (bytes) => {
    if (client === undefined) return;
    if (relay.filter('back', bytes)) front.send(bytes, client.port, client.address);
    else relay.dropped.back += 1;
  });
  return relay;
}

/** The v2 packet type of a datagram by its first byte (docs/PROTOCOL.md), or undefined. */
const V2_TYPES: Readonly<Record<number, string>> = {
  0xf8: 'handshake-init',
  0xf9: 'handshake-resp',
  0xfa: 'handshake-final',
  0xfb: 'record',
  0xfc: 'cookie-reply',
};

/**
 * What a relay can tell about a PacketChat datagram without keys: `record` for a sealed record
 * (text, frag, ack, hello, bye: all alike from outside), a handshake type, or a clear packet's
 * kind (`announce`). Undefined for anything else.
 */
export function kindOf(bytes: Buffer): string | undefined {
  const v2 = V2_TYPES[bytes[0] ?? 0];
  if (v2 !== undefined) return v2;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' &&
      value !== null &&
      'kind' in value &&
      typeof value.kind === 'string'
      ? value.kind
      : undefined;
  } catch {
    return undefined;
  }
}

function bind(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
}

function close(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

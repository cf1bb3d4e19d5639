/**
 * A TCP proxy that counts the bytes it forwards: the "wire" of the kill test. Each accepted
 * connection is piped (with back-pressure) to the current target; `setTarget` moves it, as a
 * peer's address moves when it restarts on another IP.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { PeerAddress } from '../../../../../electron/net/files/plain-tcp-channel';

export interface CountingProxy {
  readonly address: PeerAddress;
  /** Bytes forwarded towards the target (requests) and back (file data). */
  readonly bytes: { toTarget: number; fromTarget: number };
  setTarget(target: PeerAddress): void;
  close(): Promise<void>;
}

function count(from: Socket, to: Socket, add: (n: number) => void): void {
  from.on('data', (chunk: Buffer) => {
    add(chunk.byteLength);
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
  from.on('error', () => to.destroy());
  from.on('close', () => to.destroy());
}

export async function createCountingProxy(
  host: string,
  initial: PeerAddress,
  bytes = { toTarget: 0, fromTarget: 0 },
): Promise<CountingProxy> {
  let target = initial;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    count(client, upstream, (n) => (bytes.toTarget += n));
    count(upstream, client, (n) => (bytes.fromTarget += n));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('proxy has no address');
  return {
    address: { host: bound.address, port: bound.port },
    bytes,
    setTarget: (next) => (target = next),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

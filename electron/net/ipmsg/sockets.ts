// UDP and TCP on port 2425, both exclusive: only one program per host can speak IPMsg, because
// iptux (and every client) answers to `<sender IP>:2425`, never to a source port. A bind that
// fails is a result, not a crash: the caller reports who holds the port (port-holder.ts).
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

export interface IpmsgSockets {
  readonly udp: Socket;
  readonly tcp: Server;
}

export type BindOutcome =
  | { readonly ok: true; readonly sockets: IpmsgSockets }
  | {
      readonly ok: false;
      readonly which: 'udp' | 'tcp';
      readonly code: string;
      readonly message: string;
    };

export async function bindIpmsgSockets(port: number, address: string): Promise<BindOutcome> {
  const udp = createSocket({ type: 'udp4', reuseAddr: false });
  const udpError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    udp.once('error', resolve);
    udp.bind({ port, address, exclusive: true }, () => {
      udp.off('error', resolve);
      resolve(undefined);
    });
  });
  if (udpError !== undefined) {
    await closeUdp(udp);
    return failure('udp', udpError);
  }
  udp.setBroadcast(true);
  const tcp = createServer({ pauseOnConnect: false });
  const tcpError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    tcp.once('error', resolve);
    tcp.listen({ port, host: address, exclusive: true }, () => {
      tcp.off('error', resolve);
      resolve(undefined);
    });
  });
  if (tcpError !== undefined) {
    await closeUdp(udp);
    return failure('tcp', tcpError);
  }
  return { ok: true, sockets: { udp, tcp } };
}

function failure(which: 'udp' | 'tcp', error: NodeJS.ErrnoException): BindOutcome {
  return { ok: false, which, code: error.code ?? 'EUNKNOWN', message: error.message };
}

export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // not bound or already closed
    }
  });
}

export function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.unref();
  });
}

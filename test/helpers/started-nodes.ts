import { createSocket, type Socket } from 'node:dgram';
import { afterEach } from 'vitest';
import { createNode, type NodeOptions, type PacketChatNode } from '../../electron/net/index';
import { HostilePeer, type HostileSession } from '../attacks/hostile-peer';
import { LOOPBACK_BROADCAST, testPorts } from './ports';
import { waitUntil } from './wait';

/** Whether `node` lists `id` as online. */
export const online = (node: PacketChatNode, id: string): boolean =>
  node.peerList().some((p) => p.id === id && p.online);

/**
 * What a test file starts, stopped after each test in the reverse order: nodes (`start`),
 * hand-driven peers (`hostileSession`) and anything passed to `later`. Call once, at the top of
 * the file.
 */
export function startedNodes() {
  const steps: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  const later = (step: () => Promise<void>): void => {
    steps.push(step);
  };

  /** A node on loopback (discovery to 127.255.255.255 unless `options` says otherwise), started. */
  const start = async (options: NodeOptions): Promise<PacketChatNode> => {
    const node = createNode({ broadcast: [LOOPBACK_BROADCAST], ...options });
    later(() => node.close());
    await node.start();
    return node;
  };

  /**
   * A hand-driven peer (mallory) on a socket of its own, with a session to `victim` whose
   * handshake listed `features`.
   */
  const hostileSession = async (
    victim: PacketChatNode,
    features: string[],
  ): Promise<{ mallory: HostilePeer; session: HostileSession }> => {
    const socket: Socket = createSocket('udp4');
    later(() => new Promise((resolve) => socket.close(() => resolve())));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const mallory = new HostilePeer(socket);
    later(() => {
      mallory.detach();
      return Promise.resolve();
    });
    const session = await mallory.handshake(
      { address: '127.0.0.1', port: victim.info().clientPort },
      {
        nick: 'mallory',
        host: 'm',
        port: socket.address().port,
        tcp: 0,
        status: 'online',
        features,
      },
    );
    return { mallory, session };
  };

  /** Two nodes on one set of test ports (`b` started first), once they have met by discovery. */
  const pairOf = async (
    a: NodeOptions,
    b: NodeOptions,
  ): Promise<{ a: PacketChatNode; b: PacketChatNode }> => {
    const ports = testPorts();
    const nb = await start({ ...ports, ...b });
    const na = await start({ ...ports, ...a });
    await waitUntil(() => online(na, nb.id) && online(nb, na.id), 5_000, 'discovery');
    return { a: na, b: nb };
  };

  return { later, start, hostileSession, pairOf };
}

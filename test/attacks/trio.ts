/**
 * Three in-process nodes on loopback for the attacks that need no third host: alice talks to bob
 * and to carol each through a UDP relay (test/helpers/udp-relay.ts), so the test captures every
 * sealed record alice sends and can put datagrams on the wire from the very address bob or carol
 * knows alice by (the relay's upstream socket). Mallory is a plain UDP socket of the test.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createNode, type PacketChatNode } from '../../electron/net/node';
import type { NodeOptions } from '../../electron/net/node-options';
import { defaultCryptoProvider } from '../../electron/net/crypto/default-provider';
import { generateIdentity } from '../../electron/net/crypto/identity';
import type { ChatMessage, PacketLogEntry } from '../../shared/domain';
import { testPorts } from '../helpers/ports';
import { startUdpRelay, type UdpRelay } from '../helpers/udp-relay';
import { waitUntil } from '../helpers/wait';

/** Loopback nodes here take far more than one real host's datagrams per second, on purpose. */
export const NO_RATE_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 } as const;

export type Name = 'alice' | 'bob' | 'carol';

export interface Trio {
  readonly alice: PacketChatNode;
  readonly bob: PacketChatNode;
  readonly carol: PacketChatNode;
  readonly toBob: UdpRelay;
  readonly toCarol: UdpRelay;
  /** Sealed records (0xFB) alice sent to bob, in order, as they crossed the relay. */
  readonly captured: Buffer[];
  /** Messages each node received, by node. */
  readonly received: Map<PacketChatNode, ChatMessage[]>;
  /** Why bob rejected what he rejected (the packet log's summaries), counted. */
  readonly bobRejections: Map<string, number>;
  readonly mallory: Socket;
  /** Sends datagrams from mallory to `port` and waits until `node` has taken each one in. */
  inject(node: PacketChatNode, port: number, datagrams: readonly Uint8Array[]): Promise<void>;
  /** Closes a node and starts it again with the same key and ports (no persistence). */
  restart(name: Name): Promise<void>;
  close(): Promise<void>;
}

function watch(node: PacketChatNode, received: Map<PacketChatNode, ChatMessage[]>): void {
  const list: ChatMessage[] = [];
  received.set(node, list);
  node.on('message', (m) => list.push(m));
}

/** A node's UDP inputs so far: rate-limited or taken in. */
function inputs(node: PacketChatNode): number {
  const c = node.info().counters;
  return c.datagramsReceived + c.rateLimited;
}

export async function startTrio(options: Partial<NodeOptions> = {}): Promise<Trio> {
  const { serverPort, clientPort } = testPorts();
  const provider = defaultCryptoProvider().provider;
  // Each keeps its key across restarts, as a profile does.
  const optionsOf = (nick: Name, offset: number): NodeOptions => ({
    serverPort,
    bindAddress: '127.0.0.1',
    broadcast: [],
    tcp: false,
    rateLimit: NO_RATE_LIMIT,
    sessionRateLimit: NO_RATE_LIMIT,
    ...options,
    nick,
    clientPort: clientPort + offset,
    identity: generateIdentity(provider),
  });
  const made: Record<Name, NodeOptions> = {
    alice: optionsOf('alice', 0),
    bob: optionsOf('bob', 10),
    carol: optionsOf('carol', 20),
  };
  const received = new Map<PacketChatNode, ChatMessage[]>();
  const bobRejections = new Map<string, number>();
  const countRejections = (entry: PacketLogEntry): void => {
    if (entry.direction !== 'in' || entry.kind !== 'rejected') return;
    bobRejections.set(entry.summary, (bobRejections.get(entry.summary) ?? 0) + 1);
  };
  const create = (name: Name): PacketChatNode => {
    const node = createNode(made[name]);
    watch(node, received);
    if (name === 'bob') node.on('packet', countRejections);
    return node;
  };
  const nodes: Record<Name, PacketChatNode> = {
    alice: create('alice'),
    bob: create('bob'),
    carol: create('carol'),
  };
  const mallory = createSocket('udp4');
  await new Promise<void>((resolve) => mallory.bind(0, '127.0.0.1', resolve));
  mallory.setSendBufferSize(4 * 1024 * 1024);
  const relays: UdpRelay[] = [];
  const captured: Buffer[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(Object.values(nodes).map((n) => n.close()));
    await Promise.all(relays.map((r) => r.close()));
    await new Promise<void>((resolve) => mallory.close(() => resolve()));
  };
  try {
    await Promise.all(Object.values(nodes).map((n) => n.start()));
    const toBob = await startUdpRelay(nodes.bob.info().clientPort);
    const toCarol = await startUdpRelay(nodes.carol.info().clientPort);
    relays.push(toBob, toCarol);
    toBob.filter = (direction, bytes) => {
      if (direction === 'forward' && bytes[0] === 0xfb) captured.push(Buffer.from(bytes));
      return true;
    };
    const introduce = (): void => {
      nodes.alice.addPeer(`127.0.0.1:${toBob.port}`);
      nodes.alice.addPeer(`127.0.0.1:${toCarol.port}`);
    };
    const connected = (): Promise<void> =>
      waitUntil(
        () =>
          nodes.alice.peerList().filter((p) => p.online).length === 2 &&
          nodes.alice.isEncrypted(nodes.bob.id) &&
          nodes.alice.isEncrypted(nodes.carol.id),
        10_000,
        'alice to hold sessions with bob and carol',
      );
    introduce();
    await connected();
    return {
      get alice() {
        return nodes.alice;
      },
      get bob() {
        return nodes.bob;
      },
      get carol() {
        return nodes.carol;
      },
      toBob,
      toCarol,
      captured,
      received,
      bobRejections,
      mallory,
      inject: async (node, port, datagrams) => {
        // Batches small enough for the victim's receive buffer (about 200 KB by default, and
        // each datagram costs about a kilobyte of it however small).
        const BATCH_BYTES = 80_000;
        const BATCH_COUNT = 128;
        let start = 0;
        while (start < datagrams.length) {
          let end = start;
          let bytes = 0;
          while (end < datagrams.length && bytes < BATCH_BYTES && end - start < BATCH_COUNT) {
            bytes += (datagrams[end]?.byteLength ?? 0) + 768;
            end += 1;
          }
          const batch = datagrams.slice(start, end);
          start = end;
          const before = inputs(node);
          await Promise.all(
            batch.map(
              (bytes) =>
                new Promise<void>((resolve, reject) =>
                  mallory.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
                ),
            ),
          );
          // Every datagram is handled before the next batch: the kernel's buffer never drops one.
          const deadline = Date.now() + 10_000;
          while (inputs(node) - before < batch.length) {
            if (Date.now() > deadline)
              throw new Error(
                `the victim took in ${inputs(node) - before} of ${batch.length} datagrams in 10 s`,
              );
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      },
      restart: async (name) => {
        await nodes[name].close();
        nodes[name] = create(name);
        await nodes[name].start();
        introduce();
        await connected();
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * IPMsg endpoints on loopback for the integration tests. Every IPMsg peer is its own IP address
 * (clients answer to `<sender IP>:2425`), so each node binds its own 127.x.y.z, all on one random
 * port per test; discovery goes to the other node's address only, never a real broadcast.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach } from 'vitest';
import {
  createIpmsgNode,
  MemoryIpmsgPersistence,
  type IpmsgNode,
} from '../../../../electron/net/ipmsg/index';
import type { IpmsgOptions } from '../../../../electron/net/ipmsg/options';
import { parsePacket, type IpmsgPacket } from '../../../../electron/net/ipmsg/codec';

export interface LoopbackHost {
  readonly address: string;
  readonly port: number;
}

/** Addresses 127.A.B.2, .3, … on one random subnet and one random port. */
export function loopbackHosts(count: number): LoopbackHost[] {
  const a = randomInt(60, 250);
  const b = randomInt(1, 250);
  const port = randomInt(20_000, 60_000);
  return Array.from({ length: count }, (_, i) => ({ address: `127.${a}.${b}.${i + 2}`, port }));
}

export interface TestNode {
  readonly node: IpmsgNode;
  readonly host: LoopbackHost;
  readonly persistence: MemoryIpmsgPersistence;
  readonly id: string;
}

const opened: { close(): Promise<void> | void }[] = [];

/** Closes everything the test opened, also when it failed. */
export function useCleanup(): void {
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });
}

export function ipmsgNode(
  host: LoopbackHost,
  others: readonly LoopbackHost[],
  options: IpmsgOptions = {},
): TestNode {
  const persistence = new MemoryIpmsgPersistence();
  const node = createIpmsgNode({
    bindAddress: host.address,
    port: host.port,
    broadcast: [],
    targets: others.map((o) => o.address),
    interfaces: () => [],
    retryIntervalMs: 150,
    replyMaxDelayMs: 20,
    connectTimeoutMs: 2_000,
    idleTimeoutMs: 5_000,
    persistence,
    ...options,
  });
  opened.push(node);
  return { node, host, persistence, id: `ipmsg:${host.address}` };
}

/** Starts nodes and waits until each sees every other one. */
export async function startAll(nodes: readonly TestNode[], timeoutMs = 5_000): Promise<void> {
  const seen = nodes.map((t) => {
    const wanted = new Set(nodes.filter((o) => o !== t).map((o) => o.id));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${t.id} did not see ${[...wanted].join(', ')}`)),
        timeoutMs,
      );
      const check = (): void => {
        for (const peer of t.node.peerList()) if (peer.online) wanted.delete(peer.id);
        if (wanted.size === 0) {
          clearTimeout(timer);
          t.node.off('peer', check);
          resolve();
        }
      };
      t.node.on('peer', check);
      check();
    });
  });
  for (const t of nodes) {
    const result = await t.node.start();
    if (!result.ok) throw new Error(result.unavailable.message);
  }
  await Promise.all(seen);
}

/** A raw UDP socket speaking IPMsg by hand: what a test peer (or a hostile one) sends. */
export class RawPeer {
  readonly received: { packet: IpmsgPacket; from: LoopbackHost; bytes: Buffer }[] = [];
  private readonly socket: Socket;
  private waiters: (() => void)[] = [];

  private constructor(readonly host: LoopbackHost) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (bytes, rinfo) => {
      const result = parsePacket(bytes);
      if (result.ok)
        this.received.push({
          packet: result.packet,
          from: { address: rinfo.address, port: rinfo.port },
          bytes,
        });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async bind(host: LoopbackHost): Promise<RawPeer> {
    const peer = new RawPeer(host);
    await new Promise<void>((resolve) => peer.socket.bind(host.port, host.address, resolve));
    opened.push(peer);
    return peer;
  }

  send(to: LoopbackHost, bytes: Uint8Array | string): Promise<void> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    return new Promise((resolve) => this.socket.send(data, to.port, to.address, () => resolve()));
  }

  /** Resolves with the first packet (from now on or already received) matching `test`. */
  async waitFor(
    test: (packet: IpmsgPacket) => boolean,
    what: string,
    timeoutMs = 5_000,
    from = 0,
  ): Promise<IpmsgPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find((r) => test(r.packet));
      if (found !== undefined) return found.packet;
      if (Date.now() > deadline)
        throw new Error(`${this.host.address} timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

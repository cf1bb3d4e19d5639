/**
 * The worker commands of the `groups` benchmark (worker.ts mixes them in): a group sender, its
 * members (many nodes per worker, each meeting only the sender), and the raw fan-out baseline
 * (one datagram to each of N sockets, every one answered).
 */
import type { Socket } from 'node:dgram';
import { createNode, type PacketChatNode } from '../../electron/net/node';

export interface GroupCommandContext {
  readonly nodes: PacketChatNode[];
  readonly closables: { close(): unknown }[];
  bindUdp(): Promise<Socket>;
  until<T>(what: string, timeoutMs: number, run: (done: (v: T) => void) => void): Promise<T>;
  /** Resolves when the message reaches `delivered` (for a group message: every member acked). */
  delivered(id: string): Promise<void>;
  watchStatus(node: PacketChatNode): void;
}

const now = (): number => performance.now();

function poll(ctx: GroupCommandContext, what: string, ms: number, ok: () => boolean) {
  return ctx.until<true>(what, ms, (done) => {
    const check = (): void => {
      if (ok()) done(true);
      else setTimeout(check, 10);
    };
    check();
  });
}

export function groupCommands(ctx: GroupCommandContext) {
  const sender = (): PacketChatNode => {
    const node = ctx.nodes[0];
    if (node === undefined) throw new Error('no sender node');
    return node;
  };
  return {
    /** Members `first`.. of a group: they know only the sender (no broadcast, no other peers). */
    async startMembers(o: {
      first: number;
      count: number;
      clientBase: number;
      senderPort: number;
    }) {
      for (let i = 0; i < o.count; i += 1) {
        const n = o.first + i;
        const node = createNode({
          nick: `member-${String(n)}`,
          // Each member on its own loopback address: a node accepts at most 16 identities from
          // one IP (docs/PROTOCOL.md, "Limits"), and 50 hosts have 50 addresses.
          bindAddress: `127.0.${String(2 + Math.floor(n / 200))}.${String(1 + (n % 200))}`,
          serverPort: o.clientBase - 1,
          clientPort: o.clientBase,
          broadcast: [],
          peers: [`127.0.0.1:${String(o.senderPort)}`],
          tcp: false,
        });
        ctx.nodes.push(node);
        ctx.closables.push(node);
      }
      await Promise.all(ctx.nodes.map((n) => n.start()));
      return ctx.nodes.map((n) => n.id);
    },

    /** The sender sees `count` peers online with their signing keys. */
    async waitMembers(count: number, timeoutMs: number) {
      await poll(
        ctx,
        `${count} members`,
        timeoutMs,
        () =>
          sender()
            .peerList()
            .filter((p) => p.online && p.signingKey !== undefined).length >= count,
      );
      return true;
    },

    createGroup(members: string[]) {
      return sender().createGroup('bench', members).id;
    },

    /** Every node in this worker is a member of `groupId`. */
    async waitJoined(groupId: string, timeoutMs: number) {
      await poll(ctx, 'members to join', timeoutMs, () =>
        ctx.nodes.every((n) => n.group(groupId)?.status === 'member'),
      );
      return true;
    },

    /** One group message at a time: ms from sendText() until every member acknowledged it. */
    async groupRtt(groupId: string, count: number, text: string) {
      const node = sender();
      const before = node.info().counters;
      const samples: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = now();
        const { id } = await node.sendText(`group:${groupId}`, text);
        await ctx.delivered(id);
        samples.push(now() - started);
      }
      const after = node.info().counters;
      return {
        samples,
        datagramsSent: after.datagramsSent - before.datagramsSent,
        datagramsReceived: after.datagramsReceived - before.datagramsReceived,
        retransmitted: after.retransmitted - before.retransmitted,
      };
    },

    /** The same text as `members.length` one-to-one messages at once (a multi-send). */
    async unicastRtt(members: string[], count: number, text: string) {
      const node = sender();
      const samples: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = now();
        const sent = await Promise.all(members.map((m) => node.sendText(m, text)));
        await Promise.all(sent.map((m) => ctx.delivered(m.id)));
        samples.push(now() - started);
      }
      return samples;
    },

    /** Raw sockets that answer every datagram with `responseBytes` bytes. */
    async startEchoes(count: number, responseBytes: number) {
      const response = Buffer.alloc(responseBytes, 0x61);
      const ports: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const socket = await ctx.bindUdp();
        socket.on('message', (_bytes, rinfo) => socket.send(response, rinfo.port, rinfo.address));
        ports.push(socket.address().port);
      }
      return ports;
    },

    /** One datagram of `bytes` to each port, from one socket; ms until every answer is in. */
    async rawFan(ports: number[], count: number, bytes: number) {
      const socket = await ctx.bindUdp();
      const request = Buffer.alloc(bytes, 0x62);
      const samples: number[] = [];
      let answers = 0;
      let onAll: (() => void) | undefined;
      socket.on('message', () => {
        answers += 1;
        if (answers === ports.length) onAll?.();
      });
      for (let i = 0; i < count; i += 1) {
        answers = 0;
        const started = now();
        await ctx.until<true>('raw answers', 5_000, (done) => {
          onAll = () => done(true);
          for (const port of ports) socket.send(request, port, '127.0.0.1');
        });
        samples.push(now() - started);
      }
      socket.close();
      return samples;
    },
  };
}

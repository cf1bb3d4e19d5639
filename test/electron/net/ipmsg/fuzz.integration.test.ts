/**
 * 10,000 malformed IPMsg datagrams (and a few hundred malformed TCP requests) at a node: nothing
 * may throw out of a socket handler, the node keeps answering, its tables stay within their
 * bounds and its heap does not grow with the input.
 */
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Command } from '../../../../electron/net/ipmsg/constants';
import type { NodeWarning } from '../../../../electron/net/types';
import { FEIQ, IP_MESSENGER, IPTUX } from './recorded-packets';
import { waitUntil } from '../../../helpers/wait';
import { ipmsgNode, loopbackHosts, RawPeer, useCleanup } from './loopback';

useCleanup();

const DATAGRAMS = 10_000;

/** A real garbage collection, so heap figures mean something (no --expose-gc needed). */
function collect(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}
const SOURCES = 40;

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SENDMSG | SENDCHECKOPT | FILEATTACHOPT */
const OFFER = Command.SENDMSG | 0x100 | 0x20_0000;
const SAMPLES = [...Object.values(IPTUX), ...Object.values(FEIQ), ...Object.values(IP_MESSENGER)];
const COMMANDS = [...Object.values(Command), 0x99, 0xffff_ffff, 0x8020_0120];

/** One malformed (or hostile but well-formed) datagram. */
function malformed(random: () => number, i: number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const noise = (n: number): Buffer =>
    Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  switch (i % 8) {
    case 0: {
      const copy = Buffer.from(pick(SAMPLES));
      for (let k = 0; k < 1 + random() * 8; k += 1)
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      return copy;
    }
    case 1:
      return pick(SAMPLES).subarray(0, Math.floor(random() * 40));
    case 2:
      return noise(Math.floor(random() * 1500));
    case 3: // well-formed headers, any command, random extra
      return Buffer.concat([
        Buffer.from(`1:${Math.floor(random() * 2 ** 32)}:u${i}:h:${pick(COMMANDS)}:`),
        noise(Math.floor(random() * 300)),
      ]);
    case 4: // file offers with junk lists
      return Buffer.concat([
        Buffer.from(`1:${i}:u:h:${OFFER}:x\0`),
        Buffer.from(
          `${pick(['', '-1', 'x', '99999999999999999'])}:${'::'.repeat(random() * 50)}:zz:\u0007`.repeat(
            1 + random() * 30,
          ),
        ),
      ]);
    case 5: // colon and NUL floods
      return Buffer.from(pick([':', '\0', '1:', '::\0']).repeat(1 + Math.floor(random() * 4000)));
    case 6: // huge fields and numbers
      return Buffer.from(
        `1:${'9'.repeat(1 + Math.floor(random() * 30))}:${'u'.repeat(Math.floor(random() * 900))}:h:${'4'.repeat(1 + Math.floor(random() * 12))}:x`,
      );
    default: // plausible packets from many made-up senders' names, entries included
      return Buffer.from(
        `1_lbt${i}#128#${i}:${i}:user${i}:host:${pick([1, 3, 4, 0x20, 0x120, 0x21])}:nick${i}\0grp\0`,
      );
  }
}

describe('IPMsg fuzz', () => {
  it(`takes ${DATAGRAMS.toLocaleString('en')} malformed datagrams and junk TCP requests without a crash, within bounds`, async () => {
    const [host, ...sources] = loopbackHosts(1 + SOURCES);
    const t = ipmsgNode(host!, [], { rateLimit: { perSecond: 100_000, burst: 100_000 } });
    await t.node.start();
    const internal: NodeWarning[] = [];
    t.node.on('warning', (w) => {
      if (/internal error/.test(w.message)) internal.push(w);
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const peers = await Promise.all(sources.map((h) => RawPeer.bind(h)));
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const random = prng(20240601);
    const seen = (): number => {
      const c = t.node.counters();
      return c.datagramsReceived + c.rateLimited;
    };
    for (let i = 0; i < DATAGRAMS; i += 1) {
      await peers[i % SOURCES]!.send(host!, malformed(random, i));
      // Batches of 50, so the kernel's receive buffer (one process sends and receives) never overflows.
      if (i % 50 === 49)
        await waitUntil(() => seen() >= i + 1, 5_000, `datagram ${i + 1} to be read`).catch(
          () => undefined,
        );
    }
    for (let i = 0; i < 200; i += 1) {
      await new Promise<void>((resolve) => {
        const socket = connect({ host: host!.address, port: host!.port }, () =>
          socket.end(malformed(random, i)),
        );
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    // Still answering, and every datagram was looked at.
    const asker = peers[0]!;
    const before = asker.received.length;
    await asker.send(host!, '1:1:u:h:64:\0');
    await asker.waitFor(
      (p) => p.mode === Command.SENDINFO,
      'SENDINFO after the fuzz',
      10_000,
      before,
    );
    const counters = t.node.counters();
    expect(counters.datagramsReceived + counters.rateLimited).toBeGreaterThanOrEqual(
      DATAGRAMS * 0.99,
    );
    expect(counters.junkDropped).toBeGreaterThan(DATAGRAMS / 10);
    expect(internal).toEqual([]);
    expect(uncaught).toEqual([]);
    process.off('uncaughtException', onUncaught);
    expect(t.node.peerList().length).toBeLessThanOrEqual(4096);
    expect(t.node.packets().length).toBeLessThanOrEqual(2000);
    collect();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    console.log(
      `IPMsg fuzz: ${counters.datagramsReceived} datagrams, ${counters.junkDropped} junk, heap growth ${(growth / 1e6).toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);
});

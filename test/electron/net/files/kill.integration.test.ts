/**
 * Resume under SIGKILL: a 256 MiB file while the receiver is killed 5 times and the sender 5 times,
 * each side a real process (helpers/endpoint-child.ts) on real loopback TCP. Every sender restart
 * comes back on another loopback IP behind another proxy, so the receiver also sees the address
 * change. The proxies count the bytes on the wire.
 *
 * FILES_KILL_MIB sets the size (default 256).
 */
import { createHash, randomFillSync } from 'node:crypto';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { PeerAddress } from '../../../../electron/net/files/plain-tcp-channel';
import type { TransferInfo } from '../../../../shared/files/types';
import { ChildEndpoint, Relay, type ChildLine } from './helpers/child-endpoints';
import { createCountingProxy, type CountingProxy } from './helpers/counting-proxy';

const MIB = 1024 * 1024;
const SIZE = Number(process.env['FILES_KILL_MIB'] ?? 256) * MIB;
const KILLS = 10; // alternately receiver and sender: 5 each
/** What one restart may cost on the wire: the receiver's request window, plus slack for frames. */
const WINDOW_BYTES = 4 * MIB;
const PER_RESTART_BYTES = WINDOW_BYTES + 256 * 1024;

let root = '';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

function bigFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.allocUnsafe(4 * MIB);
  for (let at = 0; at < size; at += chunk.byteLength) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(chunk.byteLength, size - at));
  }
  closeSync(fd);
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const transferOf = (line: ChildLine): TransferInfo => line['transfer'] as TransferInfo;

it(`finishes ${SIZE / MIB} MiB with the receiver and the sender each SIGKILLed 5 times`, async () => {
  root = mkdtempSync(join(tmpdir(), 'pc-kill-'));
  const src = join(root, 'src', 'big.bin');
  const dst = join(root, 'dst');
  mkdirSync(join(root, 'src'));
  mkdirSync(dst);
  bigFile(src, SIZE);
  const wire = { toTarget: 0, fromTarget: 0 };
  const relay = new Relay();
  const sender = new ChildEndpoint('sender', join(root, 'store-s'), relay);
  const receiver = new ChildEndpoint('receiver', join(root, 'store-r'), relay);
  cleanups.push(
    () => sender.stop(),
    () => receiver.stop(),
  );

  let proxy: CountingProxy = await createCountingProxy(
    '127.0.0.1',
    await sender.start('127.0.0.2'),
    wire,
  );
  cleanups.push(() => proxy.close());
  const tellReceiver = (address: PeerAddress): void =>
    receiver.command({ t: 'peer', id: 'sender', address });
  await receiver.start();
  tellReceiver(proxy.address);

  const incoming = receiver.next('transfer', (l) => transferOf(l).state === 'offered');
  sender.command({ t: 'offer', to: 'receiver', paths: [src] });
  const id = transferOf(await incoming).id;
  let done = false;
  receiver.on('transfer', (l: ChildLine) => {
    if (transferOf(l).id === id && transferOf(l).state === 'done') done = true;
  });
  receiver.command({ t: 'accept', id, dir: dst });

  for (let kill = 0; kill < KILLS; kill += 1) {
    const threshold = ((kill + 1) * SIZE) / (KILLS + 1);
    await until(() => wire.fromTarget >= threshold || done, `${threshold} bytes on the wire`);
    expect(done).toBe(false);
    if (kill % 2 === 0) {
      await receiver.kill();
      await receiver.start();
      tellReceiver(proxy.address);
    } else {
      await sender.kill();
      const moved = await sender.start(`127.0.0.${3 + kill}`);
      const old = proxy;
      proxy = await createCountingProxy(`127.0.0.${30 + kill}`, moved, wire);
      await old.close();
      tellReceiver(proxy.address);
    }
  }
  await until(() => done, 'the transfer to finish', 120_000);

  expect(await sha256(join(dst, 'big.bin'))).toBe(await sha256(src));
  const onWire = wire.fromTarget + wire.toTarget;
  const allowed = 1.05 * SIZE + KILLS * PER_RESTART_BYTES;
  console.log(
    `kill test: ${SIZE / MIB} MiB, ${(onWire / MIB).toFixed(1)} MiB on the wire ` +
      `(${((onWire / SIZE) * 100).toFixed(1)} %), allowed ${(allowed / MIB).toFixed(1)} MiB`,
  );
  expect(onWire).toBeLessThanOrEqual(allowed);
}, 180_000);

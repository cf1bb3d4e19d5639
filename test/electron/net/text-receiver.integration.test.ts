// A receiver whose profile sits on a real 2 MiB tmpfs: the disk fills while messages arrive.
// Nothing acknowledged may be lost: the receiver stops acknowledging while it cannot store, says
// so once, and takes the retransmissions once there is space again.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storePersistence } from '../../../electron/app/persistence-adapter';
import { createNode, type PacketChatNode, type StorageHealth } from '../../../electron/net/index';
import { openStore } from '../../../electron/store/open-store';
import type { Store } from '../../../electron/store/store';
import type { MessageStateChange } from '../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

const MESSAGES = 151;
const TEXT_CHARS = 500;
/** Space left on the receiver's disk when the messages start: less than they need. */
const FREE_BYTES = 48 * 1024;
const isRoot = process.getuid?.() === 0;
const cleanups: (() => void | Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pc-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  cleanups.push(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe.skipIf(!isRoot)('a full disk at the receiver (needs root for a tmpfs)', () => {
  it('loses no acknowledged message, says so once, and resumes when there is space', async () => {
    const dir = mountTmpfs('2m');
    const { store } = openStore(dir);
    cleanups.push(() => store.close());
    // Leave room for a part of the messages only: group commit writes far fewer WAL pages than
    // a transaction per message did, so the texts alone would no longer fill the disk.
    const free = statfsSync(dir);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(free.bavail * free.bsize - FREE_BYTES));
    const ports = testPorts();
    const quick = {
      ...ports,
      broadcast: [LOOPBACK_BROADCAST],
      announceIntervalMs: 300,
      rto: { initialMs: 50, minMs: 50, maxMs: 400, jitter: 0.2 },
      tcpAckTimeoutMs: 200,
    };
    const receiver = createNode({
      ...quick,
      nick: 'receiver',
      persistence: storePersistence(store),
    });
    const sender = createNode({ ...quick, nick: 'sender', clientPort: ports.clientPort + 10 });
    cleanups.push(
      () => receiver.close(),
      () => sender.close(),
    );
    const health: StorageHealth[] = [];
    receiver.on('storage', (h) => health.push(h));
    const delivered = new Set<string>();
    sender.on('message-state', (c: MessageStateChange) => {
      if (c.state === 'delivered') delivered.add(c.id);
    });
    await Promise.all([receiver.start(), sender.start()]);
    await waitUntil(() => online(sender, receiver.id), 5_000, 'discovery');

    const texts = Array.from(
      { length: MESSAGES },
      (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(TEXT_CHARS)}`,
    );
    const ids = (await Promise.all(texts.map((text) => sender.sendText(receiver.id, text)))).map(
      (m) => m.id,
    );
    await waitUntil(() => health.length > 0, 20_000, 'the receiver to run out of space');
    expect(health[0]).toMatchObject({ ok: false, diskFull: true });
    expect(health[0]?.message).toMatch(/disk is full/);
    // While the disk is full: whatever the sender saw acknowledged is stored at the receiver.
    const storedWhileFull = storedTexts(store);
    expect(delivered.size).toBeLessThan(MESSAGES);
    for (const id of delivered) expect(storedWhileFull.has(id), `acked ${id} is stored`).toBe(true);

    execFileSync('mount', ['-o', 'remount,size=64m', dir]);
    await waitUntil(() => delivered.size === MESSAGES, 60_000, 'every message to be acknowledged');
    const stored = storedTexts(store);
    expect([...ids].filter((id) => !stored.has(id))).toEqual([]);
    const history = store.reads.history(sender.id, { limit: 500 }).messages;
    expect(history.map((m) => m.text)).toEqual(texts); // once each, in order
    // One report that it failed and one that it works again, not one per message.
    expect(health.map((h) => h.ok)).toEqual([false, true]);
  }, 120_000);
});

function online(node: PacketChatNode, id: string): boolean {
  return node.peerList().some((p) => p.id === id && p.online);
}

function storedTexts(store: Store): Set<string> {
  return new Set(
    store.sql
      .all<{ id: string }>("SELECT id FROM messages WHERE direction = 'in'")
      .map((r) => r.id),
  );
}

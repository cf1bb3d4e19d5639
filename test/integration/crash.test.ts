import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../helpers/cli-node';
import { loopbackArgs, testPorts } from '../helpers/ports';

/**
 * Kills the receiver (and sometimes the sender) with SIGKILL at random moments while messages
 * flow, restarts them on the same profiles, and checks that nothing was lost, duplicated or
 * reordered, and that both databases pass SQLite's integrity check.
 */
const ROUNDS = 8;
const MESSAGES_PER_ROUND = 25;

const live: CliNode[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(live.splice(0).map((n) => n.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function start(
  dir: string,
  ports: { serverPort: number; clientPort: number },
  nick: string,
): CliNode {
  const node = startCliNode({
    label: nick,
    args: ['--data-dir', dir, '--nick', nick, ...loopbackArgs(ports)],
  });
  live.push(node);
  return node;
}

async function kill(node: CliNode): Promise<void> {
  if (node.pid !== undefined && !node.hasExited) process.kill(node.pid, 'SIGKILL');
  await node.exited;
  live.splice(live.indexOf(node), 1);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash safety', () => {
  it('loses and duplicates nothing when both ends are killed at random points', async () => {
    const seed = randomInt(1_000_000);
    console.log(`crash test seed ${seed}`);
    const ports = testPorts();
    const senderDir = await mkdtemp(join(tmpdir(), 'pc-crash-s-'));
    const receiverDir = await mkdtemp(join(tmpdir(), 'pc-crash-r-'));
    dirs.push(senderDir, receiverDir);
    let receiver = start(receiverDir, ports, 'receiver');
    const receiverId = (await receiver.ready()).nodeId;
    let sender = start(senderDir, { ...ports, clientPort: ports.clientPort + 10 }, 'sender');
    const senderId = (await sender.ready()).nodeId;
    await sender.waitForType('peer', (e) => e.peer.id === receiverId && e.peer.online, 5_000);

    const sent: string[] = []; // message ids in send order
    const texts = new Map<string, string>();
    const delivered = new Set<string>();
    const watch = (node: CliNode): void => {
      const seen = new Set<number>();
      const scan = (): void => {
        node.events.forEach((event, index) => {
          if (seen.has(index)) return;
          seen.add(index);
          if (event.type === 'status' && event.status === 'delivered') delivered.add(event.id);
        });
      };
      setInterval(scan, 20).unref();
    };
    watch(sender);
    let n = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < MESSAGES_PER_ROUND; i += 1) {
        n += 1;
        const text = `m${String(n).padStart(4, '0')}`;
        sender.send({ cmd: 'send', to: receiverId, text });
        const ack = await sender.waitForType('sent', (e) => !sent.includes(e.id), 5_000);
        sent.push(ack.id);
        texts.set(ack.id, text);
        await pause(randomInt(0, 8));
      }
      await pause(randomInt(0, 150));
      await kill(receiver);
      if (round % 3 === 2) {
        await kill(sender);
        sender = start(senderDir, { ...ports, clientPort: ports.clientPort + 10 }, 'sender');
        await sender.ready();
        watch(sender);
      }
      receiver = start(receiverDir, ports, 'receiver');
      await receiver.ready();
    }
    const deadline = Date.now() + 40_000;
    while (sent.some((id) => !delivered.has(id)) && Date.now() < deadline) await pause(100);
    expect(
      sent.filter((id) => !delivered.has(id)),
      `undelivered (seed ${seed})`,
    ).toEqual([]);

    receiver.send({ cmd: 'history', with: senderId, limit: 500 });
    const history = await receiver.waitForType('history', () => true, 5_000);
    const received = history.messages;
    expect(
      received.map((m) => m.text),
      `history (seed ${seed})`,
    ).toEqual(sent.map((id) => texts.get(id)));
    expect(new Set(received.map((m) => m.id)).size).toBe(received.length);

    await receiver.stop();
    await sender.stop();
    for (const dir of [senderDir, receiverDir]) {
      const db = new DatabaseSync(join(dir, 'packetchat.db'));
      expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      db.close();
    }
  }, 120_000);
});

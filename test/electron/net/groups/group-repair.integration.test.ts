/**
 * Groups across absences (issue 15, "Tests"): a member offline for a while gets everything when
 * it returns, with the membership changes it missed; a member that missed messages during a
 * partition gets them from another member while their writer is gone. Real SQLite stores, real
 * sockets on loopback; the timers are short, the behaviour is that of a long absence (the others
 * mark the member offline, their deliveries to it run out of retries and wait as `pending`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeOptions, PacketChatNode } from '../../../../electron/net/index';
import type { ChatMessage, GroupChange } from '../../../../shared/domain';
import { awayAndBack } from '../../../faults/group-away';
import { startGroupMesh, type GroupMesh } from '../../../faults/group-mesh';
import { useTempDirs } from '../../../helpers/temp-dir';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const tempDir = useTempDirs();

/** Short timers with the real rules: offline after 3 s, retries used up in about 2 s. */
const FAST: NodeOptions = {
  announceIntervalMs: 500,
  peerTimeoutMs: 3_000,
  rto: { initialMs: 150, minMs: 100, maxMs: 400, jitter: 0.2 },
};

let mesh: GroupMesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

describe('a member that was away', () => {
  it('gets every message and the membership it missed within 15 s of returning', async () => {
    const result = await awayAndBack({ timers: FAST, awayMs: 0, tempDir });
    console.log(
      `groups: a member away ${result.awayMs} ms had all ${result.messages} messages ${result.catchUpMs} ms after its start`,
    );
  }, 60_000);
});

describe('repair', () => {
  it('a member that missed messages in a partition gets them from another member, the writer gone', async () => {
    mesh = await startGroupMesh({
      count: 3,
      seed: 7,
      faults: {},
      node: () => ({ peerTimeoutMs: 3_000, announceIntervalMs: 500 }),
    });
    const [writer, keeper, missed] = mesh.nodes as [PacketChatNode, PacketChatNode, PacketChatNode];
    const joined = [keeper, missed].map((n) =>
      waitForEvent<GroupChange>(n, 'group', (g) => g.change === 'joined'),
    );
    const group = writer.createGroup('split', [keeper.id, missed.id]);
    await Promise.all(joined);
    mesh.proxy(0, 2).partition(600_000);
    const texts = Array.from({ length: 30 }, (_, k) => `in the partition ${String(k)}`);
    const atKeeper: string[] = [];
    keeper.on('message', (m) => atKeeper.push(m.text));
    for (const text of texts) await writer.sendText(`group:${group.id}`, text);
    await waitUntil(() => atKeeper.length === texts.length, 10_000, 'the keeper to have them');
    await writer.close(); // the writer is gone; its link to `missed` never healed
    const got: ChatMessage[] = [];
    missed.on('message', (m) => got.push(m));
    await waitUntil(() => got.length === texts.length, 30_000, 'the relayed messages').catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: got ${got.length}`);
      },
    );
    expect(got.map((m) => m.text)).toEqual(texts);
    // Signed by the writer, carried by the keeper.
    // `missed` (the far end of proxy 1-2) sees `keeper` at the proxy's upstream socket.
    const keeperAddress = `127.0.0.1:${String(mesh.proxy(1, 2).upstreamPort)}`;
    for (const m of got) {
      expect(m.group).toEqual({ groupId: group.id, sender: writer.id, gap: false });
      expect(m.remote).toBe(keeperAddress);
    }
  }, 60_000);
});

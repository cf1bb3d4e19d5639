/**
 * The file engine on two real protocol v2 nodes on loopback: control messages in the reliable
 * sealed stream (`control: "file"`), data over sealed TCP lanes. No plain channel anywhere.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, PacketLogEntry } from '../../../shared/domain';
import type { TransferDone, TransferInfo } from '../../../shared/files/types';
import { QUICK_RECONNECT, useFileSides, type FileSide as Side } from '../../helpers/file-sides';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitForPeer } from '../../helpers/peers';
import { waitForEvent } from '../../helpers/wait';
import { randomFile, snapshot, writeFile } from './files/helpers/trees';

const { side: start, tempDir } = useFileSides();

function side(nick: string, ports: { serverPort: number; clientPort: number }): Promise<Side> {
  return start({ ...ports, nick, broadcast: [LOOPBACK_BROADCAST] }, QUICK_RECONNECT);
}

function transferState(s: Side, id: string, state: TransferInfo['state']): Promise<TransferInfo> {
  return waitForEvent<TransferInfo>(
    s.files.engine,
    'transfer',
    (t) => t.id === id && t.state === state,
    20_000,
  );
}

describe('files over protocol v2', () => {
  it('offers a folder as a card in the stream, pulls it over sealed lanes, and keeps it verified', async () => {
    const ports = testPorts();
    const alice = await side('alice', ports);
    const bob = await side('bob', ports);
    await Promise.all([waitForPeer(alice.node, bob.node.id), waitForPeer(bob.node, alice.node.id)]);

    const src = tempDir('pc-wire-src-');
    randomFile(join(src, '照片', 'big.bin'), 3 * 1024 * 1024 + 17);
    writeFile(join(src, '照片', 'notes 📝.txt'), 'hello');
    const dest = tempDir('pc-wire-dest-');

    const card = waitForEvent<ChatMessage>(bob.node, 'message', (m) => m.file !== undefined);
    const offered = await alice.files.engine.sendFiles(bob.node.id, [join(src, '照片')]);
    if (!offered.ok) throw new Error(offered.message);
    const id = offered.transfer.id;
    const shown = await card;
    expect(shown.file).toMatchObject({ transferId: id, names: ['照片'], files: 2 });
    expect(shown.text).toBe('照片');

    // The card shows once the engine has handled the offer (handled, then acknowledged).
    expect(bob.files.engine.get(id)?.state).toBe('offered');
    const done = waitForEvent<TransferDone>(
      bob.files.engine,
      'done',
      (d) => d.transfer.id === id,
      20_000,
    );
    const senderDone = transferState(alice, id, 'done');
    const accepted = await bob.files.engine.accept(id, dest);
    expect(accepted.ok).toBe(true);
    const result = await done;
    await senderDone;
    expect(result.files).toHaveLength(2);
    expect(snapshot(join(dest, '照片'))).toEqual(snapshot(join(src, '照片')));

    // The data went over lanes, summarised in the packet log, not one entry per record.
    const lanes = alice.node.packets().filter((p: PacketLogEntry) => p.kind === 'file-data');
    expect(lanes.length).toBeGreaterThan(0);
    expect(lanes.length).toBeLessThan(60);
    expect(lanes.some((p) => p.summary.includes('DATA'))).toBe(true);
    expect(bob.node.packets().some((p) => p.kind === 'lane')).toBe(true);
    // No control message was shown as chat.
    expect(
      alice.node
        .packets()
        .filter((p) => p.kind === 'text')
        .every((p) => p.summary.includes('file:')),
    ).toBe(true);
  });
});

/**
 * File data through a real Mosquitto broker (docs/RELAY.md, "File data"): two nodes that cannot
 * reach each other on the LAN (different server ports) meet through the relay; a file offered by
 * one is pulled by the other over relay lanes, paused half-way and resumed (the prefix hash
 * checked), and kept with the sender's SHA-256. An administrator's client subscribed to the
 * broker checks that no byte of the file's marker ever crossed the broker in the clear and that
 * no payload exceeded the broker's packet limit. A broker that stops mid-transfer pauses it at
 * once ("Relay broker unreachable"); when the broker is back it goes on from the part.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeOptions } from '../../../../electron/net/node-options';
import type { PeerChange } from '../../../../shared/domain';
import { PART_SUFFIX } from '../../../../shared/files/limits';
import type { TransferDone, TransferInfo } from '../../../../shared/files/types';
import { QUICK_RECONNECT, useFileSides, type FileSide as Side } from '../../../helpers/file-sides';
import { startBroker, type Broker } from '../../../helpers/mosquitto';
import { spyOn } from '../../../helpers/mqtt-spy';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../../../helpers/require-tool';
import { waitForEvent, waitUntil } from '../../../helpers/wait';
import { waitForPeer } from '../../../helpers/peers';
import { randomFile, sha256Of, writeFile } from '../files/helpers/trees';

const mosquitto = findTool(TOOLS.mosquitto);
const WAIT_MS = 30_000;
const MARKER = 'FILE-PLAINTEXT-MARKER-4c1d';
/** The shipped config's max_packet_size (docs/relay/mosquitto.conf). */
const BROKER_PACKET_LIMIT = 1024 * 1024;

const { side: start, tempDir, cleanup } = useFileSides();

/** Own ports (the default): the two never hear each other's announce. */
async function side(
  nick: string,
  broker: Broker,
  options: Partial<NodeOptions> = testPorts(),
): Promise<Side> {
  return start(
    {
      ...options,
      nick,
      broadcast: [LOOPBACK_BROADCAST],
      relay: { brokers: [{ url: broker.url }] },
    },
    QUICK_RECONNECT,
  );
}

const onRelay =
  (id: string) =>
  (c: PeerChange): boolean =>
    c.peer.id === id && c.peer.online && c.peer.path.kind === 'relay';

describe('file data through the relay', () => {
  it('pulls a file over relay lanes, resumes after a pause, and keeps it with the same SHA-256; the broker sees only ciphertext', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await startBroker({ extra: [`max_packet_size ${BROKER_PACKET_LIMIT}`] });
    cleanup(() => b.stop());
    const admin = await spyOn(b.url);
    cleanup(() => admin.close());
    const alice = await side('alice', b);
    const bob = await side('bob', b);
    const aliceSees = waitForEvent<PeerChange>(alice.node, 'peer', onRelay(bob.node.id), WAIT_MS);
    const bobSees = waitForEvent<PeerChange>(bob.node, 'peer', onRelay(alice.node.id), WAIT_MS);
    alice.node.seek(bob.node.id);
    await Promise.all([aliceSees, bobSees]);

    const src = tempDir('pc-relay-src-');
    // 6 MiB of random bytes, then the marker repeated: its plaintext must never cross the broker.
    const big = randomFile(join(src, 'big.bin'), 6 * 1024 * 1024 + 4099);
    const small = writeFile(join(src, 'marker.txt'), MARKER.repeat(4096));
    const dest = tempDir('pc-relay-dest-');

    const offered = await alice.files.engine.sendFiles(bob.node.id, [big, small]);
    if (!offered.ok) throw new Error(offered.message);
    const id = offered.transfer.id;
    await waitUntil(() => bob.files.engine.get(id)?.state === 'offered', WAIT_MS, 'the offer');

    // Pause as soon as the first relay lane is up (a 6 MiB pull through the broker takes many
    // round trips more): the lanes close; resume opens new ones and continues from the part.
    const moving = waitForEvent<TransferInfo>(
      bob.files.engine,
      'transfer',
      (t) => t.id === id && t.state === 'active',
      WAIT_MS,
    );
    expect((await bob.files.engine.accept(id, dest)).ok).toBe(true);
    await moving;
    const paused = await bob.files.engine.pause(id);
    expect(paused.ok).toBe(true);
    const done = waitForEvent<TransferDone>(
      bob.files.engine,
      'done',
      (d) => d.transfer.id === id,
      WAIT_MS * 2,
    );
    const senderDone = waitForEvent<TransferInfo>(
      alice.files.engine,
      'transfer',
      (t) => t.id === id && t.state === 'done',
      WAIT_MS * 2,
    );
    expect((await bob.files.engine.resume(id)).ok).toBe(true);
    const result = await done;
    await senderDone;
    expect(result.files.map((f) => f.sha256).sort()).toEqual(
      [sha256Of(big), sha256Of(small)].sort(),
    );
    expect(sha256Of(join(dest, 'big.bin'))).toBe(sha256Of(big));
    expect(sha256Of(join(dest, 'marker.txt'))).toBe(sha256Of(small));

    // The data went through the relay, summarised in the packet log, and no lane was on TCP.
    const relayData = bob.node
      .packets()
      .filter((p) => p.kind === 'file-data' && p.transport === 'relay');
    expect(relayData.some((p) => p.summary.includes('GET'))).toBe(true);
    expect(
      alice.node.packets().some((p) => p.kind === 'file-data' && p.summary.includes('DATA')),
    ).toBe(true);
    expect(bob.node.packets().some((p) => p.kind === 'file-data' && p.transport === 'tcp')).toBe(
      false,
    );
    expect(
      bob.node.packets().filter((p) => p.kind === 'lane' && p.summary.includes('opened')).length,
    ).toBeGreaterThanOrEqual(2); // before the pause and after

    // What the broker carried: sealed v2 records only, each under its packet limit.
    const inbox = admin.messages.filter((m) => m.topic.includes('/inbox/'));
    expect(inbox.reduce((n, m) => n + m.payload.byteLength, 0)).toBeGreaterThan(6 * 1024 * 1024);
    const marker = Buffer.from(MARKER);
    for (const m of admin.messages) {
      expect(m.payload.includes(marker)).toBe(false);
      expect(m.payload.byteLength).toBeLessThan(BROKER_PACKET_LIMIT - 1024);
    }
    for (const m of inbox) expect(m.payload[0]).toBeGreaterThanOrEqual(0xf8);
  });

  // SIGTERM: Mosquitto sends the wills (each node sees the other offline) and saves its sessions.
  // SIGKILL: a crash, as when the network drops: no will, nothing saved; only the closed
  // connection (MQTT.js 'close') tells the nodes.
  it.for(['SIGTERM', 'SIGKILL'] as const)(
    'pauses at once with "Relay broker unreachable" when the broker stops mid-transfer (%s), and goes on from the part when it is back',
    { timeout: 150_000 },
    async (signal, ctx) => {
      requireOrSkip(ctx, mosquitto);
      const b = await startBroker({ extra: [`max_packet_size ${BROKER_PACKET_LIMIT}`] });
      cleanup(() => b.stop());
      // Both have TCP listeners, but they know each other only through the relay (no address):
      // with the broker gone no direct lane may be tried (an empty host would be this machine).
      const alice = await side('alice', b, testPorts());
      const bob = await side('bob', b);
      const aliceSees = waitForEvent<PeerChange>(alice.node, 'peer', onRelay(bob.node.id), WAIT_MS);
      const bobSees = waitForEvent<PeerChange>(bob.node, 'peer', onRelay(alice.node.id), WAIT_MS);
      alice.node.seek(bob.node.id);
      await Promise.all([aliceSees, bobSees]);

      const src = tempDir('pc-relay-drop-src-');
      const dest = tempDir('pc-relay-drop-dest-');
      // Far more than the lanes' windows (4 x 1 MiB): it cannot all be on its way when the broker stops.
      const big = randomFile(join(src, 'big.bin'), 40 * 1024 * 1024 + 12_345);
      const offered = await alice.files.engine.sendFiles(bob.node.id, [big]);
      if (!offered.ok) throw new Error(offered.message);
      const id = offered.transfer.id;
      await waitUntil(() => bob.files.engine.get(id)?.state === 'offered', WAIT_MS, 'the offer');

      // The broker stops (SIGTERM) as soon as the first bytes are in the part.
      const halted = new Promise<void>((resolve, reject) => {
        const onTransfer = (t: TransferInfo): void => {
          if (t.id !== id || t.state !== 'active' || t.bytesDone === 0) return;
          bob.files.engine.off('transfer', onTransfer);
          b.halt(signal).then(resolve, reject);
        };
        bob.files.engine.on('transfer', onTransfer);
      });
      const paused = waitForEvent<TransferInfo>(
        bob.files.engine,
        'transfer',
        (t) => t.id === id && t.state === 'paused',
        WAIT_MS, // far below the relay lanes' 120 s idle timeout: the dropped connection is heard
      );
      // The sender hears it too: its transfer says why nothing moves.
      const senderWaits = waitForEvent<TransferInfo>(
        alice.files.engine,
        'transfer',
        (t) => t.id === id && t.reason === 'relay-unreachable',
        WAIT_MS,
      );
      expect((await bob.files.engine.accept(id, dest)).ok).toBe(true);
      await halted;
      const pause = await paused;
      expect((await senderWaits).state).toBe('active');
      expect(pause.reason).toBe('relay-unreachable');
      expect(pause.bytesDone).toBeGreaterThan(0);
      expect(pause.bytesDone).toBeLessThan(pause.bytes);
      expect(bob.node.relays().every((s) => s.state !== 'connected')).toBe(true);
      expect(existsSync(join(dest, `big.bin${PART_SUFFIX}`))).toBe(true);

      // The broker is back: the transfer resumes by itself from the part and ends verified.
      const resumed = waitForEvent<TransferInfo>(
        bob.files.engine,
        'transfer',
        (t) => t.id === id && t.state === 'active',
        WAIT_MS,
      );
      const done = waitForEvent<TransferDone>(
        bob.files.engine,
        'done',
        (d) => d.transfer.id === id,
        WAIT_MS * 3,
      );
      const senderDone = waitForEvent<TransferInfo>(
        alice.files.engine,
        'transfer',
        (t) => t.id === id && t.state === 'done',
        WAIT_MS * 3,
      );
      await b.resume();
      expect((await resumed).bytesDone).toBeGreaterThanOrEqual(pause.bytesDone);
      const result = await done;
      await senderDone;
      expect(result.files[0]?.sha256).toBe(sha256Of(big));
      expect(sha256Of(join(dest, 'big.bin'))).toBe(sha256Of(big));
      expect(bob.node.packets().some((p) => p.kind === 'file-data' && p.transport === 'tcp')).toBe(
        false,
      );
    },
  );

  it('prefers a direct lane on the LAN, and takes the relay when no direct lane opens', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await startBroker();
    cleanup(() => b.stop());
    const ports = testPorts();
    // Alice has no TCP listener: nobody can open a direct lane to her. Bob has one.
    const alice = await side('alice', b, { ...ports, tcp: false });
    const bob = await side('bob', b, ports);
    await Promise.all([waitForPeer(alice.node, bob.node.id), waitForPeer(bob.node, alice.node.id)]);
    expect(bob.node.peerList().find((p) => p.id === alice.node.id)?.path.kind).toBe('lan');
    // Bob knows Alice is on the broker too (her directory entry).
    await waitUntil(
      () => bob.node.directory('alice', 5).some((e) => e.nodeId === alice.node.id),
      WAIT_MS,
      'alice in the directory',
    );

    const src = tempDir('pc-lanes-src-');
    const dest = tempDir('pc-lanes-dest-');
    const transfer = async (from: Side, to: Side, name: string): Promise<string> => {
      const file = randomFile(join(src, name), 2 * 1024 * 1024 + 7);
      const offered = await from.files.engine.sendFiles(to.node.id, [file]);
      if (!offered.ok) throw new Error(offered.message);
      const id = offered.transfer.id;
      await waitUntil(() => to.files.engine.get(id)?.state === 'offered', WAIT_MS, 'the offer');
      const done = waitForEvent<TransferDone>(
        to.files.engine,
        'done',
        (d) => d.transfer.id === id,
        WAIT_MS,
      );
      expect((await to.files.engine.accept(id, dest)).ok).toBe(true);
      expect((await done).files[0]?.sha256).toBe(sha256Of(file));
      return id;
    };
    const lanes = (s: Side, transport: string): number =>
      s.node.packets().filter((p) => p.kind === 'file-data' && p.transport === transport).length;

    // Alice pulls from Bob: a direct TCP lane, nothing through the broker.
    await transfer(bob, alice, 'to-alice.bin');
    expect(lanes(alice, 'tcp')).toBeGreaterThan(0);
    expect(lanes(alice, 'relay')).toBe(0);
    // Bob pulls from Alice: no direct lane opens, the relay carries it.
    await transfer(alice, bob, 'to-bob.bin');
    expect(lanes(bob, 'relay')).toBeGreaterThan(0);
    expect(sha256Of(join(dest, 'to-bob.bin'))).toBe(sha256Of(join(src, 'to-bob.bin')));
  });
});

/**
 * Two nodes that cannot reach each other on the LAN (each announces only to its own server port)
 * meet through a real Mosquitto broker on loopback: the directory lists each, a handshake runs
 * through their inboxes, and texts and acks follow. An administrator's client subscribed to `#`
 * checks what the broker saw. Then a LAN link between two nodes is cut and healed: the path turns
 * to the relay and back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../../../electron/net/node';
import type { NodeOptions } from '../../../../electron/net/node-options';
import type {
  ChatMessage,
  DirectoryEntry,
  MessageStateChange,
  PeerChange,
} from '../../../../shared/domain';
import { startImpairmentProxy, type ImpairmentProxy } from '../../../helpers/impairment-proxy';
import { startBroker, type Broker } from '../../../helpers/mosquitto';
import { spyOn, type MqttSpy } from '../../../helpers/mqtt-spy';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../../../helpers/require-tool';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const mosquitto = findTool(TOOLS.mosquitto);
const WAIT_MS = 15_000;
const MARKER = 'PLAINTEXT-MARKER-7f3a';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

function node(broker: Broker, options: NodeOptions = {}): PacketChatNode {
  const ports = testPorts();
  const created = createNode({
    ...ports,
    broadcast: [LOOPBACK_BROADCAST],
    nick: options.nick ?? 'n',
    announceIntervalMs: 1_000,
    relay: { brokers: [{ url: broker.url }] },
    ...options,
  });
  open.push(created);
  return created;
}

async function broker(): Promise<Broker> {
  const started = await startBroker();
  open.push({ close: () => started.stop() });
  return started;
}

async function spy(url: string): Promise<MqttSpy> {
  const s = await spyOn(url);
  open.push(s);
  return s;
}

const peerOnline =
  (id: string, kind?: 'lan' | 'relay') =>
  (c: PeerChange): boolean =>
    c.peer.id === id && c.peer.online && (kind === undefined || c.peer.path.kind === kind);

describe('relay through Mosquitto', () => {
  it('lists nodes in the directory, runs the handshake through inboxes and carries texts and acks; the broker sees only ciphertext', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await broker();
    const admin = await spy(b.url);
    const alice = node(b, { nick: 'alice' });
    const bob = node(b, { nick: 'bob' });
    const listed = waitForEvent<DirectoryEntry>(
      alice,
      'directory',
      (e) => e.nodeId === bob.id,
      WAIT_MS,
    );
    await Promise.all([alice.start(), bob.start()]);
    const entry = await listed;
    expect(entry).toMatchObject({ nick: 'bob', broker: `127.0.0.1:${b.port}` });
    expect(alice.directory('BO', 10).map((e) => e.nodeId)).toEqual([bob.id]);

    const aliceSees = waitForEvent<PeerChange>(alice, 'peer', peerOnline(bob.id), WAIT_MS);
    const bobSees = waitForEvent<PeerChange>(bob, 'peer', peerOnline(alice.id), WAIT_MS);
    alice.seek(bob.id);
    const [seen] = await Promise.all([aliceSees, bobSees]);
    expect(seen.peer).toMatchObject({
      nick: 'bob',
      address: '',
      port: 0,
      path: { kind: 'relay', broker: `127.0.0.1:${b.port}` },
    });

    const received = waitForEvent<ChatMessage>(bob, 'message', () => true, WAIT_MS);
    const sent = await alice.sendText(bob.id, `hello through the broker ${MARKER}`);
    expect(sent.transport).toBe('relay');
    const delivered = waitForEvent<MessageStateChange>(
      alice,
      'message-state',
      (s) => s.id === sent.id && s.state === 'delivered',
      WAIT_MS,
    );
    const got = await received;
    expect(got).toMatchObject({
      text: `hello through the broker ${MARKER}`,
      transport: 'relay',
      peerId: alice.id,
      remote: `relay 127.0.0.1:${b.port}`,
    });
    expect((await delivered).transport).toBe('relay');

    const reply = waitForEvent<ChatMessage>(alice, 'message', () => true, WAIT_MS);
    await bob.sendText(alice.id, `and back ${MARKER}`);
    expect((await reply).text).toBe(`and back ${MARKER}`);

    // The packet log shows relay traffic as its own transport, opened where we could open it.
    const relayed = alice.packets().filter((p) => p.transport === 'relay');
    expect(relayed.map((p) => p.kind)).toEqual(
      expect.arrayContaining(['handshake-init', 'text', 'ack']),
    );
    expect(relayed.find((p) => p.kind === 'text')?.remote).toBe(
      `pchat/v2/inbox/${bob.id}/${alice.id}`,
    );

    // What the broker carried: presence and directory notices, and v2 packets in inboxes.
    // Three handshake messages, two texts and their acks at least.
    const inbox = () => admin.messages.filter((m) => m.topic.includes('/inbox/'));
    await waitUntil(() => inbox().length >= 7, WAIT_MS, 'the spy to see every inbox message');
    for (const m of inbox()) expect(m.payload[0]).toBeGreaterThanOrEqual(0xf8);
    const marker = Buffer.from(MARKER);
    for (const m of admin.messages) expect(m.payload.includes(marker)).toBe(false);
    const topics = new Set(admin.messages.map((m) => m.topic.split('/').slice(0, 3).join('/')));
    expect([...topics].sort()).toEqual([
      'pchat/v2/directory',
      'pchat/v2/inbox',
      'pchat/v2/presence',
    ]);
  });

  it('turns to the relay when the LAN stops answering and back when it answers again', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await broker();
    const alice = node(b, { nick: 'alice', tcp: false });
    const bob = node(b, { nick: 'bob', tcp: false });
    const [aliceInfo, bobInfo] = await Promise.all([alice.start(), bob.start()]);
    // The only LAN way between them is this proxy (their server ports differ).
    const proxy: ImpairmentProxy = await startImpairmentProxy({
      target: { port: bobInfo.clientPort },
      client: { port: aliceInfo.clientPort },
      seed: 1,
    });
    open.push(proxy);
    const onLan = waitForEvent<PeerChange>(alice, 'peer', peerOnline(bob.id, 'lan'), WAIT_MS);
    alice.addPeer(`127.0.0.1:${proxy.port}`);
    await onLan;
    const first = waitForEvent<MessageStateChange>(
      alice,
      'message-state',
      (s) => s.state === 'delivered',
      WAIT_MS,
    );
    expect((await alice.sendText(bob.id, 'over the LAN')).transport).toBe('udp');
    expect((await first).transport).toBe('udp');

    proxy.partition(120_000);
    const toRelay = waitForEvent<PeerChange>(
      alice,
      'peer',
      (c) => c.change === 'path' && c.peer.path.kind === 'relay',
      WAIT_MS,
    );
    const sent = await alice.sendText(bob.id, 'the LAN is gone');
    const delivered = waitForEvent<MessageStateChange>(
      alice,
      'message-state',
      (s) => s.id === sent.id && s.state === 'delivered',
      WAIT_MS,
    );
    const change = await toRelay;
    expect(change.previousPath).toEqual({ kind: 'lan', address: '127.0.0.1', port: proxy.port });
    expect((await delivered).transport).toBe('relay');

    const back = waitForEvent<PeerChange>(
      alice,
      'peer',
      (c) => c.change === 'path' && c.peer.path.kind === 'lan',
      WAIT_MS,
    );
    proxy.heal();
    await back;
    const again = await alice.sendText(bob.id, 'the LAN is back');
    expect(again.transport).toBe('udp');
    const last = await waitForEvent<MessageStateChange>(
      alice,
      'message-state',
      (s) => s.id === again.id && s.state === 'delivered',
      WAIT_MS,
    );
    expect(last.transport).toBe('udp');
  });
});

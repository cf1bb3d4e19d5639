/**
 * A broker restart with persistence on (Mosquitto saves its database on SIGTERM): what the
 * broker acknowledged for a node that was away is still delivered after the restart, and two
 * nodes chatting through it lose no message, see none twice, and both connect again.
 */
import { connect, connectAsync, type IClientOptions } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../../../electron/net/node';
import type {
  ChatMessage,
  MessageStateChange,
  PeerChange,
  RelayStatus,
} from '../../../../shared/domain';
import { relayTopics } from '../../../../shared/protocol/relay';
import { startBroker, type Broker } from '../../../helpers/mosquitto';
import { LOOPBACK_BROADCAST, testPorts } from '../../../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../../../helpers/require-tool';
import { waitForEvent, waitUntil } from '../../../helpers/wait';

const mosquitto = findTool(TOOLS.mosquitto);
const WAIT_MS = 40_000;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function broker(): Promise<Broker> {
  const started = await startBroker({ persistence: true });
  open.push({ close: () => started.stop() });
  return started;
}

describe('a broker restart', () => {
  it('keeps what the broker acknowledged for a node that was away', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await broker();
    const me = 'b'.repeat(32);
    const other = 'c'.repeat(32);
    const session: IClientOptions = {
      protocolVersion: 5,
      clientId: me,
      clean: false,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 3_600 },
    };
    const away = await connectAsync(b.url, session);
    await away.subscribeAsync(relayTopics.inboxFilter(me), { qos: 1 });
    await away.endAsync();
    const sender = await connectAsync(b.url, { protocolVersion: 5, reconnectPeriod: 0 });
    const count = 100;
    for (let i = 0; i < count; i += 1)
      await sender.publishAsync(relayTopics.inbox(me, other), `m${i}`, { qos: 1 }); // PUBACKed
    await sender.endAsync();

    await b.restart();

    // Handlers attached in this same tick see every message (events come later).
    const back = connect(b.url, session);
    const got = new Set<string>();
    back.on('message', (_topic, payload) => got.add(payload.toString()));
    await waitUntil(() => got.size === count, WAIT_MS, `all ${count} queued messages`);
    await back.endAsync();
    expect(got.size).toBe(count);
  });

  it('loses no acknowledged message between two nodes and both come back', async (ctx) => {
    requireOrSkip(ctx, mosquitto);
    const b = await broker();
    const make = (nick: string): PacketChatNode => {
      const node = createNode({
        ...testPorts(),
        broadcast: [LOOPBACK_BROADCAST],
        nick,
        relay: { brokers: [{ url: b.url }] },
      });
      open.push(node);
      return node;
    };
    const alice = make('alice');
    const bob = make('bob');
    await Promise.all([alice.start(), bob.start()]);
    await waitForEvent(alice, 'directory', (e: { nodeId: string }) => e.nodeId === bob.id, WAIT_MS);
    const meets = waitForEvent<PeerChange>(
      bob,
      'peer',
      (c) => c.peer.id === alice.id && c.peer.online,
      WAIT_MS,
    );
    alice.seek(bob.id);
    await meets;

    const received: string[] = [];
    bob.on('message', (m: ChatMessage) => received.push(m.text));
    const delivered = new Set<string>();
    alice.on('message-state', (s: MessageStateChange) => {
      if (s.state === 'delivered') delivered.add(s.id);
    });
    const texts: string[] = [];
    const ids: string[] = [];
    const send = async (n: number) => {
      for (let i = 0; i < n; i += 1) {
        const text = `message ${texts.length}`;
        texts.push(text);
        ids.push((await alice.sendText(bob.id, text)).id);
      }
    };
    await send(20);
    const reconnected = (node: PacketChatNode) =>
      waitForEvent<readonly RelayStatus[]>(
        node,
        'relay',
        (s) => s[0]?.state === 'connected',
        WAIT_MS,
      );
    const lost = waitForEvent<readonly RelayStatus[]>(
      alice,
      'relay',
      (s) => s[0]?.state !== 'connected',
      WAIT_MS,
    );
    const restarting = b.restart();
    await lost;
    const back = Promise.all([reconnected(alice), reconnected(bob)]);
    await send(20); // while the broker is away or just back
    await restarting;
    await back;
    await send(20);
    await waitUntil(
      () => delivered.size === texts.length && received.length >= texts.length,
      WAIT_MS,
      'every message delivered',
    );
    expect(received).toEqual(texts); // each once, in order
    expect([...delivered].sort()).toEqual([...ids].sort());
  }, 90_000);
});

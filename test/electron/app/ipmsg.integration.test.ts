// The IPMsg bridge in the app: an IPMsg peer (the IPMsg module on its own loopback address, as
// iptux or FeiQ would be) reached through the same calls as a PacketChat peer, its messages in
// the same history, its packets in the one packet log, its peer and outbox kept across a restart.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, Contact, PacketLogEntry, SocketsSnapshot } from '../../../shared/domain';
import type { SelfInfo } from '../../../shared/ipc/contract';
import {
  startBridgeBackend,
  useBridgeBackends,
  valueOf,
  type BridgeBackend,
} from '../../helpers/ipmsg-backend';
import { testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
import { ipmsgNode, loopbackHosts, useCleanup, type LoopbackHost } from '../net/ipmsg/loopback';

useCleanup();
useBridgeBackends();

const delivered = (app: BridgeBackend, id: string) => () =>
  app.of('message-state').some((s) => s.id === id && s.state === 'delivered');

describe('the IPMsg bridge behind the call handlers', () => {
  it('an IPMsg peer is a contact, chats both ways through messages:*, and shows in the packet log', async () => {
    const [us, them] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
    const app = await startBridgeBackend({
      host: us,
      serverPort: testPorts().serverPort,
      peers: [them.address],
      nick: 'app-甲',
    });
    const peer = ipmsgNode(them, [us], { nick: 'iptux-乙' });
    const peerStart = await peer.node.start();
    expect(peerStart.ok).toBe(true);
    const theirId = `ipmsg:${them.address}`;
    const ourId = `ipmsg:${us.address}`;

    const self = valueOf<SelfInfo>(await app.call('self:get'));
    expect(self.ipmsg).toEqual({ port: us.port });
    await waitUntil(
      () => app.of('contact').some((c) => c.peer.id === theirId && c.peer.nick === 'iptux-乙'),
      5_000,
      'the IPMsg peer as a contact',
    );
    const contacts = valueOf<Contact[]>(await app.call('contacts:list'));
    expect(contacts.find((c) => c.id === theirId)).toMatchObject({
      kind: 'peer',
      protocol: 'ipmsg',
      badge: 'IPMsg',
      trust: 'not-encrypted',
      address: them.address,
      port: them.port,
      online: true,
    });

    // Out: the same call as for a PacketChat peer; delivered on RECVMSG.
    const sent = valueOf<ChatMessage>(
      await app.call('messages:send', { peerId: theirId, text: '你好，IPMsg 😀' }),
    );
    expect(sent).toMatchObject({ peerId: theirId, direction: 'out', state: 'sending' });
    await waitUntil(delivered(app, sent.id), 5_000, 'delivered');
    await waitUntil(
      () =>
        peer.persistence.loadOutbox().length === 0 &&
        [...peer.persistence.messages.values()].some((m) => m.text === '你好，IPMsg 😀'),
      5_000,
      'the peer to store it',
    );

    // In: a `message` event and an unread count, like any other.
    peer.node.sendText(ourId, '收到，谢谢');
    await waitUntil(
      () => app.of('message').some((m) => m.peerId === theirId && m.text === '收到，谢谢'),
      5_000,
      'the reply',
    );
    expect(app.of('unread').at(-1)).toEqual({ total: 1 });

    // History by id and by the bare IP, both the same conversation, oldest first.
    for (const ref of [theirId, them.address]) {
      const page = valueOf(await app.call('messages:history', { peerId: ref, limit: 10 }));
      expect(page.messages.map((m) => [m.direction, m.text])).toEqual([
        ['out', '你好，IPMsg 😀'],
        ['in', '收到，谢谢'],
      ]);
    }
    expect(valueOf(await app.call('messages:markRead', { peerId: theirId }))).toEqual({
      peerId: theirId,
      unread: 0,
    });

    // One packet log: IPMsg entries decoded, every seq unique and increasing.
    const packets = valueOf<PacketLogEntry[]>(await app.call('inspector:packets', { limit: 500 }));
    const ours = packets.find(
      (p) => p.protocol === 'ipmsg' && p.kind === 'SENDMSG' && p.direction === 'out',
    );
    expect(ours?.fields).toMatchObject({
      text: '你好，IPMsg 😀',
      encoding: 'utf-8',
      options: expect.stringContaining('SENDCHECKOPT') as unknown,
    });
    expect(typeof ours?.fields?.['packetNo']).toBe('number');
    expect(packets.some((p) => p.protocol === undefined)).toBe(true); // PacketChat announces
    const seqs = packets.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(
      app
        .of('packets')
        .flat()
        .some((p) => p.protocol === 'ipmsg'),
    ).toBe(true);

    const sockets = valueOf<SocketsSnapshot>(await app.call('inspector:sockets'));
    expect(sockets.sockets).toEqual(
      expect.arrayContaining([
        { role: 'udp-server', local: `${us.address}:${String(us.port)}`, state: 'IPMsg' },
        { role: 'tcp-listener', local: `${us.address}:${String(us.port)}`, state: 'IPMsg' },
      ]),
    );

    // Nickname (both protocols) and the IPMsg group apply at once.
    valueOf(await app.call('settings:set', { nick: 'app-丙', ipmsgGroup: '研发部' }));
    await waitUntil(
      () =>
        peer.node.findPeer(ourId)?.nick === 'app-丙' &&
        peer.node.findPeer(ourId)?.group === '研发部',
      5_000,
      'the peer to see the new nickname and group',
    );
    expect(await app.call('messages:retry', { messageId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(valueOf(await app.call('ipmsg:refresh'))).toBeNull();
  });

  it('contacts:add with a bare IP asks it on IPMsg too', async () => {
    const [us, them] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
    const app = await startBridgeBackend({ host: us, serverPort: testPorts().serverPort });
    const peer = ipmsgNode(them, []);
    await peer.node.start();
    expect(valueOf(await app.call('contacts:add', { address: them.address }))).toMatchObject({
      address: them.address,
    });
    await waitUntil(
      () => app.of('contact').some((c) => c.peer.id === `ipmsg:${them.address}` && c.peer.online),
      5_000,
      'the IPMsg peer found by its address',
    );
  });

  it('keeps IPMsg peers, history and the outbox across a restart', async () => {
    const [us, them] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
    const serverPort = testPorts().serverPort;
    const theirId = `ipmsg:${them.address}`;
    const first = await startBridgeBackend({
      host: us,
      serverPort,
      peers: [them.address],
      ipmsg: { tuning: { retryIntervalMs: 100, maxTransmissions: 2, replyMaxDelayMs: 20 } },
    });
    const peer = ipmsgNode(them, [us], { nick: '用户' });
    await peer.node.start();
    await waitUntil(
      () => first.of('contact').some((c) => c.peer.id === theirId),
      5_000,
      'the IPMsg peer',
    );
    await peer.node.close();
    const later = valueOf<ChatMessage>(
      await first.call('messages:send', { peerId: theirId, text: '稍后再发' }),
    );
    await waitUntil(
      () => first.of('message-state').some((s) => s.id === later.id && s.state === 'pending'),
      5_000,
      'pending while the peer is gone',
    );
    await first.backend.close();

    const again = await startBridgeBackend({
      host: us,
      serverPort,
      peers: [them.address],
      dataDir: first.dataDir,
    });
    const stored = valueOf<Contact[]>(await again.call('contacts:list')).find(
      (c) => c.id === theirId,
    );
    expect(stored).toMatchObject({ protocol: 'ipmsg', badge: 'IPMsg', online: false });
    const back = ipmsgNode(them, [us]);
    const got = new Promise<string>((resolve) =>
      back.node.on('message', (m) => {
        resolve(m.text);
      }),
    );
    await back.node.start();
    expect(await got).toBe('稍后再发');
    await waitUntil(delivered(again, later.id), 5_000, 'the stored message delivered');
  });
});

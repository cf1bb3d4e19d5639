import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessageStateChange } from '../../../../shared/domain';
import { Command, Option } from '../../../../electron/net/ipmsg/constants';
import type { IpmsgMessageMeta } from '../../../../electron/net/ipmsg/types';
import { waitForEvent } from '../../../helpers/wait';
import { ipmsgNode, loopbackHosts, RawPeer, startAll, useCleanup, type TestNode } from './loopback';

useCleanup();

function delivered(t: TestNode, id: string, timeoutMs = 5_000): Promise<MessageStateChange> {
  return waitForEvent<MessageStateChange>(
    t.node,
    'message-state',
    (s) => s.id === id && s.state === 'delivered',
    timeoutMs,
  );
}

function received(
  t: TestNode,
  test: (m: ChatMessage) => boolean,
  timeoutMs = 5_000,
): Promise<ChatMessage> {
  return waitForEvent<ChatMessage>(t.node, 'message', test, timeoutMs);
}

const TEXTS = [
  'hello ipmsg',
  '你好，世界！局域网消息',
  '表情 😀🎉👋🏽 and 𠀀',
  `8 KB: ${'汉字abc😀\n'.repeat(8000 / 14)}`,
];

describe('IPMsg messages between two nodes on loopback', () => {
  it('discover each other as IPMsg peers with names, badge and "not encrypted"', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!], { nick: '甲方', group: '研发部' });
    const b = ipmsgNode(hb!, [ha!], { nick: 'bob' });
    await startAll([a, b]);
    expect(b.node.findPeer(a.id)).toMatchObject({
      nick: '甲方',
      group: '研发部',
      address: ha!.address,
      port: ha!.port,
      protocol: 'ipmsg',
      badge: 'IPMsg',
      client: 'pchat',
      encrypted: false,
      online: true,
    });
    expect(a.node.findPeer(hb!.address)?.nick).toBe('bob');
  });

  it('deliver ASCII, Chinese, emoji and 8 KB texts both ways, acknowledged', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const text of TEXTS) {
        const arrival = received(to, (m) => m.text === text);
        const sent = from.node.sendText(to.id, text);
        expect(sent).toMatchObject({
          state: 'sending',
          direction: 'out',
          peerId: to.id,
          transport: 'udp',
        });
        const [message, state] = await Promise.all([arrival, delivered(from, sent.id)]);
        expect(message).toMatchObject({
          peerId: from.id,
          direction: 'in',
          state: 'received',
          remote: `${from.host.address}:${from.host.port}`,
        });
        expect(state.attempts).toBe(1);
        expect(state.rttMs).toBeGreaterThanOrEqual(0);
        expect(from.persistence.messages.get(sent.id)?.state).toBe('delivered');
        expect(to.persistence.messages.get(message.id)?.text).toBe(text);
      }
    }
  });

  it('sends a text longer than a datagram as several SENDMSG packets, delivered once all are acked', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const text = Array.from({ length: 1500 }, (_, i) => `line ${i} 行`).join('\n');
    const parts: string[] = [];
    b.node.on('message', (m) => parts.push(m.text));
    const sent = a.node.sendText(b.id, text);
    await delivered(a, sent.id);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe(text);
    const sizes = a.node
      .packets()
      .filter((p) => p.kind === 'SENDMSG' && p.direction === 'out')
      .map((p) => p.size);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(8192);
  });

  it('multi-send: one MULTICASTOPT unicast per recipient', async () => {
    const [ha, hb, hc] = loopbackHosts(3);
    const a = ipmsgNode(ha!, [hb!, hc!]);
    const b = ipmsgNode(hb!, [ha!, hc!]);
    const c = ipmsgNode(hc!, [ha!, hb!]);
    await startAll([a, b, c]);
    const metas: IpmsgMessageMeta[] = [];
    for (const t of [b, c]) t.node.on('message', (_m, meta) => metas.push(meta));
    const sent = a.node.sendGroup([b.id, c.id], '大家好');
    expect(sent.map((m) => m.peerId)).toEqual([b.id, c.id]);
    await Promise.all(sent.map((m) => delivered(a, m.id)));
    expect(metas.map((m) => m.multicast)).toEqual([true, true]);
  });

  it('sealed messages: READMSG when the receiver reads them', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const arrival = waitForEvent<ChatMessage>(b.node, 'message');
    const sent = a.node.sendText(b.id, 'for your eyes', { sealed: true });
    await arrival;
    const read = waitForEvent<{ messageId: string }>(a.node, 'message-read');
    expect(b.node.markRead(a.id)).toBe(1);
    expect((await read).messageId).toBe(sent.id);
    expect(b.node.markRead(a.id)).toBe(0);
  });

  it('BR_EXIT on close marks the node offline at the other end', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const offline = waitForEvent<{ change: string; peer: { id: string } }>(
      b.node,
      'peer',
      (c) => c.change === 'offline' && c.peer.id === a.id,
    );
    await a.node.close();
    await offline;
    await a.node.close(); // idempotent
  });
});

describe('IPMsg delivery against a hand-driven peer', () => {
  const entry = (no: number): string =>
    `1_lbt6_0#128#000C29AABBCC#0#0#0#4001#9:${no}:raw:rawhost:1:raw\0`;

  it('retransmits with the same packet number, goes pending, resumes when the peer is heard again', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!], { maxTransmissions: 3 });
    const raw = await RawPeer.bind(hr!);
    expect((await a.node.start()).ok).toBe(true);
    await raw.send(ha!, entry(100));
    await waitForEvent(
      a.node,
      'peer',
      (c: { peer: { id: string } }) => c.peer.id === `ipmsg:${hr!.address}`,
    );
    const pending = waitForEvent<MessageStateChange>(
      a.node,
      'message-state',
      (s) => s.state === 'pending',
      5_000,
    );
    const sent = a.node.sendText(`ipmsg:${hr!.address}`, '飞秋你好');
    expect((await pending).attempts).toBe(3);
    const copies = raw.received.filter((r) => r.packet.mode === Command.SENDMSG);
    expect(copies).toHaveLength(3);
    expect(new Set(copies.map((r) => r.packet.packetNo)).size).toBe(1);
    // FeiQ: GB18030 on the wire, no UTF8OPT.
    expect(copies[0]!.packet.options & Option.UTF8OPT).toBe(0);
    const before = raw.received.length;
    await raw.send(ha!, entry(101)); // the peer is back
    const again = await raw.waitFor(
      (p) => p.mode === Command.SENDMSG,
      'the retransmission',
      5_000,
      before,
    );
    expect(again.packetNo).toBe(copies[0]!.packet.packetNo);
    const done = delivered(a, sent.id);
    await raw.send(ha!, `1_lbt6_0:102:raw:rawhost:33:${again.packetNo}\0`);
    expect((await done).attempts).toBe(4);
  });

  it('sends one message at a time per peer, in order (iptux drops numbers below the last it took)', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!]);
    const raw = await RawPeer.bind(hr!);
    await a.node.start();
    await raw.send(ha!, `1_iptux 0.8.3:1:root:vm:257:iptux\0g\0icon-tux.png\0utf-8\0`);
    await waitForEvent(a.node, 'peer');
    const first = a.node.sendText(`ipmsg:${hr!.address}`, 'one');
    const second = a.node.sendText(`ipmsg:${hr!.address}`, 'two');
    const p1 = await raw.waitFor((p) => p.mode === Command.SENDMSG, 'the first message');
    expect(raw.received.filter((r) => r.packet.mode === Command.SENDMSG)).toHaveLength(1);
    await raw.send(ha!, `1_iptux 0.8.3:2:root:vm:289:${p1.packetNo}\0`);
    await delivered(a, first.id);
    const p2 = await raw.waitFor(
      (p) => p.mode === Command.SENDMSG && p.packetNo !== p1.packetNo,
      'the second message',
    );
    expect(p2.packetNo).toBeGreaterThan(p1.packetNo);
    await raw.send(ha!, `1_iptux 0.8.3:3:root:vm:289:${p2.packetNo}\0`);
    await delivered(a, second.id);
  });

  it('drops a retransmitted SENDMSG but acknowledges it again', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!]);
    const raw = await RawPeer.bind(hr!);
    await a.node.start();
    const messages: string[] = [];
    a.node.on('message', (m) => messages.push(m.text));
    const packet = '1_iptux 0.8.3:7:root:vm:288:same text\0';
    await raw.send(ha!, packet);
    await raw.waitFor((p) => p.mode === Command.RECVMSG, 'the first ack');
    await raw.send(ha!, packet);
    await raw.waitFor(
      (p) =>
        p.mode === Command.RECVMSG &&
        raw.received.filter((r) => r.packet.mode === Command.RECVMSG).length === 2,
      'the second ack',
    );
    expect(messages).toEqual(['same text']);
    expect(a.node.counters().duplicatesDropped).toBe(1);
  });

  it('does not acknowledge what it cannot store; the retransmission is taken once storage works', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!]);
    const raw = await RawPeer.bind(hr!);
    await a.node.start();
    a.persistence.failing = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const storage = waitForEvent<{ ok: boolean; diskFull: boolean }>(a.node, 'storage');
    await raw.send(ha!, '1:50:u:h:288:keep me\0');
    expect(await storage).toMatchObject({ ok: false, diskFull: true });
    expect(raw.received.filter((r) => r.packet.mode === Command.RECVMSG)).toHaveLength(0);
    a.persistence.failing = undefined;
    const arrival = received(a, (m) => m.text === 'keep me');
    await raw.send(ha!, '1:50:u:h:288:keep me\0');
    await arrival;
    await raw.waitFor((p) => p.mode === Command.RECVMSG, 'the ack');
  });

  it('answers GETINFO with its version and absence requests with its state', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!], { versionInfo: 'PacketChat test' });
    const raw = await RawPeer.bind(hr!);
    await a.node.start();
    await raw.send(ha!, '1:60:u:h:64:\0');
    const info = await raw.waitFor((p) => p.mode === Command.SENDINFO, 'SENDINFO');
    expect(Buffer.from(info.body).toString()).toBe('PacketChat test');
    await raw.send(ha!, '1:61:u:h:80:\0');
    const absence = await raw.waitFor((p) => p.mode === Command.SENDABSENCEINFO, 'SENDABSENCEINFO');
    expect(Buffer.from(absence.body).toString()).toBe('Not absence mode');
  });

  it('logs every packet with command, options, packet number, text and encoding', async () => {
    const [ha, hr] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hr!]);
    const raw = await RawPeer.bind(hr!);
    await a.node.start();
    await raw.send(
      ha!,
      Buffer.concat([
        Buffer.from('1_lbt4_10#32899#002481627512#0#0#0:70:u:h:288:'),
        Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0]),
      ]),
    );
    await raw.waitFor((p) => p.mode === Command.RECVMSG, 'the ack');
    const entry = a.node.packets().find((p) => p.direction === 'in' && p.kind === 'SENDMSG');
    expect(entry).toMatchObject({
      transport: 'udp',
      remote: `${hr!.address}:${hr!.port}`,
      peerId: `ipmsg:${hr!.address}`,
      fields: { packetNo: 70, options: 'SENDCHECKOPT', text: '你好', encoding: 'gb18030' },
    });
    expect(entry?.summary).toBe('#70 SENDCHECKOPT 你好');
  });
});

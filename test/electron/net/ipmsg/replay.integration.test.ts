/**
 * Recorded packets of iptux (captured), FeiQ and IP Messenger (built from their formats) replayed
 * at a node from a raw socket: what the node makes of them, and what it answers in return.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, PeerChange } from '../../../../shared/domain';
import { Command, Option } from '../../../../electron/net/ipmsg/constants';
import type {
  IncomingOffer,
  IpmsgMessageMeta,
  IpmsgPeer,
} from '../../../../electron/net/ipmsg/types';
import { waitForEvent } from '../../../helpers/wait';
import { ipmsgNode, loopbackHosts, RawPeer, useCleanup, type LoopbackHost } from './loopback';
import { FEIQ, IP_MESSENGER, IPTUX } from './recorded-packets';

useCleanup();

async function setup(options = {}) {
  const [hn, hr] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
  const t = ipmsgNode(hn, [hr], options);
  const raw = await RawPeer.bind(hr);
  await t.node.start();
  return { t, raw, hn, hr, peerId: `ipmsg:${hr.address}` };
}

function nextMessage(t: { node: import('../../../../electron/net/ipmsg/index').IpmsgNode }) {
  return new Promise<[ChatMessage, IpmsgMessageMeta]>((resolve) => {
    t.node.once('message', (message, meta) => resolve([message, meta]));
  });
}

describe('replaying recorded packets', () => {
  it('iptux: an online peer (despite ABSENCEOPT), its UTF-8 message, its file offer and its exit', async () => {
    const { t, raw, hn, peerId } = await setup();
    const added = waitForEvent<PeerChange>(t.node, 'peer', (c) => c.change === 'added');
    await raw.send(hn, IPTUX.entry);
    expect((await added).peer).toMatchObject({
      nick: 'iptuxA',
      status: 'online',
      client: 'iptux',
      badge: 'IPMsg',
    });
    await raw.waitFor((p) => p.mode === Command.ANSENTRY, 'our answer');
    const message = nextMessage(t);
    await raw.send(hn, IPTUX.message);
    const [received, meta] = await message;
    expect(received.text).toBe('你好 bob 😀 hello');
    expect(meta).toMatchObject({ packetNo: 6, encoding: 'utf-8', sealed: false, multicast: false });
    const ack = await raw.waitFor((p) => p.mode === Command.RECVMSG, 'RECVMSG');
    expect(Buffer.from(ack.body).toString()).toBe('6');
    const offered = waitForEvent<IncomingOffer>(t.node, 'file-offer');
    await raw.send(hn, IPTUX.fileOffer);
    expect((await offered).files).toEqual([
      { fileId: 10000, name: 'out.bin', size: 0x186a0, mtime: 0x6b06ebb2, kind: 'file' },
    ]);
    const offline = waitForEvent<PeerChange>(t.node, 'peer', (c) => c.change === 'offline');
    await raw.send(hn, IPTUX.exit);
    expect((await offline).peer.id).toBe(peerId);
  });

  it('FeiQ: GBK text is read as GB18030, learned, and answered in GB18030 without UTF8OPT', async () => {
    const { t, raw, hn, peerId } = await setup({ nick: '甲' });
    await raw.send(hn, FEIQ.entry);
    await waitForEvent<PeerChange>(t.node, 'peer', (c) => c.peer.id === peerId);
    expect(t.node.findPeer(peerId)).toMatchObject({
      badge: 'FeiQ',
      client: 'feiq',
      encoding: 'gb18030',
    });
    const message = nextMessage(t);
    await raw.send(hn, FEIQ.message);
    const [received, meta] = await message;
    expect(received.text).toBe('你好，飞秋用户！');
    expect(meta.encoding).toBe('gb18030');
    // Our non-ASCII nickname went out in UTF-8 to everyone; FeiQ gets it again in its encoding.
    const absence = await raw.waitFor((p) => p.mode === Command.BR_ABSENCE, 'our names in GB18030');
    expect(iconv.decode(Buffer.from(absence.body), 'gb18030')).toBe('甲');
    t.node.sendText(peerId, '收到，谢谢 😀');
    const reply = await raw.waitFor((p) => p.mode === Command.SENDMSG, 'our reply');
    expect(reply.options & Option.UTF8OPT).toBe(0);
    expect(iconv.decode(Buffer.from(reply.body), 'gb18030')).toBe('收到，谢谢 😀');
  });

  it('FeiQ: a file offer with a Chinese name', async () => {
    const { t, raw, hn } = await setup();
    await raw.send(hn, FEIQ.entry);
    const offered = waitForEvent<IncomingOffer>(t.node, 'file-offer');
    const message = nextMessage(t);
    await raw.send(hn, FEIQ.fileOffer);
    expect((await offered).files[0]).toMatchObject({
      fileId: 1,
      name: '报告.docx',
      size: 0x2800,
      kind: 'file',
    });
    const [text, meta] = await message;
    expect(text.text).toBe('给你文件');
    expect(meta.offerId).toBe((await offered).offerId);
  });

  it('IP Messenger 5: names from its UTF-8 extension, UTF8OPT messages, absence as busy', async () => {
    const { t, raw, hn, peerId } = await setup();
    await raw.send(hn, IP_MESSENGER.entry);
    const peer = (await waitForEvent<PeerChange>(t.node, 'peer', (c) => c.peer.id === peerId))
      .peer as IpmsgPeer;
    expect(peer).toMatchObject({
      nick: '山田太郎',
      user: '山田',
      group: '営業部',
      utf8Capable: true,
      fileAttach: true,
      encoding: 'utf-8',
    });
    const message = nextMessage(t);
    await raw.send(hn, IP_MESSENGER.message);
    expect((await message)[0].text).toBe('こんにちは 🎌');
    const busy = waitForEvent<PeerChange>(t.node, 'peer', (c) => c.peer.status === 'busy');
    await raw.send(hn, IP_MESSENGER.absence);
    expect((await busy).peer).toMatchObject({ nick: '山田', absence: '会議中' });
  });

  it('old IP Messenger in Japan: CP932 text read as CP932 when the user chose it', async () => {
    const { t, raw, hn } = await setup({ encoding: 'cp932' });
    const message = nextMessage(t);
    await raw.send(hn, IP_MESSENGER.legacyMessage);
    const [received, meta] = await message;
    expect(received.text).toBe('テストです');
    expect(meta.encoding).toBe('cp932');
  });
});

describe('status and refresh', () => {
  it('away and busy go out as ABSENCEOPT with the state in the nickname, and come back as status', async () => {
    const [ha, hb] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
    const a = ipmsgNode(ha, [hb], { nick: 'ann' });
    const b = ipmsgNode(hb, [ha], { nick: 'ben' });
    await a.node.start();
    await b.node.start();
    await waitForEvent<PeerChange>(a.node, 'peer', (c) => c.peer.nick === 'ben');
    const busy = waitForEvent<PeerChange>(a.node, 'peer', (c) => c.peer.status === 'busy');
    b.node.setProfile({ status: 'busy' });
    expect((await busy).peer).toMatchObject({ nick: 'ben', absence: 'Busy' });
    const back = waitForEvent<PeerChange>(a.node, 'peer', (c) => c.peer.status === 'online');
    b.node.setProfile({ status: 'online', nick: 'benjamin' });
    expect((await back).peer.nick).toBe('benjamin');
  });

  it('a peer that does not answer a refresh is marked offline', async () => {
    const { t, raw, hn, peerId } = await setup({ answerTimeoutMs: 300 });
    await raw.send(hn, IPTUX.entry);
    await waitForEvent<PeerChange>(t.node, 'peer', (c) => c.peer.id === peerId);
    const offline = waitForEvent<PeerChange>(t.node, 'peer', (c) => c.change === 'offline');
    t.node.refresh();
    await raw.waitFor((p) => p.mode === Command.BR_ENTRY, 'the refresh entry');
    expect((await offline).peer.id).toBe(peerId);
  });
});

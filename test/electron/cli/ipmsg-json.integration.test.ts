// The --json contract with the IPMsg bridge, on loopback: `ready.ipmsg`, IPMsg peers with
// `protocol` and `badge`, `send` and `history` with an `ipmsg:IP` id, `send-file`, `accept` and
// `transfer` events, and a taken port as a `notice` (not an error) with `ready.ipmsg` null. The
// IPMsg peer is the IPMsg module on its own 127.x.y.z (as iptux would be on its own host).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { Command, Option } from '../../../electron/net/ipmsg/constants';
import type { IncomingOffer } from '../../../electron/net/ipmsg/index';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { ipmsgTestPort, LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitForEvent } from '../../helpers/wait';
import {
  ipmsgNode,
  loopbackHosts,
  RawPeer,
  useCleanup,
  type LoopbackHost,
} from '../net/ipmsg/loopback';

useCleanup();
const nodes: CliNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/** A CLI node with the bridge on `ipmsgPort` (0.0.0.0) and discovery on loopback. */
function cliWithBridge(ipmsgPort: number, nick: string): CliNode {
  const { serverPort, clientPort } = testPorts();
  const node = startCliNode({
    args: [
      '--nick',
      nick,
      '--server-port',
      String(serverPort),
      '--client-port',
      String(clientPort),
      '--broadcast',
      LOOPBACK_BROADCAST,
      '--ipmsg-port',
      String(ipmsgPort),
    ],
  });
  nodes.push(node);
  return node;
}

describe('--json with the IPMsg bridge', () => {
  it('chats and sends files with an IPMsg peer through send, history, send-file and accept', async () => {
    // The CLI binds 0.0.0.0, so the peer cannot have the same port on its 127.x.y.z: it writes
    // from another one, and the CLI answers to that (IPMsg answers to the source port).
    const [them] = loopbackHosts(1) as [LoopbackHost];
    const cliPort = ipmsgTestPort();
    const cli = cliWithBridge(cliPort, 'cli-甲');
    const ready = await cli.ready();
    expect(ready.ipmsg).toBe(cliPort);
    const peer = ipmsgNode(them, [], { nick: '乙', targets: [`127.0.0.1:${String(cliPort)}`] });
    expect((await peer.node.start()).ok).toBe(true);
    const theirId = `ipmsg:${them.address}`;
    const event = await cli.waitForType('peer', (e) => e.peer.id === theirId && e.peer.online);
    expect(event.peer).toMatchObject({
      protocol: 'ipmsg',
      badge: 'IPMsg',
      nick: '乙',
      address: them.address,
      port: them.port,
      encrypted: false,
      verified: false,
    });

    const back = waitForEvent(peer.node, 'message');
    cli.send({ cmd: 'send', to: theirId, text: '你好，乙' });
    const sent = await cli.waitForType('sent');
    expect(sent).toMatchObject({ to: theirId, transport: 'udp' });
    await cli.waitForType('status', (s) => s.id === sent.id && s.status === 'delivered');
    expect(await back).toMatchObject({ text: '你好，乙', peerId: 'ipmsg:127.0.0.1' });

    peer.node.sendText('ipmsg:127.0.0.1', '收到');
    const got = await cli.waitForType('message', (m) => m.message.text === '收到');
    expect(got.message).toMatchObject({ from: theirId, nick: '乙', address: them.address });
    cli.send({ cmd: 'history', with: theirId });
    const history = await cli.waitForType('history');
    expect(history.messages.map((m) => m.text)).toEqual(['你好，乙', '收到']);
    cli.send({ cmd: 'peers' });
    expect((await cli.waitForType('peers')).peers).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: theirId, protocol: 'ipmsg' })]),
    );

    // A file each way.
    const work = mkdtempSync(path.join(tmpdir(), 'pc-ipmsg-cli-'));
    dirs.push(work);
    const file = path.join(work, '文件.bin');
    writeFileSync(file, randomBytes(200_000));
    const offered = waitForEvent<IncomingOffer>(peer.node, 'file-offer');
    cli.send({ cmd: 'send-file', to: theirId, paths: [file] });
    const out = await cli.waitForType('transfer', (t) => t.transfer.direction === 'send');
    expect(out.transfer).toMatchObject({ state: 'offered', bytes: 200_000, names: ['文件.bin'] });
    const offer = await offered;
    const peerInbox = path.join(work, 'peer');
    mkdirSync(peerInbox);
    await peer.node.acceptFile(offer.offerId, 0, peerInbox);
    const sentDone = await cli.waitForType(
      'transfer',
      (t) => t.transfer.id === out.transfer.id && t.transfer.state === 'done',
    );
    expect(sentDone.files).toEqual([{ path: file, size: 200_000, sha256: sha256(file) }]);

    const theirs = path.join(work, 'theirs.txt');
    writeFileSync(theirs, '从乙来的文件\n');
    await peer.node.offerFiles('ipmsg:127.0.0.1', [theirs]);
    const incoming = await cli.waitForType(
      'transfer',
      (t) => t.transfer.direction === 'receive' && t.transfer.state === 'offered',
    );
    const inbox = path.join(work, 'cli-inbox');
    mkdirSync(inbox);
    cli.send({ cmd: 'accept', id: incoming.transfer.id, dir: inbox });
    const received = await cli.waitForType(
      'transfer',
      (t) => t.transfer.id === incoming.transfer.id && t.transfer.state === 'done',
    );
    expect(received.files).toEqual([
      { path: 'theirs.txt', size: Buffer.byteLength('从乙来的文件\n'), sha256: sha256(theirs) },
    ]);
    // Each change once: the answer to `accept` and the event of the same change are one line.
    const accepted = cli
      .eventsOf('transfer')
      .filter((t) => t.transfer.id === incoming.transfer.id && t.transfer.state === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(cli.eventsOf('error')).toEqual([]);
  });

  it('reads and writes GB18030 with a FeiQ peer (the built node loads its codec then)', async () => {
    // The built node keeps iconv-lite out of its entry and loads it at the first legacy text
    // (vite.cli.config.ts, lazyIconv): both directions go through that file here.
    const [them] = loopbackHosts(1) as [LoopbackHost];
    const cliPort = ipmsgTestPort();
    const cli = cliWithBridge(cliPort, 'cli');
    await cli.ready();
    const feiq = await RawPeer.bind(them);
    const cliHost = { address: '127.0.0.1', port: cliPort };
    const packet = (head: string, text: string, tail = ''): Buffer =>
      Buffer.concat([
        Buffer.from(head, 'latin1'),
        iconv.encode(text, 'gbk'),
        Buffer.from(`\0${tail}`, 'latin1'),
      ]);
    await feiq.send(
      cliHost,
      packet('1_lbt6_0#128#000C29AABBCC#0#0#0#4001#9:1:wang:pcwang:1:', '小王'),
    );
    const theirId = `ipmsg:${them.address}`;
    await cli.waitForType('peer', (e) => e.peer.id === theirId && e.peer.nick === '小王');
    await feiq.send(
      cliHost,
      packet('1_lbt4_10#32899#002481627512#0#0#0:2:wang:pcwang:288:', '收到，谢谢'),
    );
    const got = await cli.waitForType('message', (m) => m.message.text === '收到，谢谢');
    expect(got.message).toMatchObject({ from: theirId, nick: '小王' });

    cli.send({ cmd: 'send', to: theirId, text: '你好，小王' });
    const sent = await feiq.waitFor((p) => p.mode === Command.SENDMSG, 'the message to FeiQ');
    expect(sent.options & Option.UTF8OPT).toBe(0);
    expect(iconv.decode(Buffer.from(sent.body), 'gb18030')).toBe('你好，小王');
    expect(cli.eventsOf('error')).toEqual([]);
  });

  it('a second copy on the same port says which copy has it, as a notice, and runs on', async () => {
    const port = ipmsgTestPort();
    const first = cliWithBridge(port, 'first');
    await first.ready();
    const second = cliWithBridge(port, 'second');
    const ready = await second.ready();
    expect(ready.ipmsg).toBeNull();
    const notice = await second.waitForType('notice', (n) => n.code === 'ipmsg-port');
    expect(notice.message).toMatch(/in use by another PacketChat copy .*pid/);
    expect(second.eventsOf('error')).toEqual([]);
    second.send({ cmd: 'send', to: 'ipmsg:10.1.2.3', text: 'x' });
    expect(await second.waitForType('error')).toMatchObject({ code: 'ipmsg-off' });
  });
});

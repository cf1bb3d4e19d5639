import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readAnnounce } from '../../../../electron/net/ipmsg/announce';
import { parsePacket, type IpmsgPacket } from '../../../../electron/net/ipmsg/codec';
import { DuplicateFilter } from '../../../../electron/net/ipmsg/duplicates';
import { IpmsgPeerTable } from '../../../../electron/net/ipmsg/peers';
import { decodeText } from '../../../../electron/net/ipmsg/text-encoding';
import { FEIQ, IP_MESSENGER, IPTUX } from './recorded-packets';

function parsed(bytes: Uint8Array): IpmsgPacket {
  const result = parsePacket(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result.packet;
}

const decodeWith = (learned?: 'gb18030' | 'cp932') => (bytes: Uint8Array) =>
  decodeText(bytes, { utf8Flag: false, learned, setting: 'auto' }).text;

const table = () =>
  new IpmsgPeerTable(3, (client, utf8) =>
    client === 'feiq' ? 'gb18030' : client === 'iptux' || utf8 ? 'utf-8' : 'gb18030',
  );

describe('what entries say', () => {
  it('iptux: online although it sets ABSENCEOPT on every entry', () => {
    expect(readAnnounce(parsed(IPTUX.entry), decodeWith())).toMatchObject({
      nick: 'iptuxA',
      user: 'root',
      host: 'vm',
      group: 'grp',
      status: 'online',
      utf8Capable: false,
      fileAttach: false,
    });
  });

  it('IP Messenger 5: names from the UTF-8 extension, not the CP932 header', () => {
    expect(readAnnounce(parsed(IP_MESSENGER.entry), decodeWith('gb18030'))).toMatchObject({
      nick: '山田太郎',
      user: '山田',
      host: 'YAMADA-PC',
      group: '営業部',
      utf8Capable: true,
      fileAttach: true,
    });
  });

  it('absence in the nickname: `nick[text]`, and busy words mean busy', () => {
    const announce = readAnnounce(parsed(IP_MESSENGER.absence), (b) =>
      Buffer.from(b).toString('utf8'),
    );
    expect(announce).toMatchObject({ nick: '山田', status: 'busy', absence: '会議中' });
    const away = Buffer.concat([Buffer.from('1:9:u:h:260:'), Buffer.from('ann[Lunch]\0')]);
    expect(readAnnounce(parsed(away), decodeWith())).toMatchObject({
      nick: 'ann',
      status: 'away',
      absence: 'Lunch',
    });
  });

  it('strips control characters and bounds names', () => {
    const packet = parsed(Buffer.from(`1:9:u:h:1:${'n\u0007'.repeat(100)}\0g\u0001`));
    const announce = readAnnounce(packet, decodeWith());
    expect(announce.nick).toBe('n'.repeat(64));
    expect(announce.group).toBe('g');
  });
});

describe('the peer table', () => {
  it('adds peers by IP with badge, client and assumed encoding', () => {
    const peers = table();
    const [added] = peers.observe(
      '10.0.0.5',
      2425,
      1000,
      readAnnounce(parsed(FEIQ.entry), decodeWith('gb18030')),
    );
    expect(added?.change).toBe('added');
    expect(added?.peer).toMatchObject({
      id: 'ipmsg:10.0.0.5',
      protocol: 'ipmsg',
      badge: 'FeiQ',
      client: 'feiq',
      encrypted: false,
      encoding: 'gb18030',
      encodingLearned: false,
      port: 2425,
      tcpPort: null,
      online: true,
    });
    const iptux = peers.observe(
      '10.0.0.6',
      2425,
      1000,
      readAnnounce(parsed(IPTUX.entry), decodeWith()),
    );
    expect(iptux[0]?.peer).toMatchObject({ badge: 'IPMsg', client: 'iptux', encoding: 'utf-8' });
  });

  it('reports online, moved, updated and offline as changes', () => {
    const peers = table();
    peers.observe('10.0.0.5', 2425, 1000);
    expect(peers.markOffline('ipmsg:10.0.0.5').map((c) => c.change)).toEqual(['offline']);
    expect(peers.markOffline('ipmsg:10.0.0.5')).toEqual([]);
    const back = peers.observe(
      '10.0.0.5',
      2426,
      2000,
      readAnnounce(parsed(IPTUX.answer), decodeWith()),
    );
    expect(back.map((c) => c.change)).toEqual(['moved', 'online', 'updated']);
    expect(peers.observe('10.0.0.5', 2426, 3000).map((c) => c.change)).toEqual([]);
  });

  it('learns encodings once and reports the change', () => {
    const peers = table();
    peers.observe('10.0.0.7', 2425, 1000);
    expect(
      peers.learnEncoding('ipmsg:10.0.0.7', 'cp932', false).map((c) => c.peer.encoding),
    ).toEqual(['cp932']);
    expect(peers.learnEncoding('ipmsg:10.0.0.7', 'cp932', false)).toEqual([]);
    const gbk = iconv.encode('你好', 'gbk');
    expect(
      decodeText(gbk, {
        utf8Flag: false,
        learned: peers.get('ipmsg:10.0.0.7')!.encoding,
        setting: 'auto',
      }).encoding,
    ).toBe('cp932');
  });

  it('is bounded: a full table evicts the longest-silent offline peer, never an online one', () => {
    const peers = table();
    peers.observe('10.0.0.1', 2425, 1);
    peers.observe('10.0.0.2', 2425, 2);
    peers.observe('10.0.0.3', 2425, 3);
    expect(peers.observe('10.0.0.4', 2425, 4)).toEqual([]);
    peers.markOffline('ipmsg:10.0.0.2');
    peers.markOffline('ipmsg:10.0.0.1');
    expect(peers.observe('10.0.0.4', 2425, 5).map((c) => c.change)).toEqual(['added']);
    expect(peers.get('ipmsg:10.0.0.1')).toBeUndefined();
    expect(peers.size).toBe(3);
  });
});

describe('duplicate suppression by (sender, packet number)', () => {
  it('remembers stored packet numbers per sender', () => {
    const filter = new DuplicateFilter(100, 10);
    expect(filter.has('10.0.0.1', 5)).toBe(false);
    filter.add('10.0.0.1', 5);
    expect(filter.has('10.0.0.1', 5)).toBe(true);
    expect(filter.has('10.0.0.2', 5)).toBe(false);
  });

  it('starts a new session when a BR_ENTRY number does not go up (iptux restarted at 1)', () => {
    const filter = new DuplicateFilter(100, 10);
    filter.entry('10.0.0.1', 1, 0);
    filter.add('10.0.0.1', 6);
    filter.entry('10.0.0.1', 1, 5); // the same entry again (it went to two broadcast addresses)
    expect(filter.has('10.0.0.1', 6)).toBe(true);
    filter.entry('10.0.0.1', 7, 60_000); // a refresh, still counting up: same run
    expect(filter.has('10.0.0.1', 6)).toBe(true);
    filter.entry('10.0.0.1', 1, 90_000); // lower than what we saw: a new run
    expect(filter.has('10.0.0.1', 6)).toBe(false);
  });

  it('keeps a bounded window', () => {
    const filter = new DuplicateFilter(1000, 10);
    for (let n = 0; n < 5000; n += 1) filter.add('10.0.0.1', n);
    expect(filter.has('10.0.0.1', 4999)).toBe(true);
    expect(filter.has('10.0.0.1', 3999)).toBe(false);
  });
});

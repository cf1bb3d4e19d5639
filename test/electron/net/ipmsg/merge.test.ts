import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../../../shared/domain';
import { packetChatTwin } from '../../../../electron/net/ipmsg/merge';
import type { IpmsgPeer } from '../../../../electron/net/ipmsg/types';

const pchat = (over: Partial<PeerInfo>): PeerInfo => ({
  id: 'a'.repeat(32),
  nick: 'alice',
  host: 'alice-pc',
  address: '10.0.0.5',
  port: 4000,
  path: { kind: 'lan', address: '10.0.0.5', port: 4000 },
  tcpPort: 4000,
  status: 'online',
  online: true,
  firstSeen: 1,
  lastSeen: 1,
  ...over,
});

const ipmsg = (over: Partial<IpmsgPeer>): IpmsgPeer => ({
  ...pchat({ id: 'ipmsg:10.0.0.5', port: 2425, tcpPort: null }),
  protocol: 'ipmsg',
  badge: 'IPMsg',
  client: 'pchat',
  encrypted: false,
  version: '1_pchat',
  user: 'alice',
  group: '',
  encoding: 'utf-8',
  encodingLearned: false,
  utf8Capable: true,
  fileAttach: true,
  ...over,
});

describe('one person on both protocols', () => {
  it('finds our own bridge by address and host', () => {
    const twin = pchat({});
    expect(
      packetChatTwin(ipmsg({}), [pchat({ address: '10.0.0.6', id: 'b'.repeat(32) }), twin]),
    ).toBe(twin);
  });

  it('picks the copy with the same nickname among several on one host', () => {
    const first = pchat({ id: '1'.repeat(32), nick: 'alice', port: 4000 });
    const second = pchat({ id: '2'.repeat(32), nick: 'bob', port: 4001, lastSeen: 9 });
    expect(packetChatTwin(ipmsg({ nick: 'alice' }), [second, first])).toBe(first);
    expect(packetChatTwin(ipmsg({ nick: 'carol' }), [first, second])).toBe(second);
  });

  it('takes another client only when host and nickname both match', () => {
    const twin = pchat({});
    expect(packetChatTwin(ipmsg({ client: 'iptux', version: '1_iptux 0.8.3' }), [twin])).toBe(twin);
    expect(
      packetChatTwin(ipmsg({ client: 'iptux', nick: 'someone else' }), [twin]),
    ).toBeUndefined();
    expect(packetChatTwin(ipmsg({ client: 'feiq', host: 'OTHER' }), [twin])).toBeUndefined();
  });

  it('never matches across addresses', () => {
    expect(packetChatTwin(ipmsg({ address: '10.0.0.9' }), [pchat({})])).toBeUndefined();
  });
});

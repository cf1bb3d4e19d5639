import type { IpmsgPeer } from '../../electron/net/ipmsg/index';

/**
 * A FeiQ user as the IPMsg bridge keeps it after a few packets: GB18030 learned, file attachments
 * offered, away with an absence text. Tests that need a variant spread it (`{ ...feiqPeer, … }`).
 */
export const feiqPeer: IpmsgPeer = {
  id: 'ipmsg:10.0.0.7',
  nick: '小王',
  host: 'PC-WANG',
  address: '10.0.0.7',
  port: 2425,
  path: { kind: 'lan', address: '10.0.0.7', port: 2425 },
  tcpPort: null,
  status: 'away',
  online: true,
  firstSeen: 1_000,
  lastSeen: 2_000,
  protocol: 'ipmsg',
  badge: 'FeiQ',
  client: 'feiq',
  encrypted: false,
  version: '1_lbt6_0#128#0011AABBCCDD#0#0#0#4001#9',
  user: 'wang',
  group: '财务部',
  encoding: 'gb18030',
  encodingLearned: true,
  utf8Capable: false,
  fileAttach: true,
  absence: '开会',
};

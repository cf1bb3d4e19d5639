import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/domain';
import {
  compactContacts,
  expandContacts,
  type CompactContacts,
} from '../../../shared/ipc/contacts-compact';

const peer: Contact = {
  kind: 'peer',
  protocol: 'pchat',
  trust: 'encrypted',
  id: '0'.repeat(31) + '1',
  nick: 'Contact 0001',
  host: 'host-1',
  address: '10.0.0.2',
  port: 4001,
  path: { kind: 'lan', address: '10.0.0.2', port: 4001 },
  tcpPort: 4001,
  status: 'online',
  online: false,
  firstSeen: 1_764_000_000_000,
  lastSeen: 1_764_086_400_000,
};

/** One contact of each kind, with every optional field somewhere. */
const contacts: Contact[] = [
  peer,
  {
    ...peer,
    id: 'b'.repeat(32),
    trust: 'key-changed',
    online: true,
    status: 'busy',
    statusText: 'In a meeting',
    avatarHue: 0,
    responding: false,
    fingerprint: 'abcd '.repeat(16).trim(),
    keyChange: { to: 'c'.repeat(32), fingerprint: '' },
  },
  // Reached through a relay: the path is not the row's address.
  { ...peer, id: 'd'.repeat(32), address: '', port: 0, path: { kind: 'relay', broker: 'b:8883' } },
  // Moved on the LAN: the path's address differs from the row's.
  { ...peer, id: 'e'.repeat(32), path: { kind: 'lan', address: '10.0.0.9', port: 4001 } },
  { ...peer, id: 'f'.repeat(32), tcpPort: null, trust: 'verified' },
  {
    ...peer,
    id: 'ipmsg:10.0.0.7',
    protocol: 'ipmsg',
    badge: 'FeiQ',
    trust: 'not-encrypted',
    textEncoding: 'gb18030',
  },
  {
    kind: 'stranger',
    trust: 'not-encrypted',
    id: 'stranger:127.0.0.1:9000',
    nick: '127.0.0.1:9000',
    host: '',
    address: '127.0.0.1',
    port: 9000,
    path: { kind: 'lan', address: '127.0.0.1', port: 9000 },
    tcpPort: null,
    status: 'online',
    online: true,
    firstSeen: 5,
    lastSeen: 6,
    via: 'server',
  },
  // A contact made without `protocol` (as the renderer's tests make them): still without it.
  { ...peer, id: 'g'.repeat(32), protocol: undefined } as unknown as Contact,
].map((c) => JSON.parse(JSON.stringify(c)) as Contact);

describe('the compact contact list', () => {
  it('gives back every contact as contacts:list has it, but its fingerprint', () => {
    const compact = JSON.parse(JSON.stringify(compactContacts(contacts))) as CompactContacts;
    const withoutFingerprints = contacts.map(({ fingerprint: _fingerprint, ...rest }) => rest);
    expect(expandContacts(compact)).toStrictEqual(withoutFingerprints);
    // A key change's fingerprint is the banner's: it stays.
    expect(expandContacts(compact)[1]?.keyChange).toStrictEqual(contacts[1]?.keyChange);
  });

  it('leaves out the keys and the fingerprint, which the renderer never shows', () => {
    const keyed: Contact = {
      ...peer,
      publicKey: 'a'.repeat(64),
      signingKey: 'b'.repeat(64),
      fingerprint: 'abcd '.repeat(16).trim(),
    };
    const [back] = expandContacts(compactContacts([keyed]));
    expect(back).toStrictEqual(peer);
    const text = JSON.stringify(compactContacts([keyed]));
    expect(text).not.toContain('a'.repeat(64));
    expect(text).not.toContain('abcd abcd');
    // A keyed peer is a usual peer: its columns alone.
    expect(compactContacts([keyed]).rows[0]).toHaveLength(10);
  });

  it('is an array of columns for a usual peer, a third of the bytes of the objects', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      ...peer,
      id: i.toString(16).padStart(32, '0'),
    }));
    const compact = compactContacts(many);
    expect(compact.rows[0]).toHaveLength(10);
    expect(JSON.stringify(compact).length).toBeLessThan(JSON.stringify(many).length * 0.4);
  });

  it('refuses a shape it does not know', () => {
    expect(() => expandContacts({ v: 2 } as unknown as CompactContacts)).toThrow(/shape 2/);
  });
});

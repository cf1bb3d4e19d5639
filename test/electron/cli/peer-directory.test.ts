import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/domain';
import { PeerDirectory } from '../../../electron/cli/peer-directory';

function peer(nick: string, port: number, firstSeen: number, online = true): Contact {
  return {
    kind: 'peer',
    id: `${nick.toLowerCase().replace(/\W/g, '')}${String(port)}`.padEnd(32, '0'),
    nick,
    host: 'h',
    address: '10.0.0.2',
    port,
    path: { kind: 'lan', address: '10.0.0.2', port },
    tcpPort: port,
    status: 'online',
    online,
    firstSeen,
    lastSeen: firstSeen,
    trust: 'encrypted',
  };
}

function directory(...contacts: Contact[]): PeerDirectory {
  const d = new PeerDirectory();
  for (const c of contacts) d.set(c);
  return d;
}

describe('PeerDirectory.find', () => {
  const alice = peer('Alice Li', 4000, 1);
  const alfred = peer('alfred', 4001, 2);
  const bob = peer('Bob', 4002, 3, false);
  const dir = directory(bob, alfred, alice);
  const found = (ref: string) => dir.find(ref);
  const contact = (c: Contact) => ({ kind: 'contact', contact: c });

  it('numbers peers as /peers lists them, first seen first', () => {
    expect(dir.peers().map((p) => p.nick)).toEqual(['Alice Li', 'alfred', 'Bob']);
    expect(found('1')).toEqual(contact(alice));
    expect(found('3')).toEqual(contact(bob));
    expect(found('4')).toEqual({ kind: 'none' });
  });

  it('finds by id, IP:PORT and nickname in any case', () => {
    expect(found(alfred.id)).toEqual(contact(alfred));
    expect(found('10.0.0.2:4002')).toEqual(contact(bob));
    expect(found('bob')).toEqual(contact(bob));
    expect(found('ALICE LI')).toEqual(contact(alice));
  });

  it('takes a unique prefix, and lists every match of an ambiguous one', () => {
    expect(found('alic')).toEqual(contact(alice));
    expect(found('b')).toEqual(contact(bob));
    expect(found('Al')).toEqual({ kind: 'ambiguous', matches: [alice, alfred] });
  });

  it('prefers an exact name over longer names it starts', () => {
    const al = peer('Al', 4003, 4);
    expect(directory(alice, al).find('al')).toEqual(contact(al));
  });

  it('sends to an IP:PORT that is no peer as a stranger; anything else is nobody', () => {
    expect(found('10.0.0.9:5000')).toEqual({ kind: 'stranger', to: '10.0.0.9:5000' });
    expect(found('carol')).toEqual({ kind: 'none' });
  });

  it('remembers what it knew of a contact before', () => {
    const d = directory(alice);
    expect(d.set({ ...alice, nick: 'Alice' })).toEqual(alice);
    d.addKnown(alice); // the start-up list never overwrites news from this run
    expect(d.get(alice.id)?.nick).toBe('Alice');
    expect(d.hasOnlinePeer()).toBe(true);
    expect(directory(bob).hasOnlinePeer()).toBe(false);
  });
});

describe('PeerDirectory.tag', () => {
  it("tags names that look like another contact's or the user's own, and follows renames", () => {
    const directory = new PeerDirectory();
    const alice = peer('alice', 4000, 1);
    const carol = peer('carol', 4001, 2);
    directory.set(alice);
    directory.set(carol);
    directory.setSelfNick('bob');
    expect(directory.tag(alice.id)).toBeUndefined();
    const fake = peer('ALICE', 4002, 3);
    directory.set(fake);
    expect(directory.tag(alice.id)).toBe(alice.id.slice(0, 6));
    expect(directory.tag(fake.id)).toBe(fake.id.slice(0, 6));
    directory.set({ ...fake, nick: 'mallory' });
    expect(directory.tag(alice.id)).toBeUndefined();
    directory.set({ ...carol, nick: 'B0B' });
    expect(directory.tag(carol.id)).toBe(carol.id.slice(0, 6));
  });
});

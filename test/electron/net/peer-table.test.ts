import { describe, expect, it } from 'vitest';
import { PeerTable } from '../../../electron/net/peer-table';

const details = { nick: 'bob', host: 'bob-pc', tcpPort: 4000, status: 'online' as const };
const at = (address: string, port: number) => ({ address, port });

describe('PeerTable', () => {
  it('adds a new peer with what its announce says and where it came from', () => {
    const table = new PeerTable(10);
    const changes = table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    expect(changes.map((c) => c.change)).toEqual(['added']);
    expect(table.get('b')).toMatchObject({
      nick: 'bob',
      address: '10.0.0.2',
      port: 4000,
      online: true,
      firstSeen: 1_000,
      lastSeen: 1_000,
    });
  });

  it('reports a move with the previous IP:port', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    const changes = table.observe('b', at('10.0.0.9', 4001), 2_000);
    expect(changes).toEqual([
      expect.objectContaining({ change: 'moved', previous: { address: '10.0.0.2', port: 4000 } }),
    ]);
    expect(table.get('b')).toMatchObject({ address: '10.0.0.9', port: 4001, lastSeen: 2_000 });
  });

  it('reports nickname changes as updates and stays quiet when nothing changed', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    expect(table.observe('b', at('10.0.0.2', 4000), 1_500, details)).toEqual([]);
    const changes = table.observe('b', at('10.0.0.2', 4000), 2_000, { ...details, nick: 'bobby' });
    expect(changes.map((c) => c.change)).toEqual(['updated']);
    expect(table.get('b')?.nick).toBe('bobby');
  });

  it('expires silent peers exactly at the timeout and brings them back online', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    table.observe('c', at('10.0.0.3', 4000), 5_000, details);
    expect(table.expire(45_999, 45_000)).toEqual([]);
    const expired = table.expire(46_000, 45_000);
    expect(expired.map((c) => [c.change, c.peer.id])).toEqual([['offline', 'b']]);
    expect(table.expire(47_000, 45_000)).toEqual([]); // reported once
    const back = table.observe('b', at('10.0.0.2', 4000), 60_000);
    expect(back.map((c) => c.change)).toEqual(['online']);
  });

  it('marks a peer offline when it says bye, once', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    expect(table.markOffline('b').map((c) => c.change)).toEqual(['offline']);
    expect(table.markOffline('b')).toEqual([]);
    expect(table.markOffline('nobody')).toEqual([]);
  });

  it('finds a peer by IP:port', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4001), 1_000, details);
    expect(table.findByEndpoint(at('10.0.0.2', 4001))?.id).toBe('b');
    expect(table.findByEndpoint(at('10.0.0.2', 4000))).toBeUndefined();
  });

  it('is bounded: a full table evicts the longest-silent offline peer, never an online one', () => {
    const table = new PeerTable(2);
    table.observe('a', at('10.0.0.1', 1), 1_000, details);
    table.observe('b', at('10.0.0.2', 1), 2_000, details);
    expect(table.observe('c', at('10.0.0.3', 1), 3_000, details)).toEqual([]);
    expect(table.get('c')).toBeUndefined();
    table.markOffline('a');
    table.markOffline('b');
    table.observe('c', at('10.0.0.3', 1), 4_000, details);
    expect(
      table
        .list()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['b', 'c']);
  });

  describe('paths', () => {
    const LAN_FRESH = 45_000;

    it('adds a peer met through a relay without a LAN address', () => {
      const table = new PeerTable(10);
      const changes = table.observeRelay('b', 'broker:1883', 1_000, LAN_FRESH, details);
      expect(changes.map((c) => c.change)).toEqual(['added']);
      expect(table.get('b')).toMatchObject({
        address: '',
        port: 0,
        path: { kind: 'relay', broker: 'broker:1883' },
        online: true,
      });
    });

    it('keeps a fresh LAN path when a packet comes through the relay', () => {
      const table = new PeerTable(10);
      table.observe('b', at('10.0.0.2', 4000), 1_000, details);
      expect(table.observeRelay('b', 'broker:1883', 2_000, LAN_FRESH)).toEqual([]);
      expect(table.get('b')?.path).toEqual({ kind: 'lan', address: '10.0.0.2', port: 4000 });
      // once the LAN has been silent for the timeout, the relay is the path
      const later = table.observeRelay('b', 'broker:1883', 1_000 + LAN_FRESH, LAN_FRESH);
      expect(later).toEqual([
        expect.objectContaining({
          change: 'path',
          previousPath: { kind: 'lan', address: '10.0.0.2', port: 4000 },
        }),
      ]);
    });

    it('turns to the relay when asked and back to the LAN on the next LAN packet', () => {
      const table = new PeerTable(10);
      table.observe('b', at('10.0.0.2', 4000), 1_000, details);
      expect(table.useRelay('b', 'broker:1883').map((c) => c.change)).toEqual(['path']);
      expect(table.useRelay('b', 'broker:1883')).toEqual([]); // once
      expect(table.get('b')).toMatchObject({ address: '10.0.0.2', port: 4000 });
      const back = table.observe('b', at('10.0.0.2', 4000), 2_000);
      expect(back).toEqual([
        expect.objectContaining({
          change: 'path',
          previousPath: { kind: 'relay', broker: 'broker:1883' },
        }),
      ]);
      expect(table.get('b')?.path).toEqual({ kind: 'lan', address: '10.0.0.2', port: 4000 });
    });

    it('finding a LAN address for a relay peer is no move', () => {
      const table = new PeerTable(10);
      table.observeRelay('b', 'broker:1883', 1_000, LAN_FRESH, details);
      const changes = table.observe('b', at('10.0.0.2', 4000), 2_000);
      expect(changes.map((c) => c.change)).toEqual(['path']);
    });

    it('over TCP, takes the UDP port from a hello or what is known, never the TCP source port', () => {
      const table = new PeerTable(10);
      // Known only through the relay: a TCP packet without a port leaves the relay path alone.
      table.observeRelay('b', 'broker:1883', 1_000, LAN_FRESH, details);
      expect(table.observeTcp('b', '10.0.0.2', 2_000)).toEqual([]);
      expect(table.get('b')).toMatchObject({
        address: '',
        port: 0,
        path: { kind: 'relay', broker: 'broker:1883' },
      });
      // A hello over TCP tells the port: the LAN path is that.
      const hello = table.observeTcp('b', '10.0.0.2', 3_000, details, 4001);
      expect(hello.map((c) => c.change)).toEqual(['path']);
      expect(table.get('b')?.path).toEqual({ kind: 'lan', address: '10.0.0.2', port: 4001 });
      // Later TCP packets keep the known port.
      expect(table.observeTcp('b', '10.0.0.2', 4_000)).toEqual([]);
      expect(table.get('b')).toMatchObject({ address: '10.0.0.2', port: 4001, lastSeen: 4_000 });
      // Nobody is added from a TCP packet that does not say its port.
      expect(table.observeTcp('c', '10.0.0.3', 4_000)).toEqual([]);
      expect(table.get('c')).toBeUndefined();
    });

    it('refresh moves only lastSeen', () => {
      const table = new PeerTable(10);
      table.observeRelay('b', 'broker:1883', 1_000, LAN_FRESH, details);
      table.refresh('b', 50_000);
      expect(table.expire(60_000, LAN_FRESH)).toEqual([]);
      expect(table.get('b')?.lastSeen).toBe(50_000);
    });

    it('takes status text and avatar hue from a hello through the relay', () => {
      const table = new PeerTable(10);
      table.observeRelay('b', 'broker:1883', 1_000, LAN_FRESH, details);
      const set = table.observeRelay('b', 'broker:1883', 2_000, LAN_FRESH, {
        ...details,
        statusText: 'Away',
        avatarHue: 30,
      });
      expect(set.map((c) => c.change)).toEqual(['updated']);
      expect(table.get('b')).toMatchObject({ statusText: 'Away', avatarHue: 30 });
    });
  });

  it('keeps a custom status text and avatar hue from announces, and drops them when they stop', () => {
    const table = new PeerTable(10);
    table.observe('b', at('10.0.0.2', 4000), 1_000, details);
    const set = table.observe('b', at('10.0.0.2', 4000), 2_000, {
      ...details,
      statusText: 'In a meeting',
      avatarHue: 200,
    });
    expect(set.map((c) => c.change)).toEqual(['updated']);
    expect(table.get('b')).toMatchObject({ statusText: 'In a meeting', avatarHue: 200 });
    expect(table.observe('b', at('10.0.0.2', 4000), 2_500)).toEqual([]);
    expect(table.get('b')?.statusText).toBe('In a meeting');
    const cleared = table.observe('b', at('10.0.0.2', 4000), 3_000, details);
    expect(cleared.map((c) => c.change)).toEqual(['updated']);
    expect(table.get('b')).not.toHaveProperty('statusText');
    expect(table.get('b')).not.toHaveProperty('avatarHue');
  });
});

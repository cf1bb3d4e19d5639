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

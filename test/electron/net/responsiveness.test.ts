import { describe, expect, it } from 'vitest';
import { Responsiveness } from '../../../electron/net/responsiveness';
import type { PeerInfo } from '../../../shared/domain';

const peer = (id: string, online = true): PeerInfo => ({
  id,
  nick: id,
  host: '',
  address: '127.0.0.1',
  port: 4000,
  path: { kind: 'lan', address: '127.0.0.1', port: 4000 },
  tcpPort: null,
  status: 'online',
  online,
  firstSeen: 0,
  lastSeen: 0,
});

describe('Responsiveness', () => {
  it('marks a peer silent for the whole interval after a transmission, once', () => {
    const r = new Responsiveness(2_500);
    r.expect('b', 1_000);
    r.expect('b', 2_000); // a retransmission does not restart the clock
    expect(r.check(3_499)).toEqual([]);
    expect(r.check(3_500)).toEqual(['b']);
    expect(r.check(9_000)).toEqual([]);
    expect(r.apply(peer('b'))).toMatchObject({ responding: false });
    expect(r.apply(peer('b', false))).not.toHaveProperty('responding');
  });

  it('clears on any packet from the peer, and never marks a peer that answers in time', () => {
    const r = new Responsiveness(2_500);
    r.expect('b', 0);
    expect(r.heard('b')).toBe(false);
    expect(r.check(10_000)).toEqual([]);
    r.expect('b', 10_000);
    expect(r.check(12_500)).toEqual(['b']);
    expect(r.heard('b')).toBe(true);
    expect(r.apply(peer('b'))).not.toHaveProperty('responding');
    r.expect('c', 0);
    r.forget('c');
    expect(r.check(5_000)).toEqual([]);
  });
});

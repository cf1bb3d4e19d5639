import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider, generateIdentity } from '../../../electron/net/index';
import { HandshakeState } from '../../../electron/net/crypto/noise';
import {
  PendingHandshakes,
  targetKey,
  type Pending,
} from '../../../electron/net/pending-handshakes';

const provider = defaultCryptoProvider().provider;
const staticKeyPair = generateIdentity(provider);

function pending(
  localIndex: number,
  role: 'initiator' | 'responder',
  address: string,
  startedAt: number,
  expectedId?: string,
): Pending {
  return {
    state: new HandshakeState({ provider, role, staticKeyPair }),
    localIndex,
    to: { address, port: 4000 },
    transport: 'udp',
    startedAt,
    ...(expectedId === undefined ? {} : { expectedId }),
  };
}

describe('PendingHandshakes', () => {
  it('answers who we are handshaking with from its indexes, and forgets what is deleted', () => {
    const table = new PendingHandshakes();
    table.add(pending(1, 'initiator', '10.0.0.1', 0, 'b'.repeat(32)));
    table.add(pending(2, 'initiator', '10.0.0.2', 100));
    table.add(pending(3, 'responder', '10.0.0.1', 200));
    const toB = targetKey({ address: '10.0.0.9', port: 1 }, 'udp', 'b'.repeat(32));
    const toTwo = targetKey({ address: '10.0.0.2', port: 4000 }, 'udp');
    expect(table.initiatedTo(toB, 500, 1_000)).toBe(true); // by id, whatever the address
    expect(table.initiatedTo(toB, 1_000, 1_000)).toBe(false); // too old
    expect(table.initiatedTo(toTwo, 500, 1_000)).toBe(true);
    expect(table.answering({ address: '10.0.0.1', port: 4000 }, 'udp', 500, 1_000)).toBe(true);
    expect(table.answering({ address: '10.0.0.1', port: 4001 }, 'udp', 500, 1_000)).toBe(false);
    expect(table.answering({ address: '10.0.0.1', port: 4000 }, 'tcp', 500, 1_000)).toBe(false);
    expect(table.fromIp('10.0.0.1')).toBe(2);
    expect(table.oldest()).toBe(1);
    table.delete(1);
    expect(table.initiatedTo(toB, 500, 1_000)).toBe(false);
    expect(table.fromIp('10.0.0.1')).toBe(1);
    expect(table.oldest()).toBe(2);
    table.expire(10_150, 10_000); // 2 started 10,050 ms ago, 3 only 9,950
    expect([table.size, table.has(2), table.has(3)]).toEqual([1, false, true]);
    expect(table.fromIp('10.0.0.2')).toBe(0);
  });

  it('keeps a newer handshake to a target when an older one to it goes', () => {
    const table = new PendingHandshakes();
    table.add(pending(1, 'initiator', '10.0.0.1', 0));
    table.add(pending(2, 'initiator', '10.0.0.1', 600));
    table.delete(1);
    const key = targetKey({ address: '10.0.0.1', port: 4000 }, 'udp');
    expect(table.initiatedTo(key, 700, 1_000)).toBe(true);
  });
});

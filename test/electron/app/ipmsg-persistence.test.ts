// The IPMsg bridge's persistence on the profile's SQLite store: its peers (with the IPMsg details
// and a damaged row left out), its messages in the same history as everyone's under epoch
// `ipmsg`, its own outbox (which the PacketChat node's leaves out), and read receipts.
import { describe, expect, it } from 'vitest';
import { ipmsgStorePersistence } from '../../../electron/app/ipmsg-persistence';
import { openStore } from '../../../electron/store/open-store';
import type { Store } from '../../../electron/store/store';
import type { ChatMessage } from '../../../shared/domain';
import { useTempDirs } from '../../helpers/temp-dir';
import { feiqPeer as feiq } from '../../helpers/ipmsg-peer';

const tempDir = useTempDirs();

function withStore(run: (store: Store) => void): void {
  const { store } = openStore(tempDir());
  try {
    run(store);
  } finally {
    store.close();
  }
}

function message(id: string, direction: 'in' | 'out', state: ChatMessage['state']): ChatMessage {
  return {
    id,
    peerId: feiq.id,
    direction,
    text: `${id} 文本`,
    transport: 'udp',
    state,
    seq: direction === 'in' ? 1_700_000_001 : 0,
    sentAt: 5,
    receivedAt: 6,
    remote: '10.0.0.7:2425',
  };
}

describe('ipmsgStorePersistence', () => {
  it('keeps IPMsg peers with their details, offline, apart from PacketChat peers', () => {
    withStore((store) => {
      const p = ipmsgStorePersistence(store);
      p.savePeer(feiq);
      p.savePeer({ ...feiq, nick: '小王2', lastSeen: 1_500 }); // an update; last seen never goes back
      expect(p.loadPeers()).toEqual([{ ...feiq, nick: '小王2', online: false }]);
      expect(store.listPeers()).toEqual([]); // the PacketChat node never loads them
      // A row whose details are damaged is left out (the peer is learned again when it speaks).
      store.sql.run(`UPDATE peers SET details = '{"badge":"nope"}' WHERE id = ?`, feiq.id);
      expect(p.loadPeers()).toEqual([]);
      store.sql.run(`UPDATE peers SET details = 'not json' WHERE id = ?`, feiq.id);
      expect(p.loadPeers()).toEqual([]);
    });
  });

  it('stores messages in the one history, resends only its own outbox, records reads', () => {
    withStore((store) => {
      const p = ipmsgStorePersistence(store);
      expect(p.saveIncoming(message('in-1', 'in', 'received'))).toBe('inserted');
      expect(p.saveIncoming(message('in-1', 'in', 'received'))).toBe('duplicate');
      p.saveOutgoing(message('out-1', 'out', 'sending'));
      p.saveOutgoing(message('out-2', 'out', 'sending'));
      p.saveOutgoing(message('out-3', 'out', 'sending'));
      p.updateOutgoing({
        id: 'out-1',
        peerId: feiq.id,
        state: 'delivered',
        transport: 'udp',
        attempts: 1,
      });
      p.updateOutgoing({
        id: 'out-2',
        peerId: feiq.id,
        state: 'pending',
        transport: 'udp',
        attempts: 5,
      });
      p.updateOutgoing({
        id: 'out-3',
        peerId: feiq.id,
        state: 'failed',
        transport: 'udp',
        attempts: 5,
      });
      expect(p.loadOutbox().map((m) => [m.id, m.state])).toEqual([['out-2', 'pending']]);
      expect(store.listOutbox()).toEqual([]); // not the PacketChat node's to resend
      const page = store.reads.history(feiq.id, { limit: 10 });
      expect(page.messages.map((m) => [m.id, m.direction, m.state])).toEqual([
        ['in-1', 'in', 'received'],
        ['out-1', 'out', 'delivered'],
        ['out-2', 'out', 'pending'],
        ['out-3', 'out', 'failed'],
      ]);
      expect(store.reads.unreadTotal()).toBe(1);
      p.recordRead({ messageId: 'out-1', peerId: feiq.id, at: 42 });
      p.recordRead({ messageId: 'out-1', peerId: feiq.id, at: 99 });
      expect(store.ipmsg.readAt('out-1')).toBe(42);
    });
  });
});

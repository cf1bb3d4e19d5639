import type { NodePersistence } from '../net/persistence';
import type { Store } from '../store/store';

/**
 * Connects the node's persistence seam to the SQLite store. Each inbound change is one
 * transaction (one fsync with synchronous=FULL), committed before the node sends the ack.
 */
export function storePersistence(store: Store): NodePersistence {
  return {
    recordInbound(change) {
      return store.transaction(() => {
        let result: 'inserted' | 'duplicate' | 'none' = 'none';
        if (change.record !== undefined) result = store.insertIncoming(change.record);
        if (change.released.length > 0)
          store.releaseHeld(change.stream.peerId, change.released, change.at);
        store.saveInboundStream(change.stream.peerId, change.stream.epoch, change.stream.expected);
        return result;
      });
    },
    loadInbound: () => ({ streams: store.getInboundStreams(), held: store.listHeld() }),
    outboundStream: (peerId) => store.getOutboundStream(peerId),
    recordOutgoing(record, nextSeq) {
      store.transaction(() => {
        store.insertOutgoing(record);
        store.saveOutboundStream(record.peerId, record.epoch, nextSeq);
      });
    },
    updateOutgoing: (id, change) => store.updateOutgoing(id, change),
    loadOutbox: () => store.listOutbox(),
    savePeer: (peer) => store.upsertPeer(peer),
    loadPeers: () => store.listPeers(),
  };
}

import type { NodePersistence } from '../net/index';
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
        const { stream } = change;
        if (change.released.length > 0 && stream !== undefined)
          store.releaseHeld(stream.peerId, change.released, change.at);
        if (stream !== undefined)
          store.saveInboundStream(stream.peerId, stream.epoch, stream.expected);
        return result;
      });
    },
    loadInbound: () => ({ streams: store.getInboundStreams(), held: store.listHeld() }),
    outboundStream: (peerId) => store.getOutboundStream(peerId),
    recordOutgoing(record, nextSeq) {
      store.transaction(() => {
        store.insertOutgoing(record);
        if (nextSeq !== undefined) store.saveOutboundStream(record.peerId, record.epoch, nextSeq);
      });
    },
    updateOutgoing: (change) => store.updateOutgoing(change),
    updateOutgoingMany(changes) {
      store.transaction(() => {
        for (const change of changes) store.updateOutgoing(change);
      });
    },
    loadOutbox: () => store.listOutbox(),
    loadUndelivered: (peerId) => store.listUndelivered(peerId),
    readdressOutgoing: (id, to, nextSeq) => store.readdressOutgoing(id, to, nextSeq),
    savePeer: (peer) => store.upsertPeer(peer),
    hasConversation: (peerId) => store.reads.hasConversation(peerId),
    loadPeers: () => store.listPeers(),
  };
}

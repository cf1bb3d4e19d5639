import type { NodePersistence, OutgoingRecord } from '../net/index';
import type { Store } from '../store/store';

/** Stream order within each peer: what the reliable sender restores. */
function byStream(a: OutgoingRecord, b: OutgoingRecord): number {
  if (a.peerId !== b.peerId) return a.peerId < b.peerId ? -1 : 1;
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * Connects the node's persistence seam to the SQLite store. Each inbound change is one
 * transaction (one fsync with synchronous=FULL), committed before the node sends the ack.
 * Deliveries of group items share each peer's stream with its texts but are kept in
 * `group_deliveries` (their item is stored once, whatever the number of members).
 */
export function storePersistence(store: Store): NodePersistence {
  return {
    transaction: (fn) => store.transaction(fn),
    groups: store.groups,
    recordInbound(change) {
      return store.transaction(() => {
        let result: 'inserted' | 'duplicate' | 'none' = 'none';
        const { record, stream } = change;
        if (record?.carried === true) store.groupOutbox.insertHeld(record);
        else if (record !== undefined) result = store.insertIncoming(record);
        if (change.released.length > 0 && stream !== undefined) {
          store.releaseHeld(stream.peerId, change.released, change.at);
          store.groupOutbox.releaseHeld(change.released);
        }
        if (stream !== undefined)
          store.saveInboundStream(stream.peerId, stream.epoch, stream.expected);
        return result;
      });
    },
    loadInbound: () => ({
      streams: store.getInboundStreams(),
      held: [...store.listHeld(), ...store.groupOutbox.listHeld()],
    }),
    outboundStream: (peerId) => store.getOutboundStream(peerId),
    recordOutgoing(record, nextSeq) {
      store.transaction(() => {
        if (record.carried === undefined) store.insertOutgoing(record);
        else store.groupOutbox.insertDelivery(record);
        if (nextSeq !== undefined) store.saveOutboundStream(record.peerId, record.epoch, nextSeq);
      });
    },
    updateOutgoing: (change) => {
      if (!store.groupOutbox.updateDelivery(change)) store.updateOutgoing(change);
    },
    updateOutgoingMany(changes) {
      store.transaction(() => {
        for (const change of changes)
          if (!store.groupOutbox.updateDelivery(change)) store.updateOutgoing(change);
      });
    },
    loadOutbox: () =>
      [...store.listOutbox(), ...store.groupOutbox.listDeliveryOutbox()].sort(byStream),
    loadUndelivered: (peerId) => store.listUndelivered(peerId),
    readdressOutgoing: (id, to, nextSeq) => store.readdressOutgoing(id, to, nextSeq),
    savePeer: (peer) => store.upsertPeer(peer),
    hasConversation: (peerId) => store.reads.hasConversation(peerId),
    loadPeers: () => store.listPeers(),
  };
}

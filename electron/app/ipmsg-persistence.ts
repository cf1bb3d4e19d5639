import { z } from 'zod';
import type { ChatMessage, DeliveryStatus } from '../../shared/domain';
import { IPMSG_EPOCH, type IpmsgPeer, type IpmsgPersistence } from '../net/index';
import type { Store } from '../store/store';

/**
 * What an IPMsg peer adds to its PeerInfo columns, as stored in `peers.details`. Built at its
 * first use (`z.lazy`): a node with no stored IPMsg peer never builds it (docs/BENCHMARKS.md,
 * "Seventh pass on issue 18: idle CLI memory").
 */
const detailsSchema = z.lazy(() =>
  z.object({
    badge: z.enum(['IPMsg', 'FeiQ']),
    client: z.enum(['iptux', 'feiq', 'pchat', 'ipmsg']),
    version: z.string().max(1_024),
    user: z.string().max(1_024),
    group: z.string().max(1_024),
    encoding: z.enum(['utf-8', 'gb18030', 'cp932']),
    encodingLearned: z.boolean(),
    utf8Capable: z.boolean(),
    fileAttach: z.boolean(),
    info: z.string().max(8_192).optional(),
    absence: z.string().max(8_192).optional(),
  }),
);
type Details = z.infer<typeof detailsSchema>;

function detailsOf(peer: IpmsgPeer): Details {
  const { badge, client, version, user, group, encoding, encodingLearned, utf8Capable } = peer;
  return {
    badge,
    client,
    version,
    user,
    group,
    encoding,
    encodingLearned,
    utf8Capable,
    fileAttach: peer.fileAttach,
    ...(peer.info === undefined ? {} : { info: peer.info }),
    ...(peer.absence === undefined ? {} : { absence: peer.absence }),
  };
}

/** A stored row back as an IpmsgPeer; undefined when its details are missing or damaged. */
function peerOf(stored: ReturnType<Store['ipmsg']['listPeers']>[number]): IpmsgPeer | undefined {
  let json: unknown;
  try {
    json = JSON.parse(stored.details ?? '');
  } catch {
    return undefined; // a damaged row: the peer is learned again when it announces
  }
  const parsed = detailsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { info, absence, ...rest } = parsed.data;
  return {
    ...stored.peer,
    ...rest,
    protocol: 'ipmsg',
    encrypted: false,
    ...(info === undefined ? {} : { info }),
    ...(absence === undefined ? {} : { absence }),
  };
}

const outgoingState = (state: ChatMessage['state']): DeliveryStatus =>
  state === 'received' ? 'sending' : state;

/**
 * The IPMsg bridge's persistence seam on the profile's SQLite store (docs/IPMSG.md, "Wiring"):
 * its messages live in `messages` with epoch `ipmsg` (seq = packet number for received ones),
 * so history, search, unread counts and the UI treat them like every other message.
 */
export function ipmsgStorePersistence(store: Store): IpmsgPersistence {
  return {
    saveIncoming: (message) =>
      store.insertIncoming({
        id: message.id,
        peerId: message.peerId,
        epoch: IPMSG_EPOCH,
        seq: message.seq,
        text: message.text,
        transport: message.transport,
        sentAt: message.sentAt,
        receivedAt: message.receivedAt,
        remote: message.remote,
        held: false,
      }),
    saveOutgoing: (message) =>
      store.insertOutgoing({
        id: message.id,
        peerId: message.peerId,
        epoch: IPMSG_EPOCH,
        seq: message.seq,
        text: message.text,
        sentAt: message.sentAt,
        remote: message.remote,
        state: outgoingState(message.state),
        transport: message.transport,
        attempts: 0,
      }),
    updateOutgoing: (change) => store.updateOutgoing(change),
    recordRead: (read) => store.ipmsg.recordRead(read.messageId, read.peerId, read.at),
    loadOutbox: () => store.ipmsg.listOutbox(),
    savePeer: (peer) => store.ipmsg.savePeer(peer, JSON.stringify(detailsOf(peer))),
    loadPeers: () =>
      store.ipmsg.listPeers().flatMap((stored) => {
        const peer = peerOf(stored);
        return peer === undefined ? [] : [peer];
      }),
  };
}

import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { PacketLogEntry, PeerInfo } from '../../shared/domain';
import type { PacketChatNode } from '../net/index';

/**
 * Whether a logged packet is a PacketChat node at `endpoint` answering us, authenticated: the
 * handshake our announce prompted, or the sealed hello of a peer already in session.
 */
function answers(entry: PacketLogEntry, endpoint: Endpoint, serverPort: number): boolean {
  if (entry.direction !== 'in' || entry.peerId === undefined) return false;
  if (entry.kind !== 'handshake' && entry.kind !== 'hello') return false;
  // A node answers from its client port: a hello to the server port takes any port at that IP.
  if (endpoint.port === serverPort) return entry.remote.startsWith(`${endpoint.address}:`);
  return entry.remote === formatEndpoint(endpoint);
}

/**
 * Says hello to an address (`node.addPeer`) and waits up to `waitMs` for a PacketChat node there
 * to answer: the "Say hello to an IP" form tells whether anyone did. Resolves with the peer that
 * answered, or undefined when nobody did in time.
 */
export async function sayHello(
  node: PacketChatNode,
  address: string,
  waitMs: number,
): Promise<{ endpoint: Endpoint; peer: PeerInfo | undefined }> {
  let onPacket: ((entry: PacketLogEntry) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const serverPort = node.info().serverPort;
  const answered = new Promise<string | undefined>((resolve) => {
    onPacket = (entry) => {
      if (endpoint !== undefined && answers(entry, endpoint, serverPort)) resolve(entry.peerId);
    };
    node.on('packet', onPacket);
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  let endpoint: Endpoint | undefined;
  try {
    endpoint = node.addPeer(address);
    // The answer is logged before the node handles it: by the time this resumes, it has.
    const peerId = await answered;
    return { endpoint, peer: peerId === undefined ? undefined : node.findPeer(peerId) };
  } finally {
    clearTimeout(timer);
    if (onPacket !== undefined) node.off('packet', onPacket);
  }
}

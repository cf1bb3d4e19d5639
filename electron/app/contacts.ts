import type { Contact, PeerChange, PeerInfo } from '../../shared/domain';
import type { EventPayloads, SelfInfo } from '../../shared/ipc/contract';
import { PROTOCOL_VERSION } from '../../shared/protocol/constants';
import { conversationIdFor, strangerEndpoint } from '../../shared/stranger-id';
import type { NodeInfo, PacketChatNode, Stranger } from '../net/index';

/** A stranger (a plain UDP tool) shown as a contact named by its IP:port. */
export function strangerContact(
  stranger: Pick<Stranger, 'id' | 'address' | 'port' | 'firstSeen' | 'lastSeen'> &
    Partial<Pick<Stranger, 'via'>>,
  online: boolean,
): Contact {
  return {
    kind: 'stranger',
    trust: 'not-encrypted',
    id: stranger.id,
    nick: `${stranger.address}:${String(stranger.port)}`,
    host: '',
    address: stranger.address,
    port: stranger.port,
    path: { kind: 'lan', address: stranger.address, port: stranger.port },
    tcpPort: null,
    status: 'online',
    online,
    firstSeen: stranger.firstSeen,
    lastSeen: stranger.lastSeen,
    ...(stranger.via === undefined ? {} : { via: stranger.via }),
  };
}

/**
 * Every contact: each peer ever stored (live state from the node where it has one), strangers
 * heard this run, then strangers known only from history.
 */
export function contactList(
  node: PacketChatNode,
  stored: readonly PeerInfo[],
  conversations: readonly { peerId: string; at: number }[],
  /** A peer as a contact; undefined for an id merged into another contact. */
  asContact: (peer: PeerInfo) => Contact | undefined,
): Contact[] {
  const byId = new Map<string, Contact>();
  for (const peer of [...stored, ...node.peerList()]) {
    const contact = asContact(peer);
    if (contact !== undefined) byId.set(peer.id, contact);
  }
  for (const stranger of node.strangerList())
    byId.set(stranger.id, strangerContact(stranger, true));
  for (const { peerId, at } of conversations) {
    if (byId.has(peerId)) continue;
    const endpoint = strangerEndpoint(peerId);
    if (endpoint === undefined) continue;
    byId.set(
      peerId,
      strangerContact({ id: peerId, ...endpoint, firstSeen: at, lastSeen: at }, false),
    );
  }
  return [...byId.values()];
}

/** What a user typed (peer id, a peer's IP[:PORT], `stranger:IP:PORT`) as a conversation id. */
export function resolveConversation(node: PacketChatNode, ref: string): string {
  return node.findPeer(ref)?.id ?? conversationIdFor(ref);
}

export function peerContactChange(
  change: PeerChange,
  asContact: (peer: PeerInfo) => Contact | undefined,
): EventPayloads['contact'] | undefined {
  const peer = asContact(change.peer);
  return peer === undefined ? undefined : { ...change, peer, kind: 'peer' };
}

/** The address peers most likely reach us at: the first non-loopback IPv4, else loopback. */
function primaryAddress(interfaces: NodeInfo['interfaces']): string {
  return interfaces.find((i) => !i.internal)?.address ?? '127.0.0.1';
}

export function selfInfo(
  info: NodeInfo,
  fingerprint: string,
  profile: string,
  appVersion: string,
): SelfInfo {
  const interfaces = info.interfaces;
  return {
    nodeId: info.nodeId,
    fingerprint,
    nick: info.nick,
    status: info.status,
    statusText: info.statusText,
    ...(info.avatarHue === undefined ? {} : { avatarHue: info.avatarHue }),
    host: info.host,
    address: primaryAddress(interfaces),
    clientPort: info.clientPort,
    serverPort: info.serverPort,
    tcpPort: info.tcpPort,
    interfaces,
    discoveryTargets: info.discoveryTargets,
    relays: info.relays,
    profile,
    appVersion,
    protocolVersion: PROTOCOL_VERSION,
  };
}

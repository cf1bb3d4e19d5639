import type { PeerChange } from '../../shared/domain';
import type { Contact, InterfaceInfo, SelfInfo } from '../../shared/ipc';
import { PROTOCOL_VERSION } from '../../shared/protocol/constants';
import type { NodeInfo, PacketChatNode } from '../net/node';
import { isStrangerId, type Stranger } from '../net/strangers';

/** A stranger (a plain UDP tool) shown as a contact named by its IP:port. */
export function strangerContact(
  stranger: Pick<Stranger, 'id' | 'address' | 'port' | 'firstSeen' | 'lastSeen'>,
  online: boolean,
): Contact {
  return {
    kind: 'stranger',
    id: stranger.id,
    nick: `${stranger.address}:${String(stranger.port)}`,
    host: '',
    address: stranger.address,
    port: stranger.port,
    tcpPort: null,
    status: 'online',
    online,
    firstSeen: stranger.firstSeen,
    lastSeen: stranger.lastSeen,
  };
}

/** `stranger:IP:PORT` back to its parts, for strangers known only from stored history. */
export function strangerFromId(id: string, at: number): Contact | undefined {
  if (!isStrangerId(id)) return undefined;
  const match = /^stranger:(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(id);
  if (match === null) return undefined;
  return strangerContact(
    { id, address: match[1] ?? '', port: Number(match[2]), firstSeen: at, lastSeen: at },
    false,
  );
}

/**
 * Peers the node knows (online or remembered), then strangers it has heard this run, then
 * strangers known only from history.
 */
export function contactList(
  node: PacketChatNode,
  conversations: readonly { peerId: string; at: number }[],
): Contact[] {
  const contacts: Contact[] = node.peerList().map((peer) => ({ ...peer, kind: 'peer' }));
  const seen = new Set(contacts.map((c) => c.id));
  for (const stranger of node.strangerList()) {
    contacts.push(strangerContact(stranger, true));
    seen.add(stranger.id);
  }
  for (const { peerId, at } of conversations) {
    if (seen.has(peerId)) continue;
    const contact = strangerFromId(peerId, at);
    if (contact !== undefined) contacts.push(contact);
  }
  return contacts;
}

export function peerContactChange(change: PeerChange): PeerChange & { kind: 'peer' } {
  return { ...change, kind: 'peer' };
}

/** The address peers most likely reach us at: the first non-loopback IPv4, else loopback. */
function primaryAddress(interfaces: readonly InterfaceInfo[]): string {
  return interfaces.find((i) => !i.internal)?.address ?? '127.0.0.1';
}

export function selfInfo(info: NodeInfo, profile: string, appVersion: string): SelfInfo {
  const interfaces = info.interfaces;
  return {
    nodeId: info.nodeId,
    nick: info.nick,
    status: info.status,
    host: info.host,
    address: primaryAddress(interfaces),
    clientPort: info.clientPort,
    serverPort: info.serverPort,
    tcpPort: info.tcpPort,
    interfaces,
    profile,
    appVersion,
    protocolVersion: PROTOCOL_VERSION,
  };
}

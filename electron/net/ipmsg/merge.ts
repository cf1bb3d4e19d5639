// One person, two protocols: a PacketChat copy that also bridges IPMsg is seen twice on the LAN,
// once by the PacketChat node (its node id) and once here (`ipmsg:IP`, version `1_pchat`). The
// backend shows it once: this says which PacketChat peer an IPMsg peer is, when it is one.
import type { PeerInfo } from '../../../shared/domain';
import type { IpmsgPeer } from './types';

/**
 * The PacketChat peer that `ipmsg` is, or undefined. Same IP address, and either our own bridge
 * (`1_pchat`, which sends the same host name) or, for other clients, the same host name and
 * nickname (someone running PacketChat and another IPMsg client side by side is still one person).
 */
export function packetChatTwin(ipmsg: IpmsgPeer, peers: readonly PeerInfo[]): PeerInfo | undefined {
  const sameAddress = peers.filter((p) => p.address === ipmsg.address);
  if (sameAddress.length === 0) return undefined;
  const host = ipmsg.host.toLowerCase();
  const byHost = sameAddress.filter((p) => p.host.toLowerCase() === host);
  if (ipmsg.client === 'pchat') return pick(byHost.length > 0 ? byHost : sameAddress, ipmsg.nick);
  return pick(
    byHost.filter((p) => p.nick === ipmsg.nick),
    ipmsg.nick,
  );
}

/** Several copies on one host: the one with the same nickname, else the one heard from last. */
function pick(candidates: readonly PeerInfo[], nick: string): PeerInfo | undefined {
  const named = candidates.find((p) => p.nick === nick);
  if (named !== undefined) return named;
  return [...candidates].sort((a, b) => b.lastSeen - a.lastSeen)[0];
}

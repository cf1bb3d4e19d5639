// Things worth telling the user once, computed from what the node reports about itself (SelfInfo)
// and its contacts. Both modes use them: the terminal prints a line, --json emits a `notice`.
import type { PeerInfo } from '../../shared/domain';
import type { SelfInfo } from '../../shared/ipc/contract';

/**
 * The loopback network's broadcast address. The net core adds it to the default discovery targets
 * when no interface has a broadcast address (electron/net/interfaces.ts).
 */
export const LOOPBACK_BROADCAST = '127.255.255.255';

/**
 * True when discovery fell back to the loopback broadcast: no --broadcast was given, and the
 * node's targets are the loopback broadcast on its server port (no interface had another).
 */
export function usesLoopbackFallback(self: SelfInfo, broadcastGiven: boolean): boolean {
  return (
    !broadcastGiven &&
    self.discoveryTargets.includes(`${LOOPBACK_BROADCAST}:${String(self.serverPort)}`)
  );
}

/** True when `peer` runs on this machine: it talks from one of our addresses or from loopback. */
export function isOnThisHost(self: SelfInfo, peer: Pick<PeerInfo, 'address'>): boolean {
  return peer.address.startsWith('127.') || self.interfaces.some((i) => i.address === peer.address);
}

/**
 * Tells, once per run, that another copy runs on this host: with SO_REUSEADDR on the shared
 * server port, unicast to it reaches only the copy that bound last, so a netcat user must write to
 * this copy's client port. Returns true the first time it applies.
 */
export function otherCopyNoter(): (self: SelfInfo, peer: PeerInfo) => boolean {
  let told = false;
  return (self, peer) => {
    if (told || !peer.online || !isOnThisHost(self, peer)) return false;
    told = true;
    return true;
  };
}

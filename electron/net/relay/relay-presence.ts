import type { PeerChange } from '../../../shared/domain';
import type { PeerDetails, PeerTable } from '../peer-table';
import type { Relay } from './relay';
import type { RelayRoute } from './route';

export interface RelayPresenceDeps {
  readonly relay: Pick<Relay, 'presenceOf' | 'watch'>;
  readonly peers: PeerTable;
  /** The LAN stays a peer's path while it carried an authenticated packet this recently. */
  readonly lanFreshMs: number;
  hasSession(peerId: string): boolean;
  /** Starts a handshake through the relay, expecting `peerId` to answer. */
  initiate(route: RelayRoute, peerId: string): void;
  applyChanges(changes: readonly PeerChange[]): void;
}

/**
 * Who is online through a relay (docs/RELAY.md, "Contacts and presence"): a watched node's
 * retained presence starts a handshake when it says online, a contact that proved its key while
 * its presence said online stays online while it does, and `offline` takes a relay contact
 * offline at once. Presence is a hint: only a handshake or a sealed packet makes a contact.
 */
export class RelayPresence {
  /** Nodes added by id (the directory, group members): a handshake runs when they are online. */
  private readonly sought = new Set<string>();
  /** Relay contacts that proved their key while their presence said online. */
  private readonly vouched = new Set<string>();

  constructor(private readonly deps: RelayPresenceDeps) {}

  /** Watches these nodes' presence, and reaches them when it says online. */
  seek(nodeIds: readonly string[]): void {
    for (const id of nodeIds) this.sought.add(id);
    this.deps.relay.watch(nodeIds);
  }

  /** An authenticated packet from `id` came through the relay `from`. */
  observed(id: string, from: RelayRoute, now: number, details: PeerDetails | undefined): void {
    if (this.deps.relay.presenceOf(id) === true) this.vouched.add(id);
    const { peers, lanFreshMs } = this.deps;
    this.deps.applyChanges(peers.observeRelay(id, from.broker, now, lanFreshMs, details));
  }

  /** Keeps vouched relay contacts online while their presence says so (the expiry tick). */
  keepAlive(now: number): void {
    for (const id of this.vouched) {
      const peer = this.deps.peers.get(id);
      if (peer?.online !== true || peer.path.kind !== 'relay') continue;
      if (this.deps.relay.presenceOf(id) === true) this.deps.peers.refresh(id, now);
    }
  }

  /** A watched node's retained presence changed on a broker. */
  changed(peerId: string, online: boolean, route: RelayRoute, now: number): void {
    const { peers } = this.deps;
    const known = peers.get(peerId);
    if (!online) {
      this.vouched.delete(peerId);
      if (known?.online === true && known.path.kind === 'relay')
        this.deps.applyChanges(peers.markOffline(peerId));
      return;
    }
    if (known === undefined && !this.sought.has(peerId)) return;
    if (known?.online === true && known.path.kind === 'lan') return; // the LAN has it
    if (known !== undefined && this.deps.hasSession(peerId)) {
      // The key is proven and the broker says it is connected: online again through the relay.
      this.observed(peerId, route, now, undefined);
      return;
    }
    this.deps.initiate(route, peerId);
  }
}

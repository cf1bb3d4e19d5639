import type { Endpoint } from '../../shared/address';
import type { PeerInfo } from '../../shared/domain';
import type { Packet } from '../../shared/protocol/packets';

/**
 * How text reaches an authenticated peer: every packet sealed in the peer's session. The node
 * implements it over its SecureChannel, Wire and Relay, and picks the path (the LAN, else a relay
 * broker); the text sender and receiver see only this.
 */
export interface PeerLink {
  tcpEnabled(): boolean;
  /**
   * Seals `packet` for `peerId` and sends it as one datagram to `to`. False when there is no
   * session yet: a handshake starts, and the retransmission timer sends again.
   */
  send(peerId: string, to: Endpoint, packet: Packet): boolean;
  /**
   * Seals and sends over TCP to `to` (the peer's TCP port), or as one record through the relay
   * when that is the peer's path. Rejects when that fails.
   */
  sendTcp(peerId: string, to: Endpoint, packet: Packet): Promise<void>;
  /**
   * Transmissions to the peer went unanswered: when a relay reaches it, the peer's path turns to
   * the relay (docs/RELAY.md, "Path choice"), and later sends go that way.
   */
  unanswered(peerId: string): void;
  /** True when the peer's path is a relay: its messages say transport `relay`. */
  viaRelay(peerId: string): boolean;
  /** How the peer is reached now, as messages record it (`IP:port` or `relay broker`). */
  remoteOf(peer: PeerInfo): string;
}

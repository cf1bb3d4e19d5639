import type { Endpoint } from '../../shared/address';
import type { Packet } from '../../shared/protocol/packets';

/**
 * How text reaches an authenticated peer: every packet sealed in the peer's session. The node
 * implements it over its SecureChannel and Wire; the text sender and receiver see only this.
 */
export interface PeerLink {
  tcpEnabled(): boolean;
  /**
   * Seals `packet` for `peerId` and sends it as one datagram to `to`. False when there is no
   * session yet: a handshake starts, and the retransmission timer sends again.
   */
  send(peerId: string, to: Endpoint, packet: Packet): boolean;
  /** Seals and sends over TCP to `to` (the peer's TCP port). Rejects when that fails. */
  sendTcp(peerId: string, to: Endpoint, packet: Packet): Promise<void>;
}

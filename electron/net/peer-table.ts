import type { PeerChange, PeerInfo, PeerStatus } from '../../shared/domain';
import type { Endpoint } from '../../shared/address';

/** What an announce (or announce reply) tells about its sender. */
export interface PeerDetails {
  readonly nick: string;
  readonly host: string;
  readonly tcpPort: number | null;
  readonly status: PeerStatus;
  /** From a handshake: the key the peer proved. */
  readonly publicKey?: string;
  readonly statusText?: string | undefined;
  readonly avatarHue?: number | undefined;
}

/** The optional details as a peer has them: absent when its hello did not carry them. */
function extras(details: PeerDetails): Pick<PeerInfo, 'statusText' | 'avatarHue'> {
  return {
    ...(details.statusText ? { statusText: details.statusText } : {}),
    ...(details.avatarHue === undefined ? {} : { avatarHue: details.avatarHue }),
  };
}

/**
 * The peers this node knows, keyed by node id. Pure: every method takes the current time and
 * returns the changes it made, so expiry and address changes are tested with plain numbers.
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerInfo>();

  constructor(private readonly maxPeers: number) {}

  get(id: string): PeerInfo | undefined {
    return this.peers.get(id);
  }

  list(): PeerInfo[] {
    return [...this.peers.values()];
  }

  get size(): number {
    return this.peers.size;
  }

  /** The peer at this IP:port (or at this IP, when `port` is undefined): online first, then latest. */
  findByEndpoint(endpoint: { address: string; port?: number | undefined }): PeerInfo | undefined {
    let best: PeerInfo | undefined;
    for (const peer of this.peers.values()) {
      if (peer.address !== endpoint.address) continue;
      if (endpoint.port !== undefined && peer.port !== endpoint.port) continue;
      if (best === undefined || rank(peer) > rank(best)) best = peer;
    }
    return best;
  }

  /**
   * Records that `id` was heard from `from` at `now`. `details` comes with a handshake or a
   * hello; other packets only refresh presence and address. Returns the changes, in the order they happened.
   */
  observe(id: string, from: Endpoint, now: number, details?: PeerDetails): PeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined) {
      if (!this.makeRoom()) return [];
      const peer: PeerInfo = {
        id,
        nick: details?.nick ?? `peer-${id.slice(0, 6)}`,
        host: details?.host ?? '',
        address: from.address,
        port: from.port,
        tcpPort: details?.tcpPort ?? null,
        status: details?.status ?? 'online',
        ...(details === undefined ? {} : extras(details)),
        online: true,
        firstSeen: now,
        lastSeen: now,
        ...(details?.publicKey === undefined ? {} : { publicKey: details.publicKey }),
      };
      this.peers.set(id, peer);
      return [{ change: 'added', peer }];
    }
    const changes: PeerChange[] = [];
    const moved = known.address !== from.address || known.port !== from.port;
    const detailsChanged =
      details !== undefined &&
      (details.nick !== known.nick ||
        details.host !== known.host ||
        details.tcpPort !== known.tcpPort ||
        details.status !== known.status ||
        (details.statusText ?? '') !== (known.statusText ?? '') ||
        details.avatarHue !== known.avatarHue);
    const { statusText: _text, avatarHue: _hue, ...base } = known;
    const peer: PeerInfo = {
      ...(details === undefined ? known : base),
      ...(details === undefined
        ? {}
        : {
            nick: details.nick,
            host: details.host,
            tcpPort: details.tcpPort,
            status: details.status,
            ...extras(details),
            ...(details.publicKey === undefined ? {} : { publicKey: details.publicKey }),
          }),
      address: from.address,
      port: from.port,
      online: true,
      lastSeen: Math.max(known.lastSeen, now),
    };
    this.peers.set(id, peer);
    if (moved) {
      changes.push({
        change: 'moved',
        peer,
        previous: { address: known.address, port: known.port },
      });
    }
    if (!known.online) changes.push({ change: 'online', peer });
    if (detailsChanged) changes.push({ change: 'updated', peer });
    return changes;
  }

  /** Loads peers seen in earlier runs, as offline, without reporting them as changes. */
  restore(peers: readonly PeerInfo[]): void {
    for (const peer of peers) {
      if (!this.peers.has(peer.id) && this.peers.size < this.maxPeers) {
        this.peers.set(peer.id, { ...peer, online: false });
      }
    }
  }

  /** Marks a peer offline at once (it said bye). */
  markOffline(id: string): PeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined || !known.online) return [];
    const peer = { ...known, online: false };
    this.peers.set(id, peer);
    return [{ change: 'offline', peer }];
  }

  /** Marks offline every online peer not heard from for `timeoutMs` or more. */
  expire(now: number, timeoutMs: number): PeerChange[] {
    const changes: PeerChange[] = [];
    for (const known of this.peers.values()) {
      if (known.online && now - known.lastSeen >= timeoutMs) {
        changes.push(...this.markOffline(known.id));
      }
    }
    return changes;
  }

  /** The table is bounded: a flood of made-up ids evicts the longest-silent offline peer. */
  private makeRoom(): boolean {
    if (this.peers.size < this.maxPeers) return true;
    let victim: PeerInfo | undefined;
    for (const peer of this.peers.values()) {
      if (!peer.online && (victim === undefined || peer.lastSeen < victim.lastSeen)) victim = peer;
    }
    if (victim === undefined) return false;
    this.peers.delete(victim.id);
    return true;
  }
}

/** Online peers beat offline ones; among equals, the one heard from last. */
function rank(peer: PeerInfo): number {
  return (peer.online ? 1e15 : 0) + peer.lastSeen;
}

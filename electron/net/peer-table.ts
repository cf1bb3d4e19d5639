import type { PeerChange, PeerInfo, PeerPath, PeerStatus } from '../../shared/domain';
import type { Endpoint } from '../../shared/address';

/** What an announce (or announce reply) tells about its sender. */
export interface PeerDetails {
  readonly nick: string;
  readonly host: string;
  readonly tcpPort: number | null;
  readonly status: PeerStatus;
  /** From a handshake: the key the peer proved. */
  readonly publicKey?: string;
  /** From a handshake: the Ed25519 key it signs group messages with (pinned: never replaced). */
  readonly signingKey?: string;
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

/** The signing key is pinned at the first handshake that told it: a later one never replaces it. */
function pinnedSigningKey(
  known: PeerInfo,
  details: PeerDetails | undefined,
): Pick<PeerInfo, 'signingKey'> {
  const key = known.signingKey ?? details?.signingKey;
  return key === undefined ? {} : { signingKey: key };
}

/** `known` with the details of a handshake or hello; status text and avatar go when they are left out. */
function withDetails(known: PeerInfo, details: PeerDetails | undefined): PeerInfo {
  if (details === undefined) return known;
  const { statusText: _text, avatarHue: _hue, ...base } = known;
  return {
    ...base,
    nick: details.nick,
    host: details.host,
    tcpPort: details.tcpPort,
    status: details.status,
    ...extras(details),
    ...(details.publicKey === undefined ? {} : { publicKey: details.publicKey }),
    ...pinnedSigningKey(known, details),
  };
}

/**
 * The peers this node knows, keyed by node id. Pure: every method takes the current time and
 * returns the changes it made, so expiry and address changes are tested with plain numbers.
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerInfo>();
  /** When each peer last sent an authenticated packet over the LAN (UDP or TCP). */
  private readonly lanSeen = new Map<string, number>();

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
   * Records an authenticated packet from `id` that came over TCP from `address`. A TCP source port
   * is ephemeral and says nothing of the peer's UDP port: that comes from `udpPort` (a hello's or
   * a handshake's) or is the one already known. A peer known only through a relay has none yet:
   * it keeps the relay path (no "LAN a.b.c.d:0") until a hello or a datagram tells the port.
   */
  observeTcp(
    id: string,
    address: string,
    now: number,
    details?: PeerDetails,
    udpPort?: number,
  ): PeerChange[] {
    const known = this.peers.get(id);
    const port = udpPort ?? (known !== undefined && known.port > 0 ? known.port : undefined);
    return port === undefined ? [] : this.observe(id, { address, port }, now, details);
  }

  /**
   * Records that `id` was heard from `from` at `now`. `details` comes with a handshake or a
   * hello; other packets only refresh presence and address. Returns the changes, in the order they happened.
   */
  observe(id: string, from: Endpoint, now: number, details?: PeerDetails): PeerChange[] {
    const known = this.peers.get(id);
    const path: PeerPath = { kind: 'lan', address: from.address, port: from.port };
    this.lanSeen.set(id, now);
    if (known === undefined) {
      if (!this.makeRoom()) return [];
      return this.add(id, { address: from.address, port: from.port }, path, now, details);
    }
    // A peer first met through a relay has no LAN address yet: finding one is no move.
    const moved =
      known.address !== '' && (known.address !== from.address || known.port !== from.port);
    const peer: PeerInfo = {
      ...withDetails(known, details),
      address: from.address,
      port: from.port,
      path,
      online: true,
      lastSeen: Math.max(known.lastSeen, now),
    };
    this.peers.set(id, peer);
    const changes: PeerChange[] = [];
    if (moved) {
      changes.push({
        change: 'moved',
        peer,
        previous: { address: known.address, port: known.port },
      });
    }
    if (known.path.kind === 'relay' && known.online)
      changes.push({ change: 'path', peer, previousPath: known.path });
    return [...changes, ...this.statusChanges(known, peer, details)];
  }

  /** A peer met for the first time: online from `now`, named by `details` where they came. */
  private add(
    id: string,
    at: Endpoint,
    path: PeerPath,
    now: number,
    details: PeerDetails | undefined,
  ): PeerChange[] {
    const peer: PeerInfo = {
      id,
      nick: details?.nick ?? `peer-${id.slice(0, 6)}`,
      host: details?.host ?? '',
      address: at.address,
      port: at.port,
      path,
      tcpPort: details?.tcpPort ?? null,
      status: details?.status ?? 'online',
      ...(details === undefined ? {} : extras(details)),
      online: true,
      firstSeen: now,
      lastSeen: now,
      ...(details?.publicKey === undefined ? {} : { publicKey: details.publicKey }),
      ...(details?.signingKey === undefined ? {} : { signingKey: details.signingKey }),
    };
    this.peers.set(id, peer);
    return [{ change: 'added', peer }];
  }

  /**
   * Records an authenticated packet from `id` through the relay `broker` at `now`. The peer's LAN
   * address stays as it was. The path turns to the relay unless the LAN is in use and was heard
   * within `lanFreshMs` (the LAN is preferred; useRelay() switches when it stops answering).
   */
  observeRelay(
    id: string,
    broker: string,
    now: number,
    lanFreshMs: number,
    details?: PeerDetails,
  ): PeerChange[] {
    const known = this.peers.get(id);
    const path: PeerPath = { kind: 'relay', broker };
    if (known === undefined) {
      if (!this.makeRoom()) return [];
      return this.add(id, { address: '', port: 0 }, path, now, details);
    }
    const lanAt = this.lanSeen.get(id);
    const keepLan =
      known.online && known.path.kind === 'lan' && lanAt !== undefined && now - lanAt < lanFreshMs;
    const peer: PeerInfo = {
      ...withDetails(known, details),
      path: keepLan ? known.path : path,
      online: true,
      lastSeen: Math.max(known.lastSeen, now),
    };
    this.peers.set(id, peer);
    const switched = !samePath(known.path, peer.path) && known.online;
    const changes: PeerChange[] = switched
      ? [{ change: 'path', peer, previousPath: known.path }]
      : [];
    return [...changes, ...this.statusChanges(known, peer, details)];
  }

  /** The LAN stopped answering: the peer is reached through `broker` from now on. */
  useRelay(id: string, broker: string): PeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined || known.path.kind === 'relay') return [];
    const peer: PeerInfo = { ...known, path: { kind: 'relay', broker } };
    this.peers.set(id, peer);
    return [{ change: 'path', peer, previousPath: known.path }];
  }

  private statusChanges(
    known: PeerInfo,
    peer: PeerInfo,
    details: PeerDetails | undefined,
  ): PeerChange[] {
    const detailsChanged =
      details !== undefined &&
      (details.nick !== known.nick ||
        details.host !== known.host ||
        details.tcpPort !== known.tcpPort ||
        details.status !== known.status ||
        (details.statusText ?? '') !== (known.statusText ?? '') ||
        details.avatarHue !== known.avatarHue);
    const changes: PeerChange[] = [];
    if (!known.online) changes.push({ change: 'online', peer });
    if (detailsChanged) changes.push({ change: 'updated', peer });
    return changes;
  }

  /** The peer is still there (a relay presence vouches for it): only `lastSeen` moves. */
  refresh(id: string, now: number): void {
    const known = this.peers.get(id);
    if (known !== undefined)
      this.peers.set(id, { ...known, lastSeen: Math.max(known.lastSeen, now) });
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
    this.lanSeen.delete(victim.id);
    return true;
  }
}

function samePath(a: PeerPath, b: PeerPath): boolean {
  if (a.kind === 'lan' && b.kind === 'lan') return a.address === b.address && a.port === b.port;
  if (a.kind === 'relay' && b.kind === 'relay') return a.broker === b.broker;
  return false;
}

/** Online peers beat offline ones; among equals, the one heard from last. */
function rank(peer: PeerInfo): number {
  return (peer.online ? 1e15 : 0) + peer.lastSeen;
}

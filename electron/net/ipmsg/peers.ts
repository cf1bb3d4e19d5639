// IPMsg peers by IP (`ipmsg:IP`). Pure: methods take the time and return the changes they made,
// like electron/net/peer-table.ts. IPMsg has no keep-alive: a peer is online from its entry (or
// any packet) until its BR_EXIT, or until it misses the answer to our refresh (refresh-check.ts).
import type { Announce } from './announce';
import { badgeOf, clientOf } from './announce';
import { IPMSG_PORT } from './constants';
import { ipmsgPeerId } from '../../../shared/ipmsg-id';
import type { IpmsgEncoding } from './text-encoding';
import type { IpmsgClient, IpmsgPeer, IpmsgPeerChange } from './types';

export class IpmsgPeerTable {
  private readonly peers = new Map<string, IpmsgPeer>();

  constructor(
    private readonly maxPeers: number,
    /** The encoding assumed for a peer that has not written non-ASCII text yet. */
    private readonly defaultEncoding: (client: IpmsgClient, utf8Capable: boolean) => IpmsgEncoding,
  ) {}

  get(id: string): IpmsgPeer | undefined {
    return this.peers.get(id);
  }

  byAddress(address: string): IpmsgPeer | undefined {
    return this.peers.get(ipmsgPeerId(address));
  }

  list(): IpmsgPeer[] {
    return [...this.peers.values()];
  }

  get size(): number {
    return this.peers.size;
  }

  /** Any packet from `address:port` at `now`; an announce also brings names and state. */
  observe(address: string, port: number, now: number, announce?: Announce): IpmsgPeerChange[] {
    const id = ipmsgPeerId(address);
    const known = this.peers.get(id);
    if (known === undefined) {
      if (!this.makeRoom()) return [];
      const peer = this.fresh(address, port, now, announce);
      this.peers.set(id, peer);
      return [{ change: 'added', peer }];
    }
    const peer = this.merge(known, port, now, announce);
    this.peers.set(id, peer);
    const changes: IpmsgPeerChange[] = [];
    if (known.port !== port) {
      changes.push({ change: 'moved', peer, previous: { address, port: known.port } });
    }
    if (!known.online) changes.push({ change: 'online', peer });
    if (announce !== undefined && detailsChanged(known, peer))
      changes.push({ change: 'updated', peer });
    return changes;
  }

  /** The peer turned out to speak `encoding` (or marked UTF-8 with UTF8OPT). */
  learnEncoding(id: string, encoding: IpmsgEncoding, utf8Flag: boolean): IpmsgPeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined) return [];
    const utf8Capable = known.utf8Capable || utf8Flag;
    if (known.encodingLearned && known.encoding === encoding && known.utf8Capable === utf8Capable)
      return [];
    const peer = { ...known, encoding, encodingLearned: true, utf8Capable };
    this.peers.set(id, peer);
    return [{ change: 'updated', peer }];
  }

  /** Pins a peer's encoding by hand (a user who knows better than the guess). */
  setEncoding(id: string, encoding: IpmsgEncoding): IpmsgPeerChange[] {
    return this.learnEncoding(id, encoding, false);
  }

  setInfo(id: string, info: { info?: string; absence?: string }): IpmsgPeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined) return [];
    const peer = { ...known, ...info };
    this.peers.set(id, peer);
    return [{ change: 'updated', peer }];
  }

  markOffline(id: string): IpmsgPeerChange[] {
    const known = this.peers.get(id);
    if (known === undefined || !known.online) return [];
    const peer = { ...known, online: false };
    this.peers.set(id, peer);
    return [{ change: 'offline', peer }];
  }

  /** Peers from earlier runs, offline, not reported as changes. */
  restore(peers: readonly IpmsgPeer[]): void {
    for (const peer of peers) {
      if (!this.peers.has(peer.id) && this.peers.size < this.maxPeers) {
        this.peers.set(peer.id, { ...peer, online: false });
      }
    }
  }

  private fresh(address: string, port: number, now: number, announce?: Announce): IpmsgPeer {
    const version = announce?.version ?? '1';
    const client = clientOf(version);
    const utf8Capable = announce?.utf8Capable ?? false;
    return {
      id: ipmsgPeerId(address),
      nick: announce?.nick ?? address,
      host: announce?.host ?? '',
      address,
      port: port === 0 ? IPMSG_PORT : port,
      path: { kind: 'lan', address, port: port === 0 ? IPMSG_PORT : port },
      tcpPort: null,
      status: announce?.status ?? 'online',
      online: true,
      firstSeen: now,
      lastSeen: now,
      protocol: 'ipmsg',
      badge: badgeOf(client),
      client,
      encrypted: false,
      version,
      user: announce?.user ?? '',
      group: announce?.group ?? '',
      encoding: this.defaultEncoding(client, utf8Capable),
      encodingLearned: false,
      utf8Capable,
      fileAttach: announce?.fileAttach ?? false,
      ...(announce?.absence === undefined ? {} : { absence: announce.absence }),
    };
  }

  private merge(known: IpmsgPeer, port: number, now: number, announce?: Announce): IpmsgPeer {
    const base = {
      ...known,
      port,
      path: { kind: 'lan' as const, address: known.address, port },
      online: true,
      lastSeen: Math.max(known.lastSeen, now),
    };
    if (announce === undefined) return base;
    const client = clientOf(announce.version);
    const utf8Capable = known.utf8Capable || announce.utf8Capable;
    const { absence: _previous, ...rest } = base;
    return {
      ...rest,
      nick: announce.nick,
      host: announce.host,
      user: announce.user,
      group: announce.group,
      status: announce.status,
      version: announce.version,
      client,
      badge: badgeOf(client),
      utf8Capable,
      fileAttach: announce.fileAttach,
      encoding: known.encodingLearned ? known.encoding : this.defaultEncoding(client, utf8Capable),
      ...(announce.absence === undefined ? {} : { absence: announce.absence }),
    };
  }

  /** Bounded: a flood of made-up addresses evicts the longest-silent offline peer. */
  private makeRoom(): boolean {
    if (this.peers.size < this.maxPeers) return true;
    let victim: IpmsgPeer | undefined;
    for (const peer of this.peers.values()) {
      if (!peer.online && (victim === undefined || peer.lastSeen < victim.lastSeen)) victim = peer;
    }
    if (victim === undefined) return false;
    this.peers.delete(victim.id);
    return true;
  }
}

function detailsChanged(a: IpmsgPeer, b: IpmsgPeer): boolean {
  return (
    a.nick !== b.nick ||
    a.host !== b.host ||
    a.user !== b.user ||
    a.group !== b.group ||
    a.status !== b.status ||
    a.version !== b.version ||
    a.absence !== b.absence
  );
}

import type { Contact, PeerInfo, TrustState } from '../../shared/domain';
import { IpcFailure, type EventSink } from '../../shared/ipc/contract';
import type { PacketChatNode, PeerSession } from '../net/index';
import type { Store } from '../store/store';
import type { PeerTrust } from '../store/trust-store';

/**
 * Trust on first use, verification and key changes (docs/PROTOCOL.md, "Trust"). A node id is
 * derived from its key, so a contact's key cannot change under the same id: a key change is a
 * new id that claims to be a known contact, by naming its old id as an alias or by coming with
 * its nickname and host while it is away. Messages to that contact are then held until the user
 * accepts the new key, which merges the two.
 */
/** Keys whose fingerprints are kept (more than a profile's contacts ever are). */
const FINGERPRINT_CACHE = 16_384;

export class Trust {
  constructor(
    private readonly store: Store,
    private readonly node: PacketChatNode,
    private readonly emit: EventSink,
  ) {}

  /** After a restart: contacts with a key change still waiting keep their messages held. */
  restore(): void {
    for (const peer of this.store.listPeers()) {
      if (this.store.trust.get(peer.id)?.keyChangedTo !== undefined) this.node.holdPeer(peer.id);
    }
  }

  onSession(session: PeerSession): void {
    const before = this.store.trust.get(session.peerId);
    this.store.trust.pin(session.peerId, session.publicKey);
    // A contact that is online proves its own key right now: nobody else can be it.
    const online = new Set(
      this.node
        .peerList()
        .filter((p) => p.online)
        .map((p) => p.id),
    );
    for (const alias of session.aliases) if (!online.has(alias)) this.onAlias(alias, session);
    if (before?.publicKey === undefined || this.firstSeenNow(session.peerId)) {
      // First time this key is seen: is it a known contact, away, under a new key?
      for (const known of this.store.trust.findPinned(session.nick, session.host)) {
        if (
          known.id !== session.peerId &&
          !online.has(known.id) &&
          known.keyChangedTo === undefined
        )
          this.keyChanged(known, session);
      }
    }
  }

  /**
   * Whether this handshake is the first time the peer was ever seen. The node stores a peer, key
   * included, before it reports the session, so the pin alone cannot tell: a row that this
   * handshake created was first seen when it was last seen.
   */
  private firstSeenNow(peerId: string): boolean {
    const stored = this.store.listPeers().find((p) => p.id === peerId);
    return stored !== undefined && stored.firstSeen === stored.lastSeen;
  }

  private onAlias(alias: string, session: PeerSession): void {
    const old = this.store.trust.get(alias);
    if (old === undefined || old.aliasOf !== undefined || alias === session.peerId) return;
    if (old.publicKey === undefined) {
      // A contact from protocol v1 had no key to pin: its new key is trusted on first use.
      this.store.trust.merge(alias, session.peerId);
      this.emit('notice', {
        level: 'info',
        code: 'contact-upgraded',
        message: `${old.nick} now uses an encrypted connection; the conversation continues.`,
      });
      return;
    }
    this.keyChanged(old, session);
  }

  private keyChanged(old: PeerTrust, session: PeerSession): void {
    this.store.trust.markKeyChanged(old.id, session.peerId);
    this.node.holdPeer(old.id);
    this.emit('key-changed', {
      peer: old.id,
      previous: old.publicKey === undefined ? '' : (this.node.fingerprintOf(old.publicKey) ?? ''),
      fingerprint: session.fingerprint,
      to: session.peerId,
    });
  }

  /** The user accepts the new key: the conversation moves to it and held messages go out. */
  accept(peerId: string): { peerId: string } {
    const to = this.store.trust.get(peerId)?.keyChangedTo;
    if (to === undefined) throw new IpcFailure('not-found', `no key change for ${peerId}`);
    // Held messages first go into the new key's stream, then the history follows them.
    this.node.releasePeer(peerId, to);
    this.store.trust.merge(peerId, to);
    return { peerId: to };
  }

  verify(peerId: string, verified: boolean): void {
    if (this.store.trust.get(peerId)?.publicKey === undefined)
      throw new IpcFailure('not-found', `no key known for ${peerId}`);
    this.store.trust.setVerified(peerId, verified);
  }

  safetyNumber(peerId: string): { digits: string; qr: string; fingerprint: string; mine: string } {
    const key = this.store.trust.get(peerId)?.publicKey;
    if (key === undefined) throw new IpcFailure('not-found', `no key known for ${peerId}`);
    return {
      ...this.node.safetyNumber(peerId, key),
      fingerprint: this.node.fingerprintOf(key) ?? '',
      mine: this.node.fingerprint,
    };
  }

  /** Fingerprints by key: a hash each, asked for every contact each time the list is read. */
  private readonly fingerprints = new Map<string, string | undefined>();

  private fingerprintOf(key: string): string | undefined {
    if (this.fingerprints.has(key)) return this.fingerprints.get(key);
    if (this.fingerprints.size >= FINGERPRINT_CACHE) this.fingerprints.clear();
    const fingerprint = this.node.fingerprintOf(key);
    this.fingerprints.set(key, fingerprint);
    return fingerprint;
  }

  /** A peer as a contact, with what is known of its key; undefined once merged into another. */
  contact(peer: PeerInfo): Contact | undefined {
    return this.contactFrom(peer, (id) => this.store.trust.get(id), true);
  }

  /**
   * A function making contacts of many peers from every trust record, read once up front with
   * the peers (`store.peersAndTrust()`): one query for a list of thousands, not one per peer.
   * `fingerprints: false` leaves out each contact's fingerprint (a hash of its key), for a list
   * that does not show it (`contacts:listCompact`); a key change's fingerprint stays.
   */
  contacts(
    all: ReadonlyMap<string, PeerTrust>,
    fingerprints: boolean,
  ): (peer: PeerInfo) => Contact | undefined {
    return (peer) => this.contactFrom(peer, (id) => all.get(id), fingerprints);
  }

  private contactFrom(
    peer: PeerInfo,
    trustOf: (id: string) => PeerTrust | undefined,
    withFingerprint: boolean,
  ): Contact | undefined {
    const trust = trustOf(peer.id);
    if (trust?.aliasOf !== undefined) return undefined;
    const key = withFingerprint ? (trust?.publicKey ?? peer.publicKey) : undefined;
    const fingerprint = key === undefined ? undefined : this.fingerprintOf(key);
    const to = trust?.keyChangedTo;
    const newKey = to === undefined ? undefined : trustOf(to)?.publicKey;
    return {
      ...peer,
      kind: 'peer',
      protocol: 'pchat',
      trust: stateOf(trust),
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(to === undefined
        ? {}
        : {
            keyChange: {
              to,
              fingerprint: newKey === undefined ? '' : (this.fingerprintOf(newKey) ?? ''),
            },
          }),
    };
  }
}

function stateOf(trust: PeerTrust | undefined): TrustState {
  if (trust?.keyChangedTo !== undefined) return 'key-changed';
  if (trust?.verified === true) return 'verified';
  return 'encrypted';
}

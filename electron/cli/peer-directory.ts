// The terminal chat's view of its contacts, and how a typed reference finds one: a number from
// /peers, a node id, IP:PORT or IP, or a nickname (any case, or its first letters when only one
// peer's name starts with them).
import type { Contact } from '../../shared/domain';
import { lookAlikeTags } from '../../shared/names';

export type Lookup =
  | { readonly kind: 'contact'; readonly contact: Contact }
  /** An IP:PORT that is no peer: plain UDP text to whatever listens there. */
  | { readonly kind: 'stranger'; readonly to: string }
  | { readonly kind: 'ambiguous'; readonly matches: readonly Contact[] }
  | { readonly kind: 'none' };

const IP_PORT = /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/;

export class PeerDirectory {
  private readonly contacts = new Map<string, Contact>();
  private selfNick: string | undefined;
  /** Look-alike names and their short fingerprints; worked out again after any change. */
  private tags: ReadonlyMap<string, string> | undefined;

  /** Stores a contact; returns what was known of it before. */
  set(contact: Contact): Contact | undefined {
    const before = this.contacts.get(contact.id);
    this.contacts.set(contact.id, contact);
    this.tags = undefined;
    return before;
  }

  /** Forgets a contact (an IPMsg peer that turned out to be a PacketChat peer). */
  remove(id: string): void {
    if (this.contacts.delete(id)) this.tags = undefined;
  }

  /** Adds a contact only when this run knows nothing newer of it (the start-up list). */
  addKnown(contact: Contact): void {
    if (this.contacts.has(contact.id)) return;
    this.contacts.set(contact.id, contact);
    this.tags = undefined;
  }

  /** The user's own nick: a contact whose name looks like it is tagged too. */
  setSelfNick(nick: string): void {
    this.selfNick = nick;
    this.tags = undefined;
  }

  /** The short fingerprint to show beside this contact's name, when it looks like another. */
  tag(id: string): string | undefined {
    this.tags ??= lookAlikeTags(this.contacts.values(), this.selfNick);
    return this.tags.get(id);
  }

  get(id: string): Contact | undefined {
    return this.contacts.get(id);
  }

  /** PacketChat peers in the order /peers numbers them: first seen first. */
  peers(): Contact[] {
    return [...this.contacts.values()]
      .filter((c) => c.kind === 'peer')
      .sort((a, b) => a.firstSeen - b.firstSeen || a.id.localeCompare(b.id));
  }

  hasOnlinePeer(): boolean {
    return this.peers().some((p) => p.online);
  }

  find(ref: string): Lookup {
    const peers = this.peers();
    const byNumber = /^\d+$/.test(ref) ? peers[Number(ref) - 1] : undefined;
    const exact =
      byNumber ??
      this.contacts.get(ref) ??
      peers.find((p) => `${p.address}:${String(p.port)}` === ref || p.address === ref);
    if (exact !== undefined) return { kind: 'contact', contact: exact };
    const byName = matchName(peers, ref);
    if (byName !== undefined) return byName;
    if (IP_PORT.test(ref)) return { kind: 'stranger', to: ref };
    return { kind: 'none' };
  }
}

function matchName(peers: readonly Contact[], ref: string): Lookup | undefined {
  const candidates = namedBy(peers, ref, (p) => p.nick);
  const [only] = candidates;
  if (only === undefined) return undefined;
  return candidates.length === 1
    ? { kind: 'contact', contact: only }
    : { kind: 'ambiguous', matches: candidates };
}

/**
 * What a typed name picks: the items with that name in any case, else those whose name starts
 * with it (several: the caller lists them as ambiguous). Peers and groups are found alike.
 */
export function namedBy<T>(items: readonly T[], ref: string, name: (item: T) => string): T[] {
  const wanted = ref.toLowerCase();
  if (wanted === '') return [];
  const same = items.filter((item) => name(item).toLowerCase() === wanted);
  return same.length > 0
    ? same
    : items.filter((item) => name(item).toLowerCase().startsWith(wanted));
}

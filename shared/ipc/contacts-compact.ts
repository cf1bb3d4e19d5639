// The contact list in the shape the renderer loads it (`contacts:listCompact`): one array per
// contact with the fields every contact has, in a fixed order, instead of an object that repeats
// fifteen key names 5,000 times. The answer is about a third of `contacts:list`'s bytes, which
// main serialises, IPC copies and the page parses before the first screen shows the list
// (docs/BENCHMARKS.md, "Sixth pass: 5,000 contacts"). Plain data, no zod: the first screen
// imports this file. `contacts:list` (the CLI, the tray) keeps the plain objects.
import type { Contact } from '../domain';

/**
 * What a contact has besides the fixed columns, only where it differs from the usual: `path` when
 * it is not the LAN address and port of the row; `kind`, `trust` and `protocol` (absent when
 * absent) unless they are `peer`, `encrypted` and `pchat`; and the optional fields it has.
 */
export type CompactExtra = Partial<
  Omit<Contact, 'publicKey' | 'signingKey' | 'fingerprint' | CompactColumn>
>;

type CompactColumn =
  | 'id'
  | 'nick'
  | 'host'
  | 'address'
  | 'port'
  | 'tcpPort'
  | 'status'
  | 'online'
  | 'firstSeen'
  | 'lastSeen';

/** The columns every contact has, in this order. */
type CompactColumns = readonly [
  id: string,
  nick: string,
  host: string,
  address: string,
  port: number,
  tcpPort: number | null,
  status: Contact['status'],
  online: 0 | 1,
  firstSeen: number,
  lastSeen: number,
];

/** One contact: its columns, then what else it has when anything (`CompactExtra`). */
export type CompactContact = CompactColumns | readonly [...CompactColumns, extra: CompactExtra];

export interface CompactContacts {
  /** The shape's version: a renderer that meets another one shows the list's error state. */
  readonly v: 1;
  readonly rows: readonly CompactContact[];
}

/**
 * The contacts as `contacts:listCompact` answers them. The peers' public and signing keys and
 * their fingerprints are left out: the renderer never shows them (a name's short tag is the start
 * of the node id; the verify dialog asks for the fingerprints with the safety number). With
 * 5,000 peers the fingerprints alone were 490 kB of a 1.1 MB answer. A key change's fingerprint,
 * which the banner shows, stays.
 */
export function compactContacts(contacts: readonly Contact[]): CompactContacts {
  return { v: 1, rows: contacts.map(compactContact) };
}

function compactContact(contact: Contact): CompactContact {
  const {
    id,
    nick,
    host,
    address,
    port,
    tcpPort,
    status,
    online,
    firstSeen,
    lastSeen,
    path,
    kind,
    trust,
    protocol,
    publicKey: _publicKey,
    signingKey: _signingKey,
    fingerprint: _fingerprint,
    ...rest
  } = contact;
  const extra: { -readonly [K in keyof CompactExtra]: CompactExtra[K] } = rest;
  if (path.kind !== 'lan' || path.address !== address || path.port !== port) extra.path = path;
  if (kind !== 'peer' || trust !== 'encrypted' || protocol !== 'pchat') {
    extra.kind = kind;
    extra.trust = trust;
    if (protocol !== undefined) extra.protocol = protocol;
  }
  const columns = [
    id,
    nick,
    host,
    address,
    port,
    tcpPort,
    status,
    online ? 1 : 0,
    firstSeen,
    lastSeen,
  ] as const;
  return Object.keys(extra).length === 0 ? columns : [...columns, extra];
}

/**
 * The contacts again, as `contacts:list` has them (without the keys and fingerprints); throws on
 * another version.
 */
export function expandContacts(compact: CompactContacts): Contact[] {
  // Typed as 1, but a renderer and a main of different builds could meet.
  const version: unknown = compact.v;
  if (version !== 1) throw new Error(`unknown contact list shape ${String(version)}`);
  return compact.rows.map(expandContact);
}

function expandContact(row: CompactContact): Contact {
  const [id, nick, host, address, port, tcpPort, status, online, firstSeen, lastSeen, extra] = row;
  const base = {
    id,
    nick,
    host,
    address,
    port,
    path: { kind: 'lan', address, port },
    tcpPort,
    status,
    online: online === 1,
    firstSeen,
    lastSeen,
    kind: 'peer',
    trust: 'encrypted',
    protocol: 'pchat',
  } as const;
  if (extra === undefined) return base;
  if (extra.kind === undefined) return { ...base, ...extra };
  // kind, trust and protocol are all in `extra`, or absent there because the contact has none.
  const { protocol: _protocol, ...withoutProtocol } = base;
  return { ...withoutProtocol, ...extra, kind: extra.kind, trust: extra.trust ?? base.trust };
}

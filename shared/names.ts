// Names that cannot impersonate. The codec already strips invisible characters from nicks
// (shared/protocol/packets.ts); what is left can still look like another name: Cyrillic "а" for
// Latin "a", "rn" for "m", "ALICE" for "alice", or the user's own nick. Two contacts whose names
// look the same are told apart by a short fingerprint beside the name, as Element does for
// Matrix display names (the same data: unhomoglyph's table of Unicode's confusables.txt).
import confusables from 'unhomoglyph/data.json';

/** Hex digits of the key's fingerprint shown beside a look-alike name (= the node id's first). */
export const SHORT_FINGERPRINT_HEX = 6;

const table: Readonly<Record<string, string>> = confusables;

/**
 * Each confusable character replaced by its base (what unhomoglyph's function does with one
 * pattern of the table's 6,000 keys). Every key is one code point, so a lookup per code point
 * gives the same text; the pattern cost 20-40 ms to build and run over 5,000 names.
 */
function unhomoglyph(text: string): string {
  let out = '';
  for (const char of text) out += table[char] ?? char;
  return out;
}

/** Printable ASCII (0x20-0x7e): each character's base, and the base of its lower case. */
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const ASCII_BASE: readonly string[] = PRINTABLE.map((char) => table[char] ?? char);
const ASCII_LOWER_BASE: readonly string[] = PRINTABLE.map(
  (c) => table[c.toLowerCase()] ?? c.toLowerCase(),
);

/**
 * `nameSkeletons` for a name of printable ASCII and white space, most names on a LAN: such a name
 * is its own NFKD form, and white space is all that the rule drops from it, so each character maps
 * through a table of 95. Undefined for anything else (the general path). The contact list's
 * first load of 5,000 such names: 33-38 → 24-26 ms for their look-alike tags (Node 24, cold).
 */
function asciiSkeletons(name: string): readonly [string, string] | undefined {
  let plain = '';
  let lowered = '';
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code >= 0x21 && code < 0x7f) {
      plain += ASCII_BASE[code - 0x20] ?? '';
      lowered += ASCII_LOWER_BASE[code - 0x20] ?? '';
    } else if (code !== 0x20 && (code < 0x09 || code > 0x0d)) {
      return undefined;
    }
  }
  return [plain.toLowerCase(), lowered.toLowerCase()];
}

/** Combining marks, invisible format characters and white space: none tells names apart. */
const IGNORED = /[\p{Mn}\p{Me}\p{Cf}\s]/gu;

/**
 * What a name looks like, two ways, both case folded: Unicode TR39's skeleton of the name ("AIice"
 * reads "Alice": capital I for l) and of the lower-cased name ("ALICE" reads "alice", where the
 * skeleton alone would make its I an l). Two names that share either can be mistaken for each
 * other. Not meant to be shown.
 */
export function nameSkeletons(name: string): readonly [string, string] {
  const known = skeletons.get(name);
  if (known !== undefined) return known;
  const made = asciiSkeletons(name) ?? unicodeSkeletons(name);
  // The contact list asks again for every name on each change of any contact.
  if (skeletons.size >= SKELETONS_KEPT) skeletons.clear();
  skeletons.set(name, made);
  return made;
}

function unicodeSkeletons(name: string): readonly [string, string] {
  const bare = name.normalize('NFKD').replace(IGNORED, '');
  const lower = (s: string): string => s.toLowerCase();
  return [lower(unhomoglyph(bare)), lower(unhomoglyph(lower(bare)))];
}

/** Names whose skeletons are kept: more than a profile's contacts ever are. */
const SKELETONS_KEPT = 16_384;
const skeletons = new Map<string, readonly [string, string]>();

/** The part of a contact the rule needs. */
export interface NamedContact {
  readonly id: string;
  readonly nick: string;
  /** Strangers (plain UDP tools) are named by their IP:port, never by a nick. */
  readonly kind?: 'peer' | 'stranger';
}

/**
 * The contacts whose names look like another contact's or like the user's own nick, each with
 * the short fingerprint to show beside the name. Everyone else is shown by name alone.
 */
export function lookAlikeTags(
  contacts: Iterable<NamedContact>,
  selfNick: string | undefined,
): ReadonlyMap<string, string> {
  const peers: { readonly id: string; readonly keys: readonly [string, string] }[] = [];
  // How many contacts have each skeleton (a contact whose two skeletons are the same counts once).
  const seen = new Map<string, number>();
  for (const contact of contacts) {
    if (contact.kind === 'stranger') continue;
    const keys = nameSkeletons(contact.nick);
    peers.push({ id: contact.id, keys });
    seen.set(keys[0], (seen.get(keys[0]) ?? 0) + 1);
    if (keys[1] !== keys[0]) seen.set(keys[1], (seen.get(keys[1]) ?? 0) + 1);
  }
  const mine: readonly string[] = selfNick === undefined ? [] : nameSkeletons(selfNick);
  const tags = new Map<string, string>();
  for (const { id, keys } of peers) {
    if (keys.some((k) => (seen.get(k) ?? 0) > 1 || mine.includes(k))) tags.set(id, shortId(id));
  }
  return tags;
}

/** The short fingerprint of a peer: its node id is the first half of SHA-256(public key). */
export function shortId(id: string): string {
  return id.slice(0, SHORT_FINGERPRINT_HEX);
}

/** A name with its tag, for plain-text places (the terminal, notifications): "alice · 3f9a01". */
export function taggedName(nick: string, tag: string | undefined): string {
  return tag === undefined ? nick : `${nick} · ${tag}`;
}

// @mentions in a group's text: the token each member is written as, and which members a text
// names. The composer (renderer) and the terminal chat (electron/cli) both use it, so a text
// mentions the same members whichever of them wrote it.

/** A group member that can be @mentioned: its node id, its name, and what `@` writes for it. */
export interface Mentionable {
  readonly id: string;
  readonly name: string;
  /**
   * What the composer writes after `@`: the name, or, where another member has the same name,
   * the name, `#` and the shortest start of the node id (at least 4 digits) that tells them
   * apart ("Bob#3fa2"), so that only the chosen member is mentioned.
   */
  readonly token: string;
}

/** Fewest digits of a node id in a token. */
const MIN_ID_DIGITS = 4;

/** The members with their tokens: a suffix of the id only where names clash (ignoring case). */
export function mentionables(
  members: readonly { readonly id: string; readonly name: string }[],
): Mentionable[] {
  const key = (name: string) => name.toLocaleLowerCase();
  const byName = new Map<string, string[]>();
  for (const m of members) byName.set(key(m.name), [...(byName.get(key(m.name)) ?? []), m.id]);
  return members.map((m) => {
    const same = byName.get(key(m.name)) ?? [];
    if (same.length < 2) return { ...m, token: m.name };
    let digits = MIN_ID_DIGITS;
    const taken = (n: number) => same.some((id) => id !== m.id && id.startsWith(m.id.slice(0, n)));
    while (digits < m.id.length && taken(digits)) digits += 1;
    return { ...m, token: `${m.name}#${m.id.slice(0, digits)}` };
  });
}

/**
 * Whether `@token` stands at `at` in the text: after the start or white space, before the end,
 * white space or punctuation.
 */
function standsAt(text: string, at: number, token: string): boolean {
  if (!text.startsWith(`@${token}`, at)) return false;
  const before = at === 0 ? ' ' : (text[at - 1] ?? ' ');
  const after = text[at + token.length + 1] ?? ' ';
  return /\s/u.test(before) && /[\s\p{P}]/u.test(after);
}

/**
 * The members the text mentions: `@token` followed by the end, white space or punctuation. Where
 * a longer token stands at the same place ("@Bob Smith" and "@Bob"), it is that member's.
 */
export function mentionedIds(text: string, members: readonly Mentionable[]): string[] {
  const ids: string[] = [];
  for (const m of members) {
    if (m.token === '') continue;
    const needle = `@${m.token}`;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const longer = members.some(
        (o) => o.token.length > m.token.length && standsAt(text, at, o.token),
      );
      if (!longer && standsAt(text, at, m.token)) {
        ids.push(m.id);
        break;
      }
    }
  }
  return ids;
}

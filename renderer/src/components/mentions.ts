/** A group member that can be @mentioned: its node id and the name the composer writes. */
export interface Mentionable {
  readonly id: string;
  readonly name: string;
}

/** Suggestions shown at once. */
export const MAX_SUGGESTIONS = 8;

/**
 * The `@word` being typed at the caret: where its `@` is and what follows it, or undefined when
 * the caret is not in one. An `@` counts at the start or after white space (not in `a@b.c`).
 */
export function mentionQuery(
  text: string,
  caret: number,
): { readonly start: number; readonly query: string } | undefined {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)@([^\s@]{0,32})$/u.exec(before);
  if (match === null) return undefined;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/** Members whose name starts with the query first, then those that contain it; by name. */
export function matchMembers(
  members: readonly Mentionable[],
  query: string,
): readonly Mentionable[] {
  const q = query.toLocaleLowerCase();
  const scored = members
    .map((m) => ({ m, at: m.name.toLocaleLowerCase().indexOf(q) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => Number(a.at > 0) - Number(b.at > 0) || a.m.name.localeCompare(b.m.name));
  return scored.slice(0, MAX_SUGGESTIONS).map((x) => x.m);
}

/** The text with `@name ` in place of the `@query` typed at [start, caret), and the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { readonly text: string; readonly caret: number } {
  const inserted = `@${name} `;
  return {
    text: `${text.slice(0, start)}${inserted}${text.slice(caret)}`,
    caret: start + inserted.length,
  };
}

/** The members the text mentions: `@name` followed by the end, white space or punctuation. */
export function mentionedIds(text: string, members: readonly Mentionable[]): string[] {
  const ids: string[] = [];
  for (const m of members) {
    if (m.name === '') continue;
    const token = `@${m.name}`;
    for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
      const before = at === 0 ? ' ' : (text[at - 1] ?? ' ');
      const after = text[at + token.length] ?? ' ';
      if (/\s/u.test(before) && /[\s\p{P}]/u.test(after)) {
        ids.push(m.id);
        break;
      }
    }
  }
  return ids;
}

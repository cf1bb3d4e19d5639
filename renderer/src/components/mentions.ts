// The composer's @mention list: the `@word` at the caret, the members it matches, and the text
// with the picked token in. Which members a text mentions is shared/mentions.ts.
import type { Mentionable } from '../../../shared/mentions';

export { mentionables, mentionedIds, type Mentionable } from '../../../shared/mentions';

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

/** Members whose token starts with the query first, then those that contain it; by token. */
export function matchMembers(
  members: readonly Mentionable[],
  query: string,
): readonly Mentionable[] {
  const q = query.toLocaleLowerCase();
  const scored = members
    .map((m) => ({ m, at: m.token.toLocaleLowerCase().indexOf(q) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => Number(a.at > 0) - Number(b.at > 0) || a.m.token.localeCompare(b.m.token));
  return scored.slice(0, MAX_SUGGESTIONS).map((x) => x.m);
}

/** The text with `@token ` in place of the `@query` typed at [start, caret), and the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  token: string,
): { readonly text: string; readonly caret: number } {
  const inserted = `@${token} `;
  return {
    text: `${text.slice(0, start)}${inserted}${text.slice(caret)}`,
    caret: start + inserted.length,
  };
}

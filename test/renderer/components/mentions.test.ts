import { describe, expect, it } from 'vitest';
import {
  insertMention,
  matchMembers,
  mentionables,
  mentionedIds,
} from '../../../renderer/src/components/mentions';

const BOB_1 = '3fa2c0de'.repeat(4);
const BOB_2 = '3fa2d00d'.repeat(4);
const ALICE = 'a11ce000'.repeat(4);

describe('@mention tokens', () => {
  const members = mentionables([
    { id: BOB_1, name: 'Bob' },
    { id: BOB_2, name: 'bob' },
    { id: ALICE, name: 'Alice' },
  ]);

  it('writes the name alone, and the start of the id only where names clash', () => {
    expect(members.map((m) => m.token)).toEqual(['Bob#3fa2c', 'bob#3fa2d', 'Alice']);
  });

  it('mentions only the chosen one of two members with the same name', () => {
    const first = members[0]!;
    const { text } = insertMention('hi @b', 3, 5, first.token);
    expect(text).toBe('hi @Bob#3fa2c ');
    expect(mentionedIds(`${text}and @Alice!`, members)).toEqual([BOB_1, ALICE]);
    expect(matchMembers(members, 'bob#3fa2d').map((m) => m.id)).toEqual([BOB_2]);
  });

  it('gives "@Bob Smith" to Bob Smith, not to Bob', () => {
    const two = mentionables([
      { id: BOB_1, name: 'Bob' },
      { id: ALICE, name: 'Bob Smith' },
    ]);
    expect(mentionedIds('@Bob Smith, lunch?', two)).toEqual([ALICE]);
    expect(mentionedIds('@Bob and @Bob Smith', two)).toEqual([BOB_1, ALICE]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  groupPostRefSchema,
  MAX_MENTIONS,
  memberMentions,
  postSigningText,
} from '../../../shared/protocol/groups';

const id = (c: string) => c.repeat(32);
const ref = {
  type: 'post' as const,
  id: 'f'.repeat(32),
  mid: 'm1',
  by: id('a'),
  seq: 1,
  v: 1,
  pv: 0,
  deps: [],
  sig: 'A'.repeat(86),
};

describe('group message mentions', () => {
  it('are optional node ids, at most MAX_MENTIONS, never an empty list', () => {
    expect(groupPostRefSchema.safeParse(ref).success).toBe(true);
    expect(groupPostRefSchema.safeParse({ ...ref, mentions: [id('b')] }).success).toBe(true);
    for (const mentions of [
      [],
      ['not-an-id'],
      [id('B')],
      Array.from({ length: MAX_MENTIONS + 1 }, () => id('b')),
      id('b'),
    ])
      expect(groupPostRefSchema.safeParse({ ...ref, mentions }).success, String(mentions)).toBe(
        false,
      );
  });

  it('are signed when present; a message without them signs the bytes it always did', () => {
    const without = postSigningText(ref, 5, 'hi');
    expect(JSON.parse(without)).toEqual([
      'pchat-group-post',
      ref.id,
      'm1',
      ref.by,
      1,
      1,
      0,
      5,
      [],
      'hi',
    ]);
    expect(postSigningText({ ...ref, mentions: [id('b')] }, 5, 'hi')).not.toBe(without);
    expect(postSigningText({ ...ref, mentions: [id('b')] }, 5, 'hi')).not.toBe(
      postSigningText({ ...ref, mentions: [id('c')] }, 5, 'hi'),
    );
  });

  it('show members only, each once, in the order written', () => {
    const members = new Set([id('b'), id('c')]);
    expect(memberMentions([id('c'), id('x'), id('b'), id('c')], (m) => members.has(m))).toEqual([
      id('c'),
      id('b'),
    ]);
    expect(memberMentions(undefined, () => true)).toEqual([]);
  });
});

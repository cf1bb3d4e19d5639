// group-ids.ts (zod-free, for the renderer) and the wire's group-id schema agree on what a
// group id is: one pattern, used by both.
import { describe, expect, it } from 'vitest';
import {
  GROUP_CONVERSATION_PREFIX,
  groupConversationId,
  groupIdOf,
} from '../../../shared/protocol/group-ids';
import { groupIdSchema } from '../../../shared/protocol/groups';

const ID = '0123456789abcdef0123456789abcdef';

describe('group conversation ids', () => {
  it('round-trip a group id', () => {
    expect(groupConversationId(ID)).toBe(`${GROUP_CONVERSATION_PREFIX}${ID}`);
    expect(groupIdOf(groupConversationId(ID))).toBe(ID);
  });

  it.each([
    ID,
    ID.toUpperCase(),
    ID.slice(1),
    `${ID}0`,
    `${ID.slice(1)}g`,
    '',
    `${ID}\n`,
    ` ${ID}`,
  ])('agree with the wire schema on %j', (candidate) => {
    const wire = groupIdSchema.safeParse(candidate).success;
    expect(groupIdOf(`group:${candidate}`) === candidate).toBe(wire);
  });

  it('reject what is not a group conversation', () => {
    expect(groupIdOf(ID)).toBeUndefined();
    expect(groupIdOf(`peer:${ID}`)).toBeUndefined();
    expect(groupIdOf('group:')).toBeUndefined();
  });
});

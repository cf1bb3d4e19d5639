// A group conversation's id (`group:` + the group id), without the wire schemas: the renderer's
// first screen needs these, and groups.ts (zod) builds its group-id schema from the same pattern.

/** A group conversation's id as every layer above the wire spells it: `group:` + the group id. */
export const GROUP_CONVERSATION_PREFIX = 'group:';
export const GROUP_ID_HEX_LENGTH = 32;
/** A group id: 32 lowercase hex digits. */
export const GROUP_ID_PATTERN = new RegExp(`^[0-9a-f]{${String(GROUP_ID_HEX_LENGTH)}}$`);

export function groupConversationId(groupId: string): string {
  return `${GROUP_CONVERSATION_PREFIX}${groupId}`;
}

/** The group id of `group:ID`, or undefined when `id` is not a group conversation. */
export function groupIdOf(id: string): string | undefined {
  if (!id.startsWith(GROUP_CONVERSATION_PREFIX)) return undefined;
  const rest = id.slice(GROUP_CONVERSATION_PREFIX.length);
  return GROUP_ID_PATTERN.test(rest) ? rest : undefined;
}

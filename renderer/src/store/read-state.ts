// Read state from the loaded part of a conversation (pure): how many incoming messages follow the
// one just seen, and which one is the oldest unread. Main keeps the truth (read_state); these
// let the badge, title and divider change at once, before its answer comes.
import type { ChatMessage } from '../../../shared/domain';

/** Whether a message is a group message that @mentions `selfId`. */
export function mentionsOf(message: ChatMessage | undefined, selfId: string | undefined): boolean {
  return selfId !== undefined && message?.group?.mentions?.includes(selfId) === true;
}

/**
 * Incoming messages after `messageId` in `items` (oldest first), the first of them, and how many
 * of them @mention `selfId`.
 */
export function unreadAfter(
  items: readonly string[],
  messages: Readonly<Record<string, ChatMessage>>,
  messageId: string,
  selfId?: string,
): { unread: number; first: string | null; mentions: number } {
  const at = items.indexOf(messageId);
  if (at < 0) return { unread: Number.POSITIVE_INFINITY, first: null, mentions: 0 };
  let unread = 0;
  let mentions = 0;
  let first: string | null = null;
  for (let i = at + 1; i < items.length; i += 1) {
    const id = items[i] ?? '';
    const message = messages[id];
    if (message?.direction !== 'in') continue;
    unread += 1;
    if (mentionsOf(message, selfId)) mentions += 1;
    first ??= id;
  }
  return { unread, first, mentions };
}

/** The oldest of the newest `unread` incoming messages, when they are loaded. */
export function firstUnread(
  items: readonly string[],
  messages: Readonly<Record<string, ChatMessage>>,
  unread: number,
): string | null {
  if (unread <= 0) return null;
  let seen = 0;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const id = items[i] ?? '';
    if (messages[id]?.direction !== 'in') continue;
    seen += 1;
    if (seen === unread) return id;
  }
  return null;
}

import type { ChatMessage } from '../../../shared/domain';
import { NOTICE_PREFIX } from '../store/conversations-slice';
import type { ThreadNotice } from '../store/state';
import { dayKey } from '../lib/format';

/**
 * A message row knows its place in its group: consecutive messages from one sender within
 * GROUP_GAP_MS form a group, as in QQ and Telegram, which shows the avatar and the name and time
 * line once (`first`) and ends with a little more space (`last`).
 */
export type MessageRow =
  | { readonly kind: 'top'; readonly key: string }
  | { readonly kind: 'day'; readonly key: string; readonly at: number }
  | { readonly kind: 'unread'; readonly key: string }
  /** Before a group message shown without everything it depends on (ChatMessage.group.gap). */
  | { readonly kind: 'gap'; readonly key: string }
  | {
      readonly kind: 'message';
      readonly key: string;
      readonly id: string;
      readonly first: boolean;
      readonly last: boolean;
    }
  | { readonly kind: 'notice'; readonly key: string; readonly id: string };

/** Messages further apart than this start a new group. */
export const GROUP_GAP_MS = 5 * 60_000;
export const UNREAD_ROW_KEY = 'unread-divider';

const dayCache = new WeakMap<ChatMessage, string>();

/** Day keys are cached per message object: a 100,000-message thread rebuilds its rows quickly. */
function messageDay(message: ChatMessage): string {
  let day = dayCache.get(message);
  if (day === undefined) {
    day = dayKey(message.receivedAt);
    dayCache.set(message, day);
  }
  return day;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MessageItem = Mutable<Extract<MessageRow, { kind: 'message' }>>;

/**
 * The rows of a conversation: a top row (loader or start), then items with a separator per day,
 * the "Unread messages" divider before `dividerId`, and messages grouped by sender and time.
 */
export function buildMessageRows(
  items: readonly string[],
  messages: Readonly<Record<string, ChatMessage>>,
  notices: Readonly<Record<string, ThreadNotice>>,
  dividerId: string | null = null,
): MessageRow[] {
  const rows: MessageRow[] = [{ kind: 'top', key: 'top' }];
  let lastDay = '';
  let previous: { row: MessageItem; message: ChatMessage } | undefined;
  for (const id of items) {
    const notice = id.startsWith(NOTICE_PREFIX) ? notices[id] : undefined;
    const message = notice ? undefined : messages[id];
    const at = notice?.at ?? message?.receivedAt;
    if (at === undefined) continue;
    const day = message ? messageDay(message) : dayKey(at);
    let breaks = false;
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day:${day}`, at });
      lastDay = day;
      breaks = true;
    }
    if (id === dividerId) {
      rows.push({ kind: 'unread', key: UNREAD_ROW_KEY });
      breaks = true;
    }
    if (message?.group?.gap === true) {
      rows.push({ kind: 'gap', key: `gap:${id}` });
      breaks = true;
    }
    if (!message) {
      rows.push({ kind: 'notice', key: id, id });
      previous = undefined;
      continue;
    }
    const joins =
      !breaks &&
      previous !== undefined &&
      previous.message.direction === message.direction &&
      // In a group, each writer's messages are their own group (name and avatar again).
      previous.message.group?.sender === message.group?.sender &&
      message.receivedAt - previous.message.receivedAt <= GROUP_GAP_MS;
    if (joins && previous) previous.row.last = false;
    const row: MessageItem = { kind: 'message', key: id, id, first: !joins, last: true };
    rows.push(row);
    previous = { row, message };
  }
  return rows;
}

import type { ChatMessage } from '../../../shared/domain';
import { NOTICE_PREFIX } from '../store/conversations-slice';
import type { ThreadNotice } from '../store/state';
import { dayKey } from '../lib/format';

export type MessageRow =
  | { readonly kind: 'top'; readonly key: string }
  | { readonly kind: 'day'; readonly key: string; readonly at: number }
  | { readonly kind: 'message'; readonly key: string; readonly id: string }
  | { readonly kind: 'notice'; readonly key: string; readonly id: string };

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

/** The rows of a conversation: a top row (loader or start), then items with a separator per day. */
export function buildMessageRows(
  items: readonly string[],
  messages: Readonly<Record<string, ChatMessage>>,
  notices: Readonly<Record<string, ThreadNotice>>,
): MessageRow[] {
  const rows: MessageRow[] = [{ kind: 'top', key: 'top' }];
  let lastDay = '';
  for (const id of items) {
    const notice = id.startsWith(NOTICE_PREFIX) ? notices[id] : undefined;
    const message = notice ? undefined : messages[id];
    const at = notice?.at ?? message?.receivedAt;
    if (at === undefined) continue;
    const day = message ? messageDay(message) : dayKey(at);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day:${day}`, at });
      lastDay = day;
    }
    rows.push(
      id.startsWith(NOTICE_PREFIX)
        ? { kind: 'notice', key: id, id }
        : { kind: 'message', key: id, id },
    );
  }
  return rows;
}

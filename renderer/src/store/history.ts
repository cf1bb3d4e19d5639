// Paging a conversation's history in from main (`messages:history`, newest page first) and
// putting the pages in front of what is loaded, in one store update however many pages came.
import type { ChatMessage, HistoryPage } from '../../../shared/domain';
import type { PacketChatApi } from '../../../shared/ipc/contract';
import { READY, settle, type Load } from './load';

/** The loaded part of one conversation: message ids and notice ids, oldest first. */
export interface Thread {
  readonly items: readonly string[];
  readonly nextCursor: string | null;
  /** True once the oldest message is loaded. */
  readonly complete: boolean;
  readonly load: Load;
}

export interface Fetched {
  /** Newest first, as they were asked for. */
  readonly pages: readonly HistoryPage[];
  readonly error: string | null;
}

/**
 * Asks for pages older than `before` (the newest when undefined) until `enough` says so, the
 * conversation starts, `maxPages` were read, or a call fails.
 */
export async function fetchPages(
  api: PacketChatApi,
  request: { peerId: string; before: string | undefined; limit: number; maxPages: number },
  enough: (page: HistoryPage) => boolean = () => true,
): Promise<Fetched> {
  const { peerId, limit } = request;
  const pages: HistoryPage[] = [];
  let before = request.before;
  while (pages.length < request.maxPages) {
    const cursor = before;
    const args = cursor === undefined ? { peerId, limit } : { peerId, before: cursor, limit };
    const result = await settle(() => api.messagesHistory(args));
    if (!result.ok) return { pages, error: result.error.message };
    pages.push(result.value);
    if (result.value.nextCursor === null || enough(result.value)) break;
    before = result.value.nextCursor;
  }
  return { pages, error: null };
}

/** Puts fetched pages (newest first) in front of a thread; messages already listed stay once. */
export function prependPages(
  thread: Thread,
  messages: Readonly<Record<string, ChatMessage>>,
  pages: readonly HistoryPage[],
): { thread: Thread; messages: Record<string, ChatMessage> } {
  const known = new Set(thread.items);
  const nextMessages = { ...messages };
  const older: string[] = [];
  for (let p = pages.length - 1; p >= 0; p -= 1) {
    for (const m of pages[p]?.messages ?? []) {
      nextMessages[m.id] = m;
      if (!known.has(m.id)) older.push(m.id);
    }
  }
  const oldest = pages.at(-1);
  return {
    messages: nextMessages,
    thread: {
      items: older.length === 0 ? thread.items : [...older, ...thread.items],
      nextCursor: oldest ? oldest.nextCursor : thread.nextCursor,
      complete: oldest ? oldest.nextCursor === null : thread.complete,
      load: READY,
    },
  };
}

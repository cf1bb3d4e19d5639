import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import { fetchPages, prependPages, type Fetched, type Thread } from './history';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type { ConversationsSlice, SliceCreator, ThreadNotice } from './state';

export type { Thread } from './history';

/** Messages per history page. */
export const HISTORY_PAGE = 100;
/** A jump to a search hit pages back in big steps: 200 pages of 500 reach 100,000 messages. */
const JUMP_PAGE = 500;
const MAX_JUMP_PAGES = 200;

export const NOTICE_PREFIX = 'notice:';
export const EMPTY_THREAD: Thread = { items: [], nextCursor: null, complete: false, load: IDLE };

let noticeCounter = 0;

function withState(message: ChatMessage, change: MessageStateChange): ChatMessage {
  return {
    ...message,
    state: change.state,
    transport: change.transport,
    ...(change.rttMs === undefined ? {} : { rttMs: change.rttMs }),
  };
}

function withMessage(
  threads: Record<string, Thread>,
  message: ChatMessage,
): Record<string, Thread> {
  const thread = threads[message.peerId];
  // An unopened conversation is loaded from history when opened; it will include this message.
  if (!thread || thread.load.status === 'idle') return threads;
  if (thread.items.includes(message.id)) return threads;
  return { ...threads, [message.peerId]: { ...thread, items: [...thread.items, message.id] } };
}

export const createConversationsSlice: SliceCreator<ConversationsSlice> = (api) => (set, get) => {
  /** The history request on its way, per conversation: one at a time. */
  const inflight = new Map<string, Promise<void>>();

  function setThread(peerId: string, patch: Partial<Thread>): void {
    set((state) => {
      const thread = state.threads[peerId] ?? EMPTY_THREAD;
      return { threads: { ...state.threads, [peerId]: { ...thread, ...patch } } };
    });
  }

  function commit(peerId: string, fetched: Fetched): void {
    set((state) => {
      const merged = prependPages(
        state.threads[peerId] ?? EMPTY_THREAD,
        state.messages,
        fetched.pages,
      );
      const thread =
        fetched.error === null ? merged.thread : { ...merged.thread, load: failed(fetched.error) };
      return { messages: merged.messages, threads: { ...state.threads, [peerId]: thread } };
    });
  }

  /** Reads older pages (the newest first when nothing is loaded) and commits them at once. */
  function page(
    peerId: string,
    thread: Thread,
    limit: number,
    maxPages: number,
    enough?: Parameters<typeof fetchPages>[2],
  ): Promise<void> {
    setThread(peerId, { load: LOADING });
    const before = thread.load.status === 'idle' ? undefined : (thread.nextCursor ?? undefined);
    const request = fetchPages(api, { peerId, before, limit, maxPages }, enough)
      .then((fetched) => commit(peerId, fetched))
      .finally(() => inflight.delete(peerId));
    inflight.set(peerId, request);
    return request;
  }

  return {
    summaries: {},
    conversationsLoad: IDLE,
    messages: {},
    threads: {},
    notices: {},
    loadConversations: async () => {
      set({ conversationsLoad: LOADING });
      const result = await settle(() => api.conversationsList());
      if (!result.ok) {
        set({ conversationsLoad: failed(result.error.message) });
        return;
      }
      set((state) => {
        const summaries = { ...state.summaries };
        const messages = { ...state.messages };
        for (const c of result.value) {
          const last = c.lastMessage;
          if (last) messages[last.id] = messages[last.id] ?? last;
          summaries[c.peerId] = {
            unread: c.unread,
            lastMessageId: last?.id ?? null,
            lastAt: last?.receivedAt ?? 0,
          };
        }
        return { summaries, messages, conversationsLoad: READY };
      });
    },
    loadOlder: (peerId) => {
      const thread = get().threads[peerId] ?? EMPTY_THREAD;
      if (thread.load.status === 'loading' || thread.complete) {
        return inflight.get(peerId) ?? Promise.resolve();
      }
      return page(peerId, thread, HISTORY_PAGE, 1);
    },
    loadUntil: async (peerId, messageId) => {
      await inflight.get(peerId);
      const thread = get().threads[peerId] ?? EMPTY_THREAD;
      if (thread.items.includes(messageId)) return true;
      if (thread.complete) return false;
      await page(peerId, thread, JUMP_PAGE, MAX_JUMP_PAGES, (p) =>
        p.messages.some((m) => m.id === messageId),
      );
      return get().threads[peerId]?.items.includes(messageId) ?? false;
    },
    receiveMessage: (message) => {
      const isOpen =
        get().activePeerId === message.peerId && get().view === 'chats' && !get().windowHidden;
      const known = get().messages[message.id];
      const unreadBump = message.direction === 'in' && !isOpen && !known ? 1 : 0;
      set((state) => {
        const summary = state.summaries[message.peerId];
        return {
          messages: { ...state.messages, [message.id]: message },
          threads: withMessage(state.threads, message),
          summaries: {
            ...state.summaries,
            [message.peerId]: {
              unread: (summary?.unread ?? 0) + unreadBump,
              lastMessageId: message.id,
              lastAt: message.receivedAt,
            },
          },
        };
      });
      if (message.direction === 'in' && isOpen) get().markRead(message.peerId);
    },
    applyMessageState: (change) => {
      // A message not loaded here (its conversation was never opened) is read from the store,
      // which has the new state already, when it is.
      set((state) => {
        const message = state.messages[change.id];
        return message
          ? { messages: { ...state.messages, [change.id]: withState(message, change) } }
          : {};
      });
    },
    sendMessage: async (peerId, text) => {
      const result = await settle(() => api.messagesSend({ peerId, text }));
      if (result.ok) get().receiveMessage(result.value);
      return result;
    },
    retryMessage: (messageId) => settle(() => api.messagesRetry({ messageId })),
    markRead: (peerId) => {
      const summary = get().summaries[peerId];
      if (summary && summary.unread > 0) {
        set((state) => ({
          summaries: { ...state.summaries, [peerId]: { ...summary, unread: 0 } },
        }));
      }
      // Errors are not shown: the badge is already cleared and main recounts on the next message.
      void settle(() => api.messagesMarkRead({ peerId }));
    },
    addMovedNotice: (peerId, previous, now) => {
      noticeCounter += 1;
      const notice: ThreadNotice = {
        id: `${NOTICE_PREFIX}${noticeCounter}`,
        peerId,
        at: Date.now(),
        kind: 'moved',
        from: `${previous.address}:${previous.port}`,
        to: `${now.address}:${now.port}`,
      };
      set((state) => {
        // Kept even in an unopened conversation: its first history page goes in front of it.
        const thread = state.threads[peerId] ?? EMPTY_THREAD;
        const threads = {
          ...state.threads,
          [peerId]: { ...thread, items: [...thread.items, notice.id] },
        };
        return { notices: { ...state.notices, [notice.id]: notice }, threads };
      });
    },
  };
};

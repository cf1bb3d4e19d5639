import { groupIdOf } from '../../../shared/protocol/group-ids';
import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import { TYPING_INTERVAL_MS } from '../../../shared/protocol/constants';
import { isStrangerId } from '../../../shared/stranger-id';
import { fetchPages, prependPages, type Fetched, type Thread } from './history';
import { failed, IDLE, LOADING, READY, settle } from './load';
import { firstUnread, mentionsOf, unreadAfter } from './read-state';
import type { AppState, ConversationsSlice, SliceCreator, ThreadNotice } from './state';

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
    // A held message released to a contact's new key goes on under the new id.
    peerId: change.peerId,
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

/** Whether the user looks at this conversation's newest messages right now. */
function watching(s: AppState, peerId: string): boolean {
  return s.activePeerId === peerId && s.view === 'chats' && s.windowActive && s.listAtBottom;
}

/** One line of a quote: the start of the text, on one line. */
export function excerptOf(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = Array.from(flat);
  return points.length > max ? `${points.slice(0, max).join('')}…` : flat;
}

export const createConversationsSlice: SliceCreator<ConversationsSlice> = (api) => (set, get) => {
  /** The history request on its way, per conversation: one at a time. */
  const inflight = new Map<string, Promise<void>>();
  /** The newest read request per conversation: older answers are stale. */
  const readRequests = new Map<string, number>();
  const lastTypingSent = new Map<string, number>();

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
    replyTo: {},
    typing: {},
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
            firstUnreadId: c.firstUnreadId,
            lastMessageId: last?.id ?? null,
            lastAt: last?.receivedAt ?? 0,
            ...(c.mentions > 0 ? { mentions: c.mentions } : {}),
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
      const s = get();
      const known = s.messages[message.id] !== undefined;
      const incoming = message.direction === 'in' && !known;
      const summary = s.summaries[message.peerId];
      const unread = summary?.unread ?? 0;
      // Counted unread until it has been on screen in a focused window (MessageList marks it).
      // A divider goes before the first one nobody watched arrive.
      const divider =
        incoming && unread === 0 && !watching(s, message.peerId) ? message.id : undefined;
      const mentions =
        (unread > 0 ? (summary?.mentions ?? 0) : 0) +
        (incoming && mentionsOf(message, s.self?.nodeId) ? 1 : 0);
      set((state) => ({
        messages: { ...state.messages, [message.id]: message },
        threads: withMessage(state.threads, message),
        summaries: {
          ...state.summaries,
          [message.peerId]: {
            unread: unread + (incoming ? 1 : 0),
            firstUnreadId: summary?.firstUnreadId ?? (incoming && unread === 0 ? message.id : null),
            lastMessageId: message.id,
            lastAt: message.receivedAt,
            ...(mentions > 0 ? { mentions } : {}),
          },
        },
        ...(divider === undefined
          ? {}
          : { dividers: { ...state.dividers, [message.peerId]: divider } }),
        ...(incoming && state.typing[message.peerId] !== undefined
          ? { typing: omit(state.typing, message.peerId) }
          : {}),
      }));
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
    applyMessageRead: ({ messageId, at }) => {
      // Like a state change: a message not loaded here gets its readAt from the history.
      set((state) => {
        const message = state.messages[messageId];
        return message && message.readAt === undefined
          ? { messages: { ...state.messages, [messageId]: { ...message, readAt: at } } }
          : {};
      });
    },
    sendMessage: async (peerId, text, reply, sealed, mentions) => {
      const args = {
        peerId,
        text,
        ...(reply === undefined ? {} : { reply }),
        ...(sealed === true ? { sealed } : {}),
        ...(mentions === undefined || mentions.length === 0 ? {} : { mentions: [...mentions] }),
      };
      const result = await settle(() => api.messagesSend(args));
      if (result.ok) get().receiveMessage(result.value);
      return result;
    },
    retryMessage: (messageId) => settle(() => api.messagesRetry({ messageId })),
    cancelMessage: (messageId) => settle(() => api.messagesCancel({ messageId })),
    deleteMessages: async (messageIds) => {
      const result = await settle(() => api.messagesDelete({ messageIds: [...messageIds] }));
      if (result.ok) {
        const byPeer = new Map<string, string[]>();
        for (const id of result.value.deleted) {
          const peerId = get().messages[id]?.peerId;
          if (peerId !== undefined) byPeer.set(peerId, [...(byPeer.get(peerId) ?? []), id]);
        }
        for (const [peerId, ids] of byPeer) get().removeMessages(peerId, ids);
      }
      return result;
    },
    removeMessages: (peerId, ids) => {
      const gone = new Set(ids);
      set((state) => {
        const thread = state.threads[peerId];
        const messages = Object.fromEntries(
          Object.entries(state.messages).filter(([id]) => !gone.has(id)),
        );
        const summary = state.summaries[peerId];
        const items = thread?.items.filter((id) => !gone.has(id)) ?? [];
        const lastId = [...items].reverse().find((id) => messages[id] !== undefined) ?? null;
        const unread =
          summary === undefined
            ? 0
            : Math.max(
                0,
                summary.unread - ids.filter((id) => state.messages[id]?.direction === 'in').length,
              );
        const mentions = Math.min(
          unread,
          (summary?.mentions ?? 0) -
            ids.filter((id) => mentionsOf(state.messages[id], state.self?.nodeId)).length,
        );
        return {
          messages,
          threads:
            thread === undefined
              ? state.threads
              : { ...state.threads, [peerId]: { ...thread, items } },
          summaries:
            summary === undefined
              ? state.summaries
              : {
                  ...state.summaries,
                  [peerId]: {
                    ...summary,
                    unread,
                    mentions: Math.max(0, mentions),
                    firstUnreadId: gone.has(summary.firstUnreadId ?? '')
                      ? firstUnread(items, messages, unread)
                      : unread === 0
                        ? null
                        : summary.firstUnreadId,
                    lastMessageId: gone.has(summary.lastMessageId ?? '')
                      ? lastId
                      : summary.lastMessageId,
                  },
                },
          selection:
            state.selection === null
              ? null
              : { ...state.selection, ids: state.selection.ids.filter((id) => !gone.has(id)) },
        };
      });
    },
    forwardMessages: async (messageIds, toPeerId) => {
      const texts = messageIds
        .map((id) => get().messages[id])
        .filter((m): m is ChatMessage => m !== undefined)
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .map((m) => m.text);
      for (const text of texts) {
        const result = await get().sendMessage(toPeerId, text);
        if (!result.ok) return false;
      }
      return texts.length > 0;
    },
    setReplyTo: (peerId, messageId) => {
      // Group messages carry no reply (docs/PROTOCOL.md, "Groups"): there is nothing to quote.
      if (groupIdOf(peerId) !== undefined && messageId !== null) return;
      set((state) => ({ replyTo: { ...state.replyTo, [peerId]: messageId } }));
    },
    receiveTyping: (peerId) =>
      set((state) => ({ typing: { ...state.typing, [peerId]: Date.now() } })),
    sendTyping: (peerId) => {
      if (isStrangerId(peerId)) return; // plain UDP text has no way to say it
      const now = Date.now();
      if (now - (lastTypingSent.get(peerId) ?? -Infinity) < TYPING_INTERVAL_MS) return;
      lastTypingSent.set(peerId, now);
      void settle(() => api.messagesTyping({ peerId }));
    },
    markRead: (peerId) => {
      const summary = get().summaries[peerId];
      if (summary && summary.unread > 0) {
        set((state) => ({
          summaries: {
            ...state.summaries,
            [peerId]: { ...summary, unread: 0, firstUnreadId: null, mentions: 0 },
          },
        }));
      }
      // Errors are not shown: the badge is already cleared and main recounts on the next message.
      void settle(() => api.messagesMarkRead({ peerId }));
    },
    markReadUpTo: (peerId, messageId) => {
      const s = get();
      const summary = s.summaries[peerId];
      if (summary === undefined || summary.unread === 0) return;
      const items = s.threads[peerId]?.items ?? [];
      const local = unreadAfter(items, s.messages, messageId, s.self?.nodeId);
      // Never backwards: a message before the oldest unread changes nothing.
      if (local.unread >= summary.unread) return;
      set((state) => ({
        summaries: {
          ...state.summaries,
          [peerId]: {
            ...summary,
            unread: local.unread,
            firstUnreadId: local.first,
            mentions: Math.min(summary.mentions ?? 0, local.mentions),
          },
        },
      }));
      const request = (readRequests.get(peerId) ?? 0) + 1;
      readRequests.set(peerId, request);
      void settle(() => api.messagesMarkReadUpTo({ peerId, messageId })).then((result) => {
        // Main counts what this window has not loaded; only the newest answer counts.
        if (!result.ok || readRequests.get(peerId) !== request) return;
        const now = get().summaries[peerId];
        if (
          now === undefined ||
          (now.unread === result.value.unread && (now.mentions ?? 0) === result.value.mentions)
        )
          return;
        const newer = Math.max(0, now.unread - local.unread);
        const unread = result.value.unread + newer;
        const mentions = result.value.mentions + Math.max(0, (now.mentions ?? 0) - local.mentions);
        set((state) => ({
          summaries: {
            ...state.summaries,
            [peerId]: {
              ...now,
              unread,
              mentions,
              firstUnreadId: unread === 0 ? null : now.firstUnreadId,
            },
          },
        }));
      });
    },
    addMovedNotice: (peerId, previous, now) =>
      get().addNotice(peerId, {
        kind: 'moved',
        from: `${previous.address}:${previous.port}`,
        to: `${now.address}:${now.port}`,
      }),
    addNotice: (peerId, body) => {
      noticeCounter += 1;
      const notice: ThreadNotice = {
        ...body,
        id: `${NOTICE_PREFIX}${noticeCounter}`,
        peerId,
        at: Date.now(),
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

function omit<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

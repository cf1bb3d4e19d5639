import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { buildMessageRows } from './message-rows';
import { MessageRowView } from './MessageRowView';

const NO_ITEMS: readonly string[] = [];
/** Start fetching the next older page this close to the top. */
const LOAD_MARGIN_PX = 400;
const BOTTOM_SLACK_PX = 48;
const HIGHLIGHT_MS = 2_500;

interface Anchor {
  readonly firstKey: string | undefined;
  readonly total: number;
  readonly scrollTop: number;
}

/**
 * The conversation, virtualized. Scrolling near the top pages older history in; the view keeps its
 * place while rows are added above. New messages scroll into view only when already at the bottom.
 */
export function MessageList(props: { peerId: string; nick: string }) {
  const { t } = useTranslation();
  const { peerId } = props;
  const items = useAppStore((s) => s.threads[peerId]?.items ?? NO_ITEMS);
  const messages = useAppStore((s) => s.messages);
  const notices = useAppStore((s) => s.notices);
  const canLoad = useAppStore((s) => {
    const thread = s.threads[peerId];
    return thread !== undefined && !thread.complete && thread.load.status === 'ready';
  });
  const loadOlder = useAppStore((s) => s.loadOlder);
  const highlightId = useAppStore((s) => s.highlightMessageId);
  const clearHighlight = useAppStore((s) => s.clearHighlight);
  const rows = useMemo(
    () => buildMessageRows(items, messages, notices),
    [items, messages, notices],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<Anchor | null>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, as documented
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'message' ? 76 : 40),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });

  const requestOlder = () => {
    const el = scrollRef.current;
    if (!el || !canLoad) return;
    anchor.current = {
      firstKey: items[0],
      total: virtualizer.getTotalSize(),
      scrollTop: el.scrollTop,
    };
    void loadOlder(peerId);
  };

  const firstKey = items[0];
  const lastKey = items.at(-1);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const saved = anchor.current;
    if (el && saved && saved.firstKey !== firstKey) {
      // Older rows went in above: move down by exactly their height so nothing visibly jumps.
      anchor.current = null;
      el.scrollTop = saved.scrollTop + (virtualizer.getTotalSize() - saved.total);
    }
  }, [firstKey, virtualizer]);

  useLayoutEffect(() => {
    if (atBottom.current && rows.length > 1)
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    // Only a new last row matters here, not every re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastKey, virtualizer]);

  useEffect(() => {
    if (highlightId === null) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.id === highlightId);
    if (index < 0) return;
    atBottom.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
    const timer = setTimeout(clearHighlight, HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlightId, rows, virtualizer, clearHighlight]);

  return (
    <div
      ref={scrollRef}
      className="message-list"
      role="log"
      tabIndex={0}
      aria-label={t('conversation.label', { nick: props.nick })}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
        if (el.scrollTop < LOAD_MARGIN_PX) requestOlder();
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="virtual-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <MessageRowView row={row} peerId={peerId} highlightId={highlightId} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore, useAppStoreApi } from '../store/context';
import { Icon } from './Icon';
import { buildMessageRows, type MessageRow } from './message-rows';
import { MessageRowView, useDayLabel } from './MessageRowView';

const NO_ITEMS: readonly string[] = [];
/** Start fetching the next older page this close to the top. */
const LOAD_MARGIN_PX = 400;
const BOTTOM_SLACK_PX = 48;
const HIGHLIGHT_MS = 2_500;
/** The floating date chip stays this long after the last scroll. */
const FLOATING_DAY_MS = 1_200;
/** A message counts as seen when this share of it is on screen (or it fills half the list). */
const SEEN_RATIO = 0.5;
/**
 * No row is lower than this: a message that starts a group (name line and bubble) is about 58
 * px, one that continues it 37, a day separator 32. The first frame lays out enough of the
 * newest rows to fill the list at these heights.
 */
function minHeight(row: MessageRow | undefined): number {
  return row?.kind === 'message' && row.first ? 50 : 28;
}
/** The list's height when it was last seen, for the first frame of the next conversation. */
let lastListHeight: number | undefined;

/** Where the virtualizer starts when it takes over from the first frame (see `tail` below). */
interface Takeover {
  readonly rect: { readonly width: number; readonly height: number };
  /** At the newest row: its bottom on the list's bottom edge. */
  readonly atEnd: boolean;
}
const AT_TOP: Takeover = { rect: { width: 0, height: 0 }, atEnd: false };

interface Anchor {
  readonly firstKey: string | undefined;
  readonly total: number;
  readonly scrollTop: number;
}

function FloatingDay(props: { at: number }) {
  const label = useDayLabel(props.at);
  return (
    <div className="floating-day" aria-hidden="true">
      <span>{label}</span>
    </div>
  );
}

/**
 * Tracks which messages are on screen (IntersectionObserver) and marks the conversation read up
 * to the newest of them while the window is visible and focused, as Telegram does: a message
 * that arrives while you look elsewhere, or scrolled up, stays unread until you see it.
 */
function useReadTracking(peerId: string, indexOf: ReadonlyMap<string, number>) {
  const store = useAppStoreApi();
  const visible = useRef(new Set<string>());
  const observer = useRef<IntersectionObserver | null>(null);
  const index = useRef(indexOf);
  useEffect(() => {
    index.current = indexOf;
  }, [indexOf]);

  const markSeen = useCallback(() => {
    const s = store.getState();
    if (!s.windowActive || s.view !== 'chats' || s.activePeerId !== peerId) return;
    if ((s.summaries[peerId]?.unread ?? 0) === 0) return;
    let newest: string | undefined;
    let at = -1;
    for (const id of visible.current) {
      const i = index.current.get(id) ?? -1;
      if (i > at) [newest, at] = [id, i];
    }
    if (newest !== undefined) s.markReadUpTo(peerId, newest);
  }, [store, peerId]);

  // Stable, so React attaches each row once rather than on every render of the list.
  const observe = useCallback(
    (element: HTMLElement | null) => {
      if (element === null || typeof IntersectionObserver === 'undefined') return undefined;
      // No root: the viewport, clipped by the scrolling list, is what the eye sees.
      observer.current ??= new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            const id = (entry.target as HTMLElement).dataset['seenId'];
            if (id === undefined) continue;
            const tall = entry.intersectionRect.height >= window.innerHeight * SEEN_RATIO;
            if (entry.isIntersecting && (entry.intersectionRatio >= SEEN_RATIO || tall))
              visible.current.add(id);
            else visible.current.delete(id);
          }
          markSeen();
        },
        { threshold: [0, SEEN_RATIO, 1] },
      );
      const io = observer.current;
      io.observe(element);
      return () => {
        io.unobserve(element);
        const id = element.dataset['seenId'];
        if (id !== undefined) visible.current.delete(id);
      };
    },
    [markSeen],
  );

  // Coming back to the window (or the unread count growing under the eyes) re-checks.
  const active = useAppStore((s) => s.windowActive);
  const unread = useAppStore((s) => s.summaries[peerId]?.unread ?? 0);
  useEffect(() => {
    if (active && unread > 0) markSeen();
  }, [active, unread, markSeen]);
  useEffect(() => () => observer.current?.disconnect(), []);
  return observe;
}

/** The message elements in the list, in order (what ↑ and ↓ move between). */
function messageElements(list: HTMLElement): HTMLElement[] {
  const found = [...list.querySelectorAll<HTMLElement>('.message[data-message-id]')];
  const position = (el: HTMLElement) =>
    Number(el.closest<HTMLElement>('[data-index]')?.dataset['index'] ?? 0);
  return found.sort((a, b) => position(a) - position(b));
}

/**
 * The conversation, virtualized. It lands on the first unread message (with the divider) or at
 * the bottom; scrolling near the top pages older history in, keeping the view in place; new
 * messages scroll into view only when already at the bottom, and otherwise a "↓ N" button says
 * how many are unread. The view stays at the bottom when the window or composer changes size.
 */
export function MessageList(props: { peerId: string; nick: string }) {
  const { t } = useTranslation();
  const { peerId } = props;
  const items = useAppStore((s) => s.threads[peerId]?.items ?? NO_ITEMS);
  const messages = useAppStore((s) => s.messages);
  const notices = useAppStore((s) => s.notices);
  const divider = useAppStore((s) => s.dividers[peerId] ?? null);
  const thread = useAppStore((s) => s.threads[peerId]);
  const canLoad = thread !== undefined && !thread.complete && thread.load.status === 'ready';
  const loadOlder = useAppStore((s) => s.loadOlder);
  const loadUntil = useAppStore((s) => s.loadUntil);
  const highlightId = useAppStore((s) => s.highlightMessageId);
  const clearHighlight = useAppStore((s) => s.clearHighlight);
  const atBottomState = useAppStore((s) => s.listAtBottom);
  const setListAtBottom = useAppStore((s) => s.setListAtBottom);
  const unread = useAppStore((s) => s.summaries[peerId]?.unread ?? 0);
  const rows = useMemo(
    () => buildMessageRows(items, messages, notices, divider),
    [items, messages, notices, divider],
  );
  const indexOf = useMemo(() => new Map(items.map((id, i) => [id, i])), [items]);
  const observe = useReadTracking(peerId, indexOf);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const landed = useRef(false);
  // The first frame of a conversation that lands at its end (`tail`) shows the newest rows in
  // normal flow, anchored to the bottom by CSS: no virtualizer, no scroll position written, no
  // layout read. Once that frame is painted the virtualizer takes over, starting from the list's
  // size and the rows' heights as painted, so nothing moves. Landing on the unread divider goes
  // to the virtualizer at once.
  const [takeover, setTakeover] = useState<Takeover | null>(null);
  const tail = takeover === null;
  /** Heights of the rows the first frame showed (border box, from a ResizeObserver). */
  const tailSizes = useRef(new Map<string, number>());
  const tailObserver = useRef<ResizeObserver | null>(null);
  const rowsRef = useRef(rows);
  useLayoutEffect(() => {
    rowsRef.current = rows;
  }, [rows]);
  // Rendered once landed: the first render with the history in would otherwise lay out the
  // oldest rows at the top, only to replace them with the newest a moment later.
  const [landedState, setLandedState] = useState(false);
  const anchor = useRef<Anchor | null>(null);
  const [floating, setFloating] = useState<number | null>(null);
  const floatingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The same functions while the rows are the same: a new getItemKey makes the virtualizer lay
  // out every row again on each render.
  // A row the first frame showed keeps the height it had there.
  const estimateSize = useCallback(
    (i: number) => {
      const row = rows[i];
      return (row && tailSizes.current.get(row.key)) ?? estimate(row);
    },
    [rows],
  );
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, as documented
  const virtualizer = useVirtualizer({
    count: rows.length,
    // Off for the first frame: attaching reads the list's size and writes its scroll position.
    enabled: !tail,
    getScrollElement: () => scrollRef.current,
    initialRect: takeover?.rect ?? AT_TOP.rect,
    initialOffset: () => (takeover?.atEnd === true ? endOffset(rows, estimateSize, takeover) : 0),
    estimateSize,
    getItemKey,
    // Few rows beyond the viewport: each scroll step renders the rows it reveals before the frame
    // is painted (the virtualizer re-renders synchronously on scroll), so more would only add to
    // what opening a conversation mounts.
    overscan: 3,
    measureElement: measureRow,
  });
  // At the bottom, a row that turns out taller or shorter than estimated moves the rows above it
  // instead of pushing the newest below the edge: the view stays on the newest from its first
  // frame. Elsewhere the virtualizer's own rule (keep the rows in view where they are).
  const pinToBottom = useCallback(
    (pinned: boolean) => {
      virtualizer.shouldAdjustScrollPositionOnItemSizeChange = pinned ? () => true : undefined;
    },
    [virtualizer],
  );
  useLayoutEffect(() => pinToBottom(atBottom.current), [pinToBottom]);

  // One callback for every row, so a re-render (each scroll step) does not detach and re-attach
  // them all: measured once when it appears (then by the virtualizer's ResizeObserver), watched
  // for being seen while it is there.
  const rowRef = useCallback(
    (el: HTMLDivElement | null) => {
      virtualizer.measureElement(el);
      return el?.dataset['seenId'] === undefined ? undefined : observe(el);
    },
    [virtualizer, observe],
  );
  // The first frame's rows: their heights are noted as the frame is laid out (a ResizeObserver
  // reports after layout, before paint: no layout read), for the virtualizer to start from.
  const tailRowRef = useCallback(
    (el: HTMLDivElement | null) => {
      if (el === null) return undefined;
      if (typeof ResizeObserver !== 'undefined') {
        tailObserver.current ??= new ResizeObserver((entries) => {
          for (const entry of entries) {
            const index = Number((entry.target as HTMLElement).dataset['index']);
            const key = rowsRef.current[index]?.key;
            const box = entry.borderBoxSize[0];
            if (key !== undefined && box !== undefined) tailSizes.current.set(key, box.blockSize);
          }
        });
      }
      const sizes = tailObserver.current;
      sizes?.observe(el);
      const unobserve = el.dataset['seenId'] === undefined ? undefined : observe(el);
      return () => {
        sizes?.unobserve(el);
        unobserve?.();
      };
    },
    [observe],
  );
  useEffect(() => () => tailObserver.current?.disconnect(), []);

  const setBottom = (value: boolean) => {
    atBottom.current = value;
    pinToBottom(value);
    setListAtBottom(value);
  };
  const toBottom = () => {
    setBottom(true);
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  };

  const requestOlder = () => {
    const el = scrollRef.current;
    if (!el || !canLoad) return;
    anchor.current = {
      firstKey: items[0],
      total: columnHeight(virtualizer.getTotalSize()),
      scrollTop: el.scrollTop,
    };
    void loadOlder(peerId);
  };

  // More unread messages than the first page holds: page back to the first of them.
  const dividerLoaded = divider === null || indexOf.has(divider) || thread?.complete === true;
  useEffect(() => {
    if (!dividerLoaded && canLoad) void loadUntil(peerId, divider);
  }, [dividerLoaded, divider, canLoad, loadUntil, peerId]);

  const ready = thread?.load.status === 'ready' && dividerLoaded;
  const landing = ready && !landedState;
  // Only while there is something unread: coming back to a read conversation shows its end.
  const dividerAt = landing && unread > 0 ? rows.findIndex((r) => r.kind === 'unread') : -1;
  const onDivider = dividerAt >= 0 && dividerAt < rows.length - 2;
  // Landing on the divider: the virtualizer places it (state adjusted while rendering, as React
  // documents, so the first frame's rows are never made).
  if (tail && landing && onDivider) setTakeover(AT_TOP);

  // The first frame is painted (a task queued from its animation frame runs after the paint):
  // the virtualizer takes over at the newest row.
  useEffect(() => {
    if (!tail || !ready) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        const el = scrollRef.current;
        if (!el?.isConnected) return;
        // Laid out and painted: reading the size costs no layout.
        const rect = { width: el.clientWidth, height: el.clientHeight };
        lastListHeight = rect.height;
        landed.current = true;
        setBottom(true);
        setLandedState(true);
        setTakeover({ rect, atEnd: true });
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
    // setBottom only writes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tail, ready]);

  // Land once on the divider (the first frame's takeover lands at the newest message).
  useLayoutEffect(() => {
    if (tail || landed.current || !ready) return;
    landed.current = true;
    setBottom(!onDivider);
    // Again on the next frame: on a remount the virtualizer only then knows its viewport.
    const land = () => {
      if (!scrollRef.current?.isConnected) return;
      if (onDivider) virtualizer.scrollToIndex(dividerAt, { align: 'start' });
      else if (rows.length > 1) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    };
    land();
    setLandedState(true);
    requestAnimationFrame(land);
    // Landing happens once per mount; later changes are handled below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tail, ready, rows.length]);

  const firstKey = items[0];
  const lastKey = items.at(-1);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const saved = anchor.current;
    if (el && saved && saved.firstKey !== firstKey) {
      // Older rows went in above: move down by exactly their height so nothing visibly jumps.
      anchor.current = null;
      el.scrollTop = saved.scrollTop + (columnHeight(virtualizer.getTotalSize()) - saved.total);
    }
  }, [firstKey, virtualizer]);

  useLayoutEffect(() => {
    if (landed.current && atBottom.current && rows.length > 1)
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    // Only a new last row matters here, not every re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastKey, virtualizer]);

  // Pinned to the bottom across resizes (the window, or the composer growing).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const resized = new ResizeObserver((entries) => {
      lastListHeight = entries[0]?.contentRect.height ?? lastListHeight;
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    resized.observe(el);
    return () => resized.disconnect();
  }, []);

  useEffect(() => {
    if (highlightId === null || tail) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.id === highlightId);
    if (index < 0) return;
    setBottom(false);
    virtualizer.scrollToIndex(index, { align: 'center' });
    const timer = setTimeout(clearHighlight, HIGHLIGHT_MS);
    return () => clearTimeout(timer);
    // setBottom only writes; the highlight and rows decide.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [highlightId, rows, virtualizer, clearHighlight, tail]);

  useEffect(() => () => clearTimeout(floatingTimer.current), []);

  const showFloatingDay = (el: HTMLElement) => {
    const top = virtualizer.getVirtualItems().find((v) => v.end > el.scrollTop);
    const row = top === undefined ? undefined : rows[top.index];
    // Over a real day separator the chip would say the same thing twice.
    const at = row?.kind === 'message' ? messages[row.id]?.receivedAt : undefined;
    setFloating(at ?? null);
    clearTimeout(floatingTimer.current);
    floatingTimer.current = setTimeout(() => setFloating(null), FLOATING_DAY_MS);
  };

  // Rows stand at their exact (fractional) heights, as in normal flow; the column is a whole
  // number of pixels high, with the fraction left over above the first row, so the newest row's
  // bottom is on the column's bottom edge (a scroll position is whole pixels).
  const total = tail ? 0 : virtualizer.getTotalSize();
  const height = columnHeight(total);
  const shift = height - total;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const list = scrollRef.current;
    if (!list || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    const elements = messageElements(list);
    const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(
      '.message',
    );
    const at = current ? elements.indexOf(current) : -1;
    const next =
      at < 0
        ? e.key === 'ArrowUp'
          ? elements.at(-1)
          : elements[0]
        : elements[at + (e.key === 'ArrowUp' ? -1 : 1)];
    if (!next) return;
    e.preventDefault();
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div className="message-list-frame">
      <div
        ref={scrollRef}
        className={tail ? 'message-list tail' : 'message-list'}
        role="log"
        tabIndex={0}
        aria-label={t('conversation.label', { nick: props.nick })}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          // The first frame's rows are all there is to scroll until the virtualizer takes over.
          if (tail) return;
          const el = e.currentTarget;
          const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
          if (bottom !== atBottom.current) setBottom(bottom);
          if (el.scrollTop < LOAD_MARGIN_PX) requestOlder();
          // At the bottom (landing there included) the newest day is in view: no chip.
          if (landed.current && !bottom) showFloatingDay(el);
        }}
      >
        {tail ? (
          // The newest rows in normal flow, bottom first (CSS `.tail`). Each row is the same
          // element, with the same key, as its virtual row after the takeover: React keeps it.
          <div className="message-column tail">
            {tailIndexes(rows).map((index) => {
              const row = rows[index];
              if (!row) return null;
              const messageId = row.kind === 'message' ? row.id : undefined;
              const incoming = messageId !== undefined && messages[messageId]?.direction === 'in';
              return (
                <div
                  key={row.key}
                  data-index={index}
                  data-seen-id={messageId}
                  ref={tailRowRef}
                  className={incoming ? 'tail-row incoming' : 'tail-row'}
                >
                  <MessageRowView row={row} peerId={peerId} highlightId={highlightId} />
                </div>
              );
            })}
          </div>
        ) : (
          <div className="message-column" style={{ height, position: 'relative' }}>
            {(landing ? [] : virtualizer.getVirtualItems()).map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const messageId = row.kind === 'message' ? row.id : undefined;
              const incoming = messageId !== undefined && messages[messageId]?.direction === 'in';
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  data-seen-id={messageId}
                  ref={rowRef}
                  className={incoming ? 'virtual-row incoming' : 'virtual-row'}
                  style={{ transform: `translateY(${item.start + shift}px)` }}
                >
                  <MessageRowView row={row} peerId={peerId} highlightId={highlightId} />
                </div>
              );
            })}
          </div>
        )}
      </div>
      {floating !== null && <FloatingDay at={floating} />}
      {!atBottomState && (
        <button
          type="button"
          className="to-bottom"
          aria-label={
            unread > 0
              ? t('conversation.toBottomUnread', { n: unread })
              : t('conversation.toBottom')
          }
          title={t('conversation.toBottom')}
          onClick={toBottom}
        >
          <Icon name="down" size={18} />
          {unread > 0 && <span className="to-bottom-count">{unread > 99 ? '99+' : unread}</span>}
        </button>
      )}
    </div>
  );
}

/**
 * A row's height from the ResizeObserver's entry; when the row mounts (no entry yet), the cached
 * or estimated height, so mounting a row reads no layout (each `offsetHeight` forced one). The
 * observer reports the real height after the frame's layout and before it is painted.
 */
function measureRow(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLDivElement, Element>,
): number {
  // Not rounded: the first frame's rows stood at their exact heights, and the virtual rows take
  // over at the same places.
  const box = entry?.borderBoxSize[0];
  if (box !== undefined) return box.blockSize;
  const index = instance.indexFromElement(element);
  return (
    instance.itemSizeCache.get(instance.options.getItemKey(index)) ??
    instance.options.estimateSize(index)
  );
}

function estimate(row: MessageRow | undefined): number {
  if (row?.kind !== 'message') return 36;
  return row.first ? 64 : 40;
}

/** The rows the first frame shows: the newest, as many as fill the list at their least heights. */
function tailIndexes(rows: readonly MessageRow[]): number[] {
  const height = lastListHeight ?? window.innerHeight;
  let from = rows.length;
  for (let filled = 0; from > 0 && filled < height;) {
    from -= 1;
    filled += minHeight(rows[from]);
  }
  return Array.from({ length: rows.length - from }, (_, k) => from + k);
}

/** The scroll offset that puts the newest row's bottom on the list's bottom edge. */
function endOffset(
  rows: readonly MessageRow[],
  size: (index: number) => number,
  takeover: Takeover,
): number {
  let total = 0;
  for (let i = 0; i < rows.length; i += 1) total += size(i);
  return Math.max(0, columnHeight(total) - takeover.rect.height);
}

/** The message column's height for rows `total` px high: whole pixels. */
function columnHeight(total: number): number {
  return Math.ceil(total);
}

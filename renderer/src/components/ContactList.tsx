import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useText } from '../i18n/text';
import { useAppStore, useAppStoreApi } from '../store/context';
import {
  GROUP_ROW_PREFIX,
  selectContactRows,
  selectGroupedContacts,
  selectListTotal,
} from '../store/selectors';
import type { ContactGroup } from '../store/state';
import { ContactRow } from './ContactRow';
import { GroupRow } from './GroupRow';
import { GROUP_CONVERSATION_PREFIX } from '../../../shared/protocol/group-ids';
import { StateView } from './StateView';
import { Icon } from './Icon';

const GROUP_HEIGHT = 32;
const ROW_HEIGHT = 68;
const rowDomId = (index: number) => `contact-row-${index}`;

function GroupHeader(props: { group: ContactGroup; focused: boolean; domId: string }) {
  const { t } = useText();
  const count = useAppStore((s) => selectGroupedContacts(s)[props.group].length);
  const collapsed = useAppStore((s) => s.collapsedGroups[props.group]);
  const toggle = useAppStore((s) => s.toggleGroup);
  const name = t(`contacts.groups.${props.group}`);
  return (
    <div
      id={props.domId}
      role="option"
      aria-selected={false}
      aria-label={t(collapsed ? 'contacts.expandGroup' : 'contacts.collapseGroup', {
        group: name,
        n: count,
      })}
      className={props.focused ? 'group-header focused' : 'group-header'}
      onClick={() => toggle(props.group)}
    >
      <Icon name="chevron" size={14} className={collapsed ? 'chevron collapsed' : 'chevron'} />
      <span>{name}</span> <span className="group-count">{count}</span>
    </div>
  );
}

function sameRows(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The rows, the same array as before while no row changed, so the list re-renders only when one
 * did (what zustand's useShallow does, with a plain loop: useShallow walks an array through
 * iterators, about 10 ms for 5,000 rows on each change of the store).
 */
function useContactRows(): readonly string[] {
  const previous = useRef<readonly string[] | undefined>(undefined);
  return useAppStore((s) => {
    const next = selectContactRows(s);
    if (previous.current !== undefined && sameRows(previous.current, next)) return previous.current;
    previous.current = next;
    return next;
  });
}

/** Online / Offline / Strangers, virtualized; arrow keys move, Enter opens, Home/End jump. */
export function ContactList(props: { onAdd: () => void }) {
  const { t } = useTranslation();
  const rows = useContactRows();
  const total = useAppStore(selectListTotal);
  const load = useAppStore((s) => s.contactsLoad);
  const loadContacts = useAppStore((s) => s.loadContacts);
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.openConversation);
  const toggle = useAppStore((s) => s.toggleGroup);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState(-1);
  // The same functions while the rows are the same: a new getItemKey makes the virtualizer lay
  // out every row again (5,000 contacts) on each render, such as opening a conversation.
  const estimateSize = useCallback(
    (i: number) => (rows[i]?.startsWith(GROUP_ROW_PREFIX) ? GROUP_HEIGHT : ROW_HEIGHT),
    [rows],
  );
  const getItemKey = useCallback((i: number) => rows[i] ?? i, [rows]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, as documented
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 10,
  });

  if (total === 0 && load.status !== 'ready') {
    return (
      <StateView
        load={load}
        loadingText={t('contacts.loading')}
        errorText={t('contacts.error', { message: load.error })}
        onRetry={() => void loadContacts()}
      />
    );
  }
  if (total === 0)
    return (
      <div className="empty-view" role="status">
        <span className="spinner" aria-hidden="true" />
        <p className="empty-title">{t('contacts.lookingTitle')}</p>
        <p className="empty-hint">{t('contacts.emptyHint')}</p>
        <button type="button" className="button primary" onClick={props.onAdd}>
          <Icon name="plus" size={15} />
          {t('contacts.add')}
        </button>
      </div>
    );

  const move = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setFocused(next);
    virtualizer.scrollToIndex(next);
  };
  const activate = (index: number) => {
    const row = rows[index];
    if (row === undefined) return;
    if (row.startsWith(GROUP_ROW_PREFIX))
      toggle(row.slice(GROUP_ROW_PREFIX.length) as ContactGroup);
    else open(row);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    // Read here, not subscribed: opening a conversation must not re-render 5,000 rows' list.
    const activeId = store.getState().activePeerId;
    const current = focused >= 0 ? focused : Math.max(0, rows.indexOf(activeId ?? ''));
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(focused < 0 ? current : current + 1),
      ArrowUp: () => move(current - 1),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      PageDown: () => move(current + 8),
      PageUp: () => move(current - 8),
      Enter: () => activate(current),
      ' ': () => activate(current),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <div
      ref={scrollRef}
      className="contact-list"
      role="listbox"
      tabIndex={0}
      aria-label={t('contacts.label')}
      aria-activedescendant={focused >= 0 ? rowDomId(focused) : undefined}
      onKeyDown={onKeyDown}
      onBlur={() => setFocused(-1)}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index] ?? '';
          const style = { transform: `translateY(${item.start}px)`, height: item.size };
          return (
            <div key={item.key} className="virtual-row" style={style}>
              {row.startsWith(GROUP_ROW_PREFIX) ? (
                <GroupHeader
                  group={row.slice(GROUP_ROW_PREFIX.length) as ContactGroup}
                  focused={focused === item.index}
                  domId={rowDomId(item.index)}
                />
              ) : row.startsWith(GROUP_CONVERSATION_PREFIX) ? (
                <GroupRow id={row} focused={focused === item.index} domId={rowDomId(item.index)} />
              ) : (
                <ContactRow
                  id={row}
                  focused={focused === item.index}
                  domId={rowDomId(item.index)}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

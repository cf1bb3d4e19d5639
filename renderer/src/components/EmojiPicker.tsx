import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiLanguage } from '../i18n';
import {
  EMOJI_GROUPS,
  GROUP_ICONS,
  loadEmoji,
  recentEmoji,
  rememberEmoji,
  searchEmoji,
  type Emoji,
  type EmojiGroup,
} from '../lib/emoji';

type Tab = 'recent' | EmojiGroup;
const COLUMNS = 9;

/**
 * The emoji picker: recent picks first, a tab per group, and search by name or keyword in the
 * UI's language. Arrow keys move in the grid, Enter inserts, Esc closes.
 */
export function EmojiPicker(props: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [all, setAll] = useState<Emoji[] | null>(null);
  const [query, setQuery] = useState('');
  const [recent, setRecent] = useState(recentEmoji);
  const [tab, setTab] = useState<Tab>(() => (recentEmoji().length > 0 ? 'recent' : 0));
  const ref = useRef<HTMLDivElement>(null);
  const language = (i18n.language === 'zh-CN' ? 'zh-CN' : 'en') satisfies UiLanguage;

  useEffect(() => {
    let live = true;
    void loadEmoji(language).then((list) => live && setAll(list));
    return () => {
      live = false;
    };
  }, [language]);

  useEffect(() => {
    const close = (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (!ref.current?.contains(target) && !target.closest('.emoji-anchor')) props.onClose();
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [props]);

  const byUnicode = useMemo(() => new Map((all ?? []).map((e) => [e.unicode, e])), [all]);
  const shown: readonly { unicode: string; label: string }[] = useMemo(() => {
    if (all === null) return [];
    if (query.trim() !== '') return searchEmoji(all, query);
    if (tab === 'recent')
      return recent.map((u) => ({ unicode: u, label: byUnicode.get(u)?.label ?? u }));
    return all.filter((e) => e.group === tab);
  }, [all, query, tab, recent, byUnicode]);

  const pick = (unicode: string) => {
    rememberEmoji(unicode);
    setRecent(recentEmoji());
    props.onPick(unicode);
  };
  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    const delta = step[e.key];
    if (delta === undefined || at < 0) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, at + delta))]?.focus();
  };

  const tabs: Tab[] = ['recent', ...EMOJI_GROUPS];
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="dialog"
      aria-label={t('emoji.title')}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        props.onClose();
      }}
    >
      <input
        className="input"
        type="search"
        value={query}
        autoFocus
        aria-label={t('emoji.search')}
        placeholder={t('emoji.search')}
        onChange={(e) => setQuery(e.target.value)}
      />
      {query.trim() === '' && (
        <div className="emoji-tabs" role="tablist" aria-label={t('emoji.groups')}>
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              aria-label={t(`emoji.group.${name}`)}
              title={t(`emoji.group.${name}`)}
              className={tab === name ? 'emoji-tab active' : 'emoji-tab'}
              onClick={() => setTab(name)}
            >
              <span className="emoji-glyph" aria-hidden="true">
                {name === 'recent' ? '🕘' : GROUP_ICONS[name]}
              </span>
            </button>
          ))}
        </div>
      )}
      <div
        className="emoji-grid"
        role="group"
        aria-label={query.trim() !== '' ? t('emoji.results') : t(`emoji.group.${tab}`)}
        onKeyDown={onGridKey}
      >
        {all === null && <p className="muted small">{t('emoji.loading')}</p>}
        {all !== null && shown.length === 0 && (
          <p className="muted small">
            {query.trim() !== '' ? t('emoji.none') : t('emoji.noRecent')}
          </p>
        )}
        {shown.map((e) => (
          <button
            key={e.unicode}
            type="button"
            className="emoji-cell"
            title={e.label}
            aria-label={e.label}
            onClick={() => pick(e.unicode)}
          >
            <span className="emoji-glyph" aria-hidden="true">
              {e.unicode}
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}

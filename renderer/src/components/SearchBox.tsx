import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';

export const SEARCH_INPUT_ID = 'search-input';
const DEBOUNCE_MS = 200;

/** Filters contacts at once and searches message history after a short pause in typing. */
export function SearchBox(props: { onAdd: () => void }) {
  const { t } = useTranslation();
  const query = useAppStore((s) => s.searchQuery);
  const setQuery = useAppStore((s) => s.setSearchQuery);
  const runSearch = useAppStore((s) => s.runSearch);
  const setGroupDialog = useAppStore((s) => s.setGroupDialog);
  useEffect(() => {
    if (query.trim() === '') return;
    const timer = setTimeout(() => void runSearch(query), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, runSearch]);
  return (
    <div className="search-row">
      <div className="search-box">
        <Icon name="search" size={16} />
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          value={query}
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query !== '') {
              e.stopPropagation();
              setQuery('');
            }
          }}
        />
        {query !== '' ? (
          <button
            type="button"
            className="icon-button small"
            aria-label={t('search.clear')}
            onClick={() => setQuery('')}
          >
            <Icon name="close" size={14} />
          </button>
        ) : (
          <kbd className="search-kbd">{t('search.shortcut')}</kbd>
        )}
      </div>
      <button
        type="button"
        className="icon-button add-button"
        aria-label={t('contacts.add')}
        title={t('contacts.add')}
        onClick={props.onAdd}
      >
        <Icon name="plus" size={18} />
      </button>
      <button
        type="button"
        className="icon-button add-button"
        aria-label={t('groups.create')}
        title={t('groups.create')}
        onClick={() => setGroupDialog({ kind: 'create' })}
      >
        <Icon name="group" size={18} />
      </button>
      <button
        type="button"
        className="icon-button add-button"
        aria-label={t('multiSend.open')}
        title={t('multiSend.open')}
        onClick={() => setGroupDialog({ kind: 'multi-send' })}
      >
        <Icon name="multi" size={18} />
      </button>
    </div>
  );
}

import { useEffect, useSyncExternalStore } from 'react';
import type { i18n } from 'i18next';
import { resolveLanguage } from './i18n';
import { useAppStore } from './store/context';
import { selectUnreadTotal } from './store/selectors';
import type { AppStore } from './store/create-app-store';
import { SEARCH_INPUT_ID } from './components/SearchBox';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeDark(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
const systemDark = () =>
  typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;

/** Language and theme follow the settings; `system` follows the OS and reacts when it changes. */
export function usePreferences(i18nInstance: i18n): void {
  const language = useAppStore((s) => s.settings?.language ?? 'system');
  const theme = useAppStore((s) => s.settings?.theme ?? 'system');
  const dark = useSyncExternalStore(subscribeDark, systemDark);
  useEffect(() => {
    const lng = resolveLanguage(language, navigator.language);
    if (i18nInstance.language !== lng) void i18nInstance.changeLanguage(lng);
    document.documentElement.lang = lng;
  }, [language, i18nInstance]);
  useEffect(() => {
    document.documentElement.dataset['theme'] =
      theme === 'system' ? (dark ? 'dark' : 'light') : theme;
  }, [theme, dark]);
}

/** The window title carries the unread count, as the taskbar shows it. */
export function useDocumentTitle(name: string, unreadTitle: (n: number) => string): void {
  const unread = useAppStore(selectUnreadTotal);
  useEffect(() => {
    document.title = unread > 0 ? unreadTitle(unread) : name;
  }, [unread, name, unreadTitle]);
}

/** A hidden window counts incoming messages as unread even in the open conversation. */
export function useWindowVisibility(store: AppStore): void {
  useEffect(() => {
    const update = () => store.getState().setWindowHidden(document.hidden);
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [store]);
}

export function focusSearch(): void {
  const input = document.getElementById(SEARCH_INPUT_ID);
  if (input instanceof HTMLInputElement) {
    input.focus();
    input.select();
  }
}

/** Ctrl/Cmd+K or Ctrl/Cmd+F: search. Esc: close the settings, the packet detail, the inspector, or clear the search. */
export function useShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const s = store.getState();
      const key = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (key === 'k' || key === 'f')) {
        e.preventDefault();
        if (s.settingsOpen) s.setSettingsOpen(false);
        if (s.view !== 'chats') s.setView('chats');
        // The search box may only now be rendered.
        requestAnimationFrame(focusSearch);
        return;
      }
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (s.settingsOpen) s.setSettingsOpen(false);
      else if (s.view === 'inspector' && s.selectedSeq !== null) s.selectPacket(null);
      else if (s.view === 'inspector') s.setView('chats');
      else if (s.searchQuery !== '') s.setSearchQuery('');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}

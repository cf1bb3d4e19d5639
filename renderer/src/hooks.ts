import { useEffect, useSyncExternalStore } from 'react';
import type { i18n } from 'i18next';
import { resolveLanguage } from './i18n';
import { useAppStore } from './store/context';
import { selectUnreadTotal } from './store/selectors';
import type { AppStore } from './store/create-app-store';
import { windowIsActive } from './store/ui-slice';
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

/**
 * Messages count as read only while the window is visible and focused: hidden, minimised or in
 * the background, what arrives stays unread (and the title and badge say so).
 */
export function useWindowActivity(store: AppStore): void {
  useEffect(() => {
    const update = () => store.getState().setWindowActive(windowIsActive());
    update();
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
    };
  }, [store]);
}

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
const IDLE_CHECK_MS = 15_000;

/**
 * Auto-away: after `settings.autoAwayMinutes` without input, Online becomes Away; the next input
 * brings Online back. Away or Busy chosen by hand are left alone.
 */
export function useAutoAway(store: AppStore): void {
  const minutes = useAppStore((s) => s.settings?.autoAwayMinutes ?? 0);
  useEffect(() => {
    if (minutes <= 0) return;
    let lastInput = Date.now();
    const onInput = () => {
      lastInput = Date.now();
      const s = store.getState();
      if (!s.autoAway) return;
      s.setAutoAway(false);
      if (s.self?.status === 'away') void s.saveSettings({ status: 'online' });
    };
    const timer = setInterval(() => {
      const s = store.getState();
      if (s.autoAway || s.self?.status !== 'online') return;
      if (Date.now() - lastInput < minutes * 60_000) return;
      s.setAutoAway(true);
      void s.saveSettings({ status: 'away' });
    }, IDLE_CHECK_MS);
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onInput, { passive: true });
    return () => {
      clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onInput);
    };
  }, [store, minutes]);
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
      else if (s.selection !== null) s.clearSelection();
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

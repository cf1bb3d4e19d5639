import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The active language's `t` and its name, as `useTranslation()` gives them. */
export interface Text {
  readonly t: ReturnType<typeof useTranslation>['t'];
  readonly language: string;
}

const TextContext = createContext<Text | null>(null);

/**
 * Binds i18next once for the whole window. `useTranslation()` in every list row subscribed each
 * row to i18next's events and built a wrapper per render (5-10 ms when a conversation opened);
 * rows read this context instead, and re-render when the language changes, as before.
 */
export function TextProvider(props: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const value = useMemo(() => ({ t, language }), [t, language]);
  return <TextContext.Provider value={value}>{props.children}</TextContext.Provider>;
}

/** `t` and the language for components inside `TextProvider` (list rows and their parts). */
export function useText(): Text {
  const text = useContext(TextContext);
  if (text === null) throw new Error('useText() outside <TextProvider>');
  return text;
}

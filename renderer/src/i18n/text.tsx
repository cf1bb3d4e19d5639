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
  const value = useMemo(() => ({ t: remembered(t), language }), [t, language]);
  return <TextContext.Provider value={value}>{props.children}</TextContext.Provider>;
}

/**
 * `t` that keeps the text of each key asked for without options: every contact row and message
 * asks for the same labels, and i18next resolves each call again (20-50 µs a call while the page
 * is new). A new language gives a new `t` (react-i18next), so a new, empty record.
 */
function remembered(t: Text['t']): Text['t'] {
  const known = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const cached = (...args: unknown[]): unknown => {
    const [key] = args;
    if (args.length !== 1 || typeof key !== 'string') return call(...args);
    const kept = known.get(key);
    if (kept !== undefined) return kept;
    const text = call(key);
    if (typeof text === 'string') known.set(key, text);
    return text;
  };
  return cached as unknown as Text['t'];
}

/** `t` and the language for components inside `TextProvider` (list rows and their parts). */
export function useText(): Text {
  const text = useContext(TextContext);
  if (text === null) throw new Error('useText() outside <TextProvider>');
  return text;
}

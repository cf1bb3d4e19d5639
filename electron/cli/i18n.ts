// The terminal chat's words, in English and Simplified Chinese. The language follows the locale the
// way POSIX programs do (LC_ALL, then LC_MESSAGES, then LANG: the first one set wins); a locale
// starting with `zh` gets Chinese, everything else English. The desktop app's dictionaries live in
// renderer/, which electron/ may not import; these are the CLI's own, and much smaller.
import { EN, type Messages } from './messages-en';
import { ZH_CN } from './messages-zh-cn';

export type Language = 'en' | 'zh-CN';
export type MessageKey = keyof Messages;
export type MessageParams = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export const DICTIONARIES: Readonly<Record<Language, Messages>> = { en: EN, 'zh-CN': ZH_CN };

export function languageFromEnv(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = [env['LC_ALL'], env['LC_MESSAGES'], env['LANG']].find(
    (value) => value !== undefined && value !== '',
  );
  return locale?.toLowerCase().startsWith('zh') === true ? 'zh-CN' : 'en';
}

/** `{name}` in a message is replaced by params.name; an unknown placeholder stays as it is. */
export function translator(language: Language): Translate {
  const messages = DICTIONARIES[language];
  return (key, params = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
}

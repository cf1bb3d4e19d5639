import { createInstance, type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import type { UiLanguage } from './language';
import { zhCN } from './zh-CN';

export { resolveLanguage, type UiLanguage } from './language';
export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

/** One i18next instance per app (tests make many): resources are bundled, so init is synchronous. */
export function createI18n(language: UiLanguage): i18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

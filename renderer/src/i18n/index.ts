import { createInstance, type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Settings } from '../../../shared/ipc/schemas';
import { en } from './en';
import { zhCN } from './zh-CN';

export type UiLanguage = 'zh-CN' | 'en';
export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

/** `system` follows the OS (navigator.language): any Chinese locale gets Simplified Chinese. */
export function resolveLanguage(setting: Settings['language'], systemLanguage: string): UiLanguage {
  if (setting !== 'system') return setting;
  return systemLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

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

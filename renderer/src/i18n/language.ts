// Which language the window speaks, without i18next: main.tsx needs it before boot.tsx's chunk
// (and i18next with it) has loaded.
import type { Settings } from '../../../shared/ipc/schemas';

export type UiLanguage = 'zh-CN' | 'en';

/** `system` follows the OS (navigator.language): any Chinese locale gets Simplified Chinese. */
export function resolveLanguage(setting: Settings['language'], systemLanguage: string): UiLanguage {
  if (setting !== 'system') return setting;
  return systemLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

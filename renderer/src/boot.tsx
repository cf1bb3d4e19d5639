import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createI18n, resolveLanguage } from './i18n';
import { installEmojiFont } from './lib/emoji-font';
import { formatListTime } from './lib/format';
import { connectBridge } from './store/bridge';
import { createAppStore } from './store/create-app-store';
import type { PacketChatApi } from '../../shared/ipc/contract';

/**
 * The renderer proper, loaded by main.tsx once it has started the first screen's calls: i18n,
 * the store and its bridge, and <App>. `api` is window.packetChat (undefined without a preload).
 */
export function boot(container: HTMLElement, api: PacketChatApi | undefined): void {
  const i18n = createI18n(resolveLanguage('system', navigator.language));
  installEmojiFont();
  if (api) {
    const store = createAppStore(api);
    const disconnect = connectBridge(store, api);
    // `unload` is deprecated in Chromium; a page kept in the back-forward cache stays connected.
    window.addEventListener('pagehide', (event) => {
      if (!event.persisted) disconnect();
    });
    createRoot(container).render(
      <StrictMode>
        <App store={store} api={api} i18n={i18n} />
      </StrictMode>,
    );
    // The list's clocks and dates: the page's first Intl.DateTimeFormat loads the locale's data
    // (10-25 ms). Made now, while main reads the contacts, not when the first rows render.
    const now = Date.now();
    formatListTime(now, now, i18n.language);
    formatListTime(0, now, i18n.language);
  } else {
    const message = document.createElement('p');
    message.className = 'missing-bridge';
    message.setAttribute('role', 'alert');
    message.textContent = i18n.t('app.missingBridge');
    container.replaceChildren(message);
  }
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/controls.css';
import './styles/sidebar.css';
import './styles/search.css';
import './styles/states.css';
import './styles/conversation.css';
import './styles/inspector.css';
import './styles/settings.css';
import './styles/actions.css';
import './styles/groups.css';
import './styles/trust.css';
import './styles/files.css';
import { createI18n, resolveLanguage } from './i18n';
import { installEmojiFont } from './lib/emoji-font';
import { connectBridge } from './store/bridge';
import { createAppStore } from './store/create-app-store';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const i18n = createI18n(resolveLanguage('system', navigator.language));
installEmojiFont();
const api = window.packetChat;

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
} else {
  const message = document.createElement('p');
  message.className = 'missing-bridge';
  message.setAttribute('role', 'alert');
  message.textContent = i18n.t('app.missingBridge');
  container.replaceChildren(message);
}

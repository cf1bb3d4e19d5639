// The entry: as little as can run before the rest of the renderer has loaded. It starts the
// first screen's calls to main (store/early-calls.ts), so main reads the contacts while the page
// loads and runs boot.tsx's chunk (React, i18n, the store, the first screen), and it says so
// when that chunk cannot load: a page never stays blank.
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
import { resolveLanguage, type UiLanguage } from './i18n/language';
import { startEarlyCalls } from './store/early-calls';

/** Shown when boot.tsx's chunk fails to load (a damaged install); i18n lives in that chunk. */
const BOOT_FAILED: Readonly<Record<UiLanguage, string>> = {
  en: 'PacketChat could not load its window',
  'zh-CN': 'PacketChat 无法加载窗口',
};
/** The window's language, as boot.tsx resolves it. */
const language = resolveLanguage('system', navigator.language);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = container;
const bridge = window.packetChat;
const api = bridge ? startEarlyCalls(bridge) : undefined;

import('./boot').then(
  ({ boot }) => boot(root, api),
  (error: unknown) => {
    const message = document.createElement('p');
    message.className = 'missing-bridge';
    message.setAttribute('role', 'alert');
    message.textContent = `${BOOT_FAILED[language]}: ${error instanceof Error ? error.message : String(error)}`;
    root.replaceChildren(message);
  },
);

// The locale's date data and its collation take 20-40 ms of this thread the first time they are
// used, and the contact list needs both for its first frame (the time of a row's last message,
// the sort by name). Loaded now, while boot.tsx's chunk downloads and compiles off this thread,
// not after it runs.
new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(0);
'a'.localeCompare('b');

import type { i18n } from 'i18next';
import { useCallback } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { PacketChatApi } from '../../shared/ipc/contract';
import { ConversationPane } from './components/ConversationPane';
import { Inspector } from './components/Inspector';
import { NavRail } from './components/NavRail';
import { SettingsDialog } from './components/SettingsDialog';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { useDocumentTitle, usePreferences, useShortcuts, useWindowVisibility } from './hooks';
import { StoreProvider, useAppStore } from './store/context';
import type { AppStore } from './store/create-app-store';

function Shell(props: { store: AppStore; i18n: i18n }) {
  const { t } = useTranslation();
  const view = useAppStore((s) => s.view);
  const settingsOpen = useAppStore((s) => s.settingsOpen);
  usePreferences(props.i18n);
  useShortcuts(props.store);
  useWindowVisibility(props.store);
  useDocumentTitle(
    t('app.name'),
    useCallback((n: number) => t('app.unreadTitle', { n }), [t]),
  );
  return (
    <div className="app">
      <NavRail />
      {view === 'chats' ? (
        <>
          <Sidebar />
          <ConversationPane />
        </>
      ) : (
        <Inspector />
      )}
      {settingsOpen && <SettingsDialog />}
      <Toasts />
    </div>
  );
}

/** The whole renderer for one store, api and i18n instance (tests make their own). */
export function App(props: { store: AppStore; api: PacketChatApi; i18n: i18n }) {
  return (
    <StoreProvider store={props.store} api={props.api}>
      <I18nextProvider i18n={props.i18n}>
        <Shell store={props.store} i18n={props.i18n} />
      </I18nextProvider>
    </StoreProvider>
  );
}

import type { i18n } from 'i18next';
import { useCallback } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { TextProvider } from './i18n/text';
import type { PacketChatApi } from '../../shared/ipc/contract';
import { ConversationPane } from './components/ConversationPane';
import { DeleteDialog } from './components/DeleteDialog';
import {
  LazyFirstRunDialog,
  LazyForwardDialog,
  LazyGroupDialogs,
  LazyInspector,
  LazySettingsDialog,
  LazyTransfersView,
  LazyVerifyDialog,
} from './components/lazy-views';
import { NavRail } from './components/NavRail';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import {
  useAutoAway,
  useDocumentTitle,
  usePreferences,
  useShortcuts,
  useWindowActivity,
} from './hooks';
import { StoreProvider, useAppStore } from './store/context';
import type { AppStore } from './store/create-app-store';

function Shell(props: { store: AppStore; i18n: i18n }) {
  const { t } = useTranslation();
  const view = useAppStore((s) => s.view);
  const settingsOpen = useAppStore((s) => s.settingsOpen);
  const transfersOpen = useAppStore((s) => s.transfersViewOpen);
  const firstRun = useAppStore((s) => s.settings?.onboarded === false && s.self !== null);
  // The dialogs below load their code when first opened (components/lazy-views.ts).
  const forwarding = useAppStore((s) => s.forwarding !== null);
  const groupDialog = useAppStore((s) => s.groupDialog !== null);
  const verifying = useAppStore((s) => s.verifying !== null);
  const setSettingsOpen = useAppStore((s) => s.setSettingsOpen);
  const setTransfersOpen = useAppStore((s) => s.setTransfersViewOpen);
  const startForward = useAppStore((s) => s.startForward);
  const setGroupDialog = useAppStore((s) => s.setGroupDialog);
  const openVerify = useAppStore((s) => s.openVerify);
  usePreferences(props.i18n);
  useShortcuts(props.store);
  useWindowActivity(props.store);
  useAutoAway(props.store);
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
        <LazyInspector />
      )}
      {settingsOpen && <LazySettingsDialog onDismiss={() => setSettingsOpen(false)} />}
      {transfersOpen && <LazyTransfersView onDismiss={() => setTransfersOpen(false)} />}
      {forwarding && <LazyForwardDialog onDismiss={() => startForward(null)} />}
      <DeleteDialog />
      {groupDialog && <LazyGroupDialogs onDismiss={() => setGroupDialog(null)} />}
      {verifying && <LazyVerifyDialog onDismiss={() => openVerify(null)} />}
      {firstRun && <LazyFirstRunDialog />}
      <Toasts />
    </div>
  );
}

/** The whole renderer for one store, api and i18n instance (tests make their own). */
export function App(props: { store: AppStore; api: PacketChatApi; i18n: i18n }) {
  return (
    <StoreProvider store={props.store} api={props.api}>
      <I18nextProvider i18n={props.i18n}>
        <TextProvider>
          <Shell store={props.store} i18n={props.i18n} />
        </TextProvider>
      </I18nextProvider>
    </StoreProvider>
  );
}

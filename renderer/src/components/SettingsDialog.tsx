import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { SettingsForm } from './SettingsForm';
import { StateView } from './StateView';
import { useModalFocus } from './use-modal-focus';

/** A modal window over the app, as QQ's settings are. Esc closes it (see useShortcuts). */
export function SettingsDialog() {
  const { t } = useTranslation();
  const settings = useAppStore((s) => s.settings);
  const load = useAppStore((s) => s.settingsLoad);
  const reload = useAppStore((s) => s.loadSettings);
  const close = useAppStore((s) => s.setSettingsOpen);
  const ref = useRef<HTMLDivElement>(null);
  const trapTab = useModalFocus(ref);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close(false)}>
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        tabIndex={-1}
        onKeyDown={trapTab}
      >
        <header className="dialog-header">
          <h2 id="settings-title">{t('settings.title')}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label={t('settings.close')}
            onClick={() => close(false)}
          >
            <Icon name="close" size={16} />
          </button>
        </header>
        {settings ? (
          <SettingsForm settings={settings} onClose={() => close(false)} />
        ) : (
          <StateView
            load={load}
            loadingText={t('settings.loading')}
            errorText={t('settings.loadError', { message: load.error })}
            onRetry={() => void reload()}
          />
        )}
      </div>
    </div>
  );
}

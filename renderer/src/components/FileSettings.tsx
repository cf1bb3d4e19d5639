import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { FieldRow, Switch } from './SettingsFields';

/**
 * Settings › Files (docs/FILES.md, "Settings"): the download folder, picked in main's folder
 * dialog (the page never types a path), and auto-accept from verified contacts into it.
 */
export function FileSettings(props: {
  downloadDir: string | null;
  autoAcceptVerified: boolean;
  onChange: (patch: { downloadDir?: string | null; autoAcceptVerified?: boolean }) => void;
}) {
  const { t } = useTranslation();
  const pick = useAppStore((s) => s.pickFolder);
  const [error, setError] = useState<string | null>(null);
  const choose = () => {
    setError(null);
    void pick().then((result) => {
      if (!result.ok) setError(result.error.message);
      else if (result.value !== null) props.onChange({ downloadDir: result.value });
    });
  };
  return (
    <>
      <h3 className="section-title">{t('files.settings.title')}</h3>
      <FieldRow
        id="settings-downloadDir"
        label={t('files.settings.downloadDir')}
        hint={t('files.settings.downloadDirHint')}
        error={error === null ? undefined : { text: error }}
      >
        <div className="download-dir">
          <output
            id="settings-downloadDir"
            className="download-dir-path mono"
            translate="no"
            aria-describedby="settings-downloadDir-hint"
          >
            {props.downloadDir ?? t('files.settings.none')}
          </output>
          <button type="button" className="button" onClick={choose}>
            {t('files.settings.choose')}
          </button>
          {props.downloadDir !== null && (
            <button
              type="button"
              className="button"
              onClick={() => props.onChange({ downloadDir: null, autoAcceptVerified: false })}
            >
              {t('files.settings.clear')}
            </button>
          )}
        </div>
      </FieldRow>
      <FieldRow
        id="settings-autoAcceptVerified"
        label={t('files.settings.autoAccept')}
        hint={
          props.downloadDir === null
            ? t('files.settings.needsFolder')
            : t('files.settings.autoAcceptHint')
        }
      >
        <Switch
          id="settings-autoAcceptVerified"
          label={t('files.settings.autoAccept')}
          checked={props.autoAcceptVerified && props.downloadDir !== null}
          onChange={(on) => {
            if (props.downloadDir !== null) props.onChange({ autoAcceptVerified: on });
          }}
        />
      </FieldRow>
    </>
  );
}

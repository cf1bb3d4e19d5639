import { useTranslation } from 'react-i18next';
import type { RelayStatus } from '../../../shared/domain';
import { formatDateTime } from '../lib/format';
import { statusFor } from '../lib/path';
import { EMPTY_RELAY, type FieldError, type RelayDraft } from '../lib/settings-draft';
import { useAppStore } from '../store/context';
import { FieldErrorText, FieldRow, Switch } from './SettingsFields';

/** The most brokers the settings hold (settingsSchema). */
const MAX_RELAYS = 8;

/** A broker's connection as main reports it: connected, connecting or not, since when, why. */
export function RelayState(props: { status: RelayStatus }) {
  const { t, i18n } = useTranslation();
  const s = props.status;
  return (
    <span className={`relay-state relay-${s.state}`}>
      <span className="relay-dot" aria-hidden="true" />
      <span>{t(`settings.relayState.${s.state}`)}</span>{' '}
      <span className="muted">
        {t('settings.relaySince', { time: formatDateTime(s.since, i18n.language) })}
      </span>
      {s.error !== undefined && s.state !== 'connected' && (
        <span className="relay-error"> {t('settings.relayLastError', { message: s.error })}</span>
      )}
    </span>
  );
}

/** Which row an error names (params.n, from 1), if any. */
function rowOf(error: FieldError | undefined): number | undefined {
  if (error === undefined || !('key' in error)) return undefined;
  const n = error.params?.n;
  return typeof n === 'number' ? n - 1 : undefined;
}

/** Brokers (URL, user, password, CA file), the directory switch and each connection's state. */
export function RelaySettings(props: {
  relays: readonly RelayDraft[];
  directory: boolean;
  error: FieldError | undefined;
  onRelays: (relays: readonly RelayDraft[]) => void;
  onDirectory: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  const statuses = useAppStore((s) => s.self?.relays ?? []);
  const errorRow = rowOf(props.error);
  const set = (i: number, field: keyof RelayDraft, value: string | boolean) =>
    props.onRelays(props.relays.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  const remove = (i: number) => props.onRelays(props.relays.filter((_, j) => j !== i));
  return (
    <>
      <h3 className="section-title">{t('settings.relay')}</h3>
      <p className="settings-note" id="settings-relay-hint">
        {t('settings.relayHint')}
      </p>
      {props.relays.length === 0 && <p className="settings-note">{t('settings.relayNone')}</p>}
      {props.relays.map((r, i) => {
        const id = `settings-relay-${i}`;
        const invalid = errorRow === i;
        const status = statusFor(statuses, r.url);
        const field = (
          name: 'url' | 'username' | 'password' | 'caFile',
          label: string,
          type = 'text',
        ) => (
          <label className="relay-field" htmlFor={`${id}-${name}`}>
            <span className="field-label">{label}</span>
            <input
              id={`${id}-${name}`}
              className={name === 'url' || name === 'caFile' ? 'input mono' : 'input'}
              type={type}
              value={r[name]}
              autoComplete={type === 'password' ? 'new-password' : 'off'}
              spellCheck={false}
              placeholder={name === 'url' ? 'mqtts://relay.example.org:8883' : undefined}
              aria-invalid={invalid && (name === 'url' || name === 'caFile')}
              aria-describedby={invalid ? 'settings-relays-error' : undefined}
              onChange={(e) => set(i, name, e.target.value)}
            />
          </label>
        );
        return (
          <fieldset key={i} className={invalid ? 'relay-row invalid' : 'relay-row'}>
            <legend>{t('settings.relayBroker', { n: i + 1 })}</legend>
            <div className="relay-status" role="status">
              {status === undefined ? (
                r.url.trim() === '' ? null : (
                  <span className="relay-state relay-idle">{t('settings.relayNotRunning')}</span>
                )
              ) : (
                <RelayState status={status} />
              )}
            </div>
            {field('url', t('settings.relayUrl'))}
            <div className="relay-pair">
              {field('username', t('settings.relayUser'))}
              {r.passwordSet && r.password === '' ? (
                <div className="relay-field">
                  <span className="field-label">{t('settings.relayPassword')}</span>
                  <span className="relay-password-saved">
                    {t('settings.relayPasswordSaved')} ·{' '}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => set(i, 'passwordSet', false)}
                    >
                      {t('settings.relayPasswordReplace')}
                    </button>
                  </span>
                </div>
              ) : (
                field('password', t('settings.relayPassword'), 'password')
              )}
            </div>
            {field('caFile', t('settings.relayCa'))}
            <p className="field-hint">
              {t('settings.relayCaHint')} {t('settings.relayPasswordNote')}
            </p>
            <button
              type="button"
              className="button"
              aria-label={t('settings.relayRemove', { n: i + 1 })}
              onClick={() => remove(i)}
            >
              {t('settings.relayRemove', { n: i + 1 })}
            </button>
          </fieldset>
        );
      })}
      <FieldErrorText id="settings-relays-error" error={props.error} />
      {props.relays.length < MAX_RELAYS && (
        <button
          type="button"
          className="button"
          onClick={() => props.onRelays([...props.relays, EMPTY_RELAY])}
        >
          {t('settings.relayAdd')}
        </button>
      )}
      <FieldRow
        id="settings-relayDirectory"
        label={t('settings.relayDirectory')}
        hint={t('settings.relayDirectoryHint')}
      >
        <Switch
          id="settings-relayDirectory"
          label={t('settings.relayDirectory')}
          checked={props.directory}
          onChange={props.onDirectory}
        />
      </FieldRow>
      <section className="relay-now" aria-label={t('settings.relayNow')}>
        <h4 className="field-label">{t('settings.relayNow')}</h4>
        {statuses.length === 0 ? (
          <p className="settings-note">{t('settings.relayNoneRunning')}</p>
        ) : (
          <ul className="plain-list">
            {statuses.map((s) => (
              <li key={s.url}>
                <code className="mono" translate="no">
                  {s.url}
                </code>{' '}
                <RelayState status={s} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

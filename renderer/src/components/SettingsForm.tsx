import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PEER_STATUSES } from '../../../shared/domain';
import { IPMSG_ENCODINGS, LANGUAGES, THEMES, type Settings } from '../../../shared/ipc/schemas';
import {
  buildPatch,
  checkField,
  FIELDS,
  toDraft,
  type Draft,
  type FieldError,
  type FieldName,
} from '../lib/settings-draft';
import { useAppStore } from '../store/context';
import { FileSettings } from './FileSettings';
import { RelaySettings } from './RelaySettings';
import { describedBy, FieldRow, Segmented, Switch } from './SettingsFields';

/** Minutes of idleness before Away; 0: never. */
const AUTO_AWAY_CHOICES = [0, 5, 10, 15, 30, 60] as const;

type Errors = Partial<Record<FieldName, FieldError | undefined>>;
type Outcome = 'none' | 'saving' | 'saved' | 'invalid' | { readonly failed: string };

/** Every field is checked as it changes; Save sends only valid, changed fields, or nothing. */
export function SettingsForm(props: { settings: Settings; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useAppStore((s) => s.saveSettings);
  const self = useAppStore((s) => s.self);
  const [draft, setDraft] = useState<Draft>(() => toDraft(props.settings));
  const [errors, setErrors] = useState<Errors>({});
  const [outcome, setOutcome] = useState<Outcome>('none');

  const change = <F extends keyof Draft>(field: F, value: Draft[F]) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    setOutcome('none');
    const checked = checkField(next, field);
    setErrors((e) => ({ ...e, [field]: checked.ok ? undefined : checked.error }));
  };
  const submit = async () => {
    const { patch, errors: found } = buildPatch(draft, props.settings);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setOutcome('invalid');
      return;
    }
    if (Object.keys(patch).length === 0) {
      setOutcome('saved');
      return;
    }
    setOutcome('saving');
    const result = await save(patch);
    if (result.ok) {
      setDraft(toDraft(result.value));
      setOutcome('saved');
      return;
    }
    const field = result.error.field as FieldName | undefined;
    if (field && FIELDS.includes(field)) setErrors({ [field]: { text: result.error.message } });
    setOutcome({ failed: result.error.message });
  };
  const text = (field: 'nick' | 'serverPort' | 'clientPort', hint?: string) => (
    <input
      id={`settings-${field}`}
      className={field === 'nick' ? 'input' : 'input mono port-input'}
      value={draft[field]}
      inputMode={field === 'nick' ? 'text' : 'numeric'}
      onChange={(e) => change(field, e.target.value)}
      {...describedBy(`settings-${field}`, errors[field], hint !== undefined)}
    />
  );

  return (
    <form
      className="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="settings-scroll">
        <h3 className="section-title">{t('settings.profile')}</h3>
        <FieldRow id="settings-nick" label={t('settings.nick')} error={errors.nick}>
          {text('nick')}
        </FieldRow>
        <FieldRow id="settings-status" label={t('settings.status')}>
          <Segmented
            label={t('settings.status')}
            value={draft.status}
            onChange={(v) => change('status', v)}
            options={PEER_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
        </FieldRow>
        <FieldRow
          id="settings-statusText"
          label={t('settings.statusText')}
          hint={t('statusMenu.hint')}
          error={errors.statusText}
        >
          <input
            id="settings-statusText"
            className="input"
            value={draft.statusText}
            placeholder={t('statusMenu.placeholder')}
            onChange={(e) => change('statusText', e.target.value)}
            {...describedBy('settings-statusText', errors.statusText, true)}
          />
        </FieldRow>
        <FieldRow
          id="settings-autoAwayMinutes"
          label={t('settings.autoAway')}
          hint={t('settings.autoAwayHint')}
        >
          <select
            id="settings-autoAwayMinutes"
            className="select"
            value={draft.autoAwayMinutes}
            aria-describedby="settings-autoAwayMinutes-hint"
            onChange={(e) => change('autoAwayMinutes', Number(e.target.value))}
          >
            {AUTO_AWAY_CHOICES.map((m) => (
              <option key={m} value={m}>
                {m === 0 ? t('settings.autoAwayNever') : t('settings.autoAwayAfter', { n: m })}
              </option>
            ))}
          </select>
        </FieldRow>
        <h3 className="section-title">{t('settings.network')}</h3>
        <FieldRow
          id="settings-serverPort"
          label={t('settings.serverPort')}
          error={errors.serverPort}
        >
          {text('serverPort')}
        </FieldRow>
        <FieldRow
          id="settings-clientPort"
          label={t('settings.clientPort')}
          error={errors.clientPort}
        >
          {text('clientPort')}
        </FieldRow>
        <p className="settings-note" role="note">
          {t('settings.portsNote')}{' '}
          {self &&
            (self.tcpPort === null
              ? t('settings.portsInUseNoTcp', { server: self.serverPort, client: self.clientPort })
              : t('settings.portsInUse', {
                  server: self.serverPort,
                  client: self.clientPort,
                  tcp: self.tcpPort,
                }))}
        </p>
        <FieldRow
          id="settings-tcpFallback"
          label={t('settings.tcpFallback')}
          hint={t('settings.tcpFallbackHint')}
        >
          <Switch
            id="settings-tcpFallback"
            label={t('settings.tcpFallback')}
            checked={draft.tcpFallback}
            onChange={(v) => change('tcpFallback', v)}
          />
        </FieldRow>
        <FieldRow
          id="settings-discoveryTargets"
          label={t('settings.discoveryTargets')}
          hint={t('settings.discoveryHint')}
          error={errors.discoveryTargets}
        >
          <textarea
            id="settings-discoveryTargets"
            className="input mono"
            rows={3}
            value={draft.discoveryTargets}
            placeholder="192.168.2.255&#10;10.0.0.7:4000"
            onChange={(e) => change('discoveryTargets', e.target.value)}
            {...describedBy('settings-discoveryTargets', errors.discoveryTargets, true)}
          />
        </FieldRow>
        <RelaySettings
          relays={draft.relays}
          directory={draft.relayDirectory}
          error={errors.relays}
          onRelays={(relays) => change('relays', relays)}
          onDirectory={(on) => change('relayDirectory', on)}
        />
        <h3 className="section-title">{t('settings.ipmsg.title')}</h3>
        <FieldRow
          id="settings-ipmsg"
          label={t('settings.ipmsg.on')}
          hint={t('settings.ipmsg.hint')}
        >
          <Switch
            id="settings-ipmsg"
            label={t('settings.ipmsg.on')}
            checked={draft.ipmsg}
            onChange={(v) => change('ipmsg', v)}
          />
        </FieldRow>
        <FieldRow
          id="settings-ipmsgEncoding"
          label={t('settings.ipmsg.encoding')}
          hint={t('settings.ipmsg.encodingHint')}
        >
          <select
            id="settings-ipmsgEncoding"
            className="select"
            value={draft.ipmsgEncoding}
            aria-describedby="settings-ipmsgEncoding-hint"
            onChange={(e) => change('ipmsgEncoding', e.target.value as Settings['ipmsgEncoding'])}
          >
            {IPMSG_ENCODINGS.map((e) => (
              <option key={e} value={e}>
                {t(`settings.ipmsg.encodings.${e}`)}
              </option>
            ))}
          </select>
        </FieldRow>
        <FieldRow
          id="settings-ipmsgGroup"
          label={t('settings.ipmsg.group')}
          hint={t('settings.ipmsg.groupHint')}
          error={errors.ipmsgGroup}
        >
          <input
            id="settings-ipmsgGroup"
            className="input"
            value={draft.ipmsgGroup}
            onChange={(e) => change('ipmsgGroup', e.target.value)}
            {...describedBy('settings-ipmsgGroup', errors.ipmsgGroup, true)}
          />
        </FieldRow>
        <FileSettings
          downloadDir={draft.downloadDir}
          autoAcceptVerified={draft.autoAcceptVerified}
          onChange={(patch) => {
            // Both at once when the folder is cleared (auto-accept needs one).
            setDraft((d) => ({ ...d, ...patch }));
            setOutcome('none');
          }}
        />
        <h3 className="section-title">{t('settings.appearance')}</h3>
        <FieldRow id="settings-language" label={t('settings.language')}>
          <select
            id="settings-language"
            className="select"
            value={draft.language}
            onChange={(e) => change('language', e.target.value as Settings['language'])}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`settings.languages.${l}`)}
              </option>
            ))}
          </select>
        </FieldRow>
        <FieldRow id="settings-theme" label={t('settings.theme')}>
          <Segmented
            label={t('settings.theme')}
            value={draft.theme}
            onChange={(v) => change('theme', v)}
            options={THEMES.map((v) => ({ value: v, label: t(`settings.themes.${v}`) }))}
          />
        </FieldRow>
        <FieldRow
          id="settings-notifications"
          label={t('settings.notifications')}
          hint={t('settings.notificationsHint')}
        >
          <Switch
            id="settings-notifications"
            label={t('settings.notifications')}
            checked={draft.notifications}
            onChange={(v) => change('notifications', v)}
          />
        </FieldRow>
      </div>
      <footer className="settings-footer">
        <span
          className={
            typeof outcome === 'object' || outcome === 'invalid' ? 'field-error' : 'field-ok'
          }
          role="status"
        >
          {outcome === 'saved' && t('settings.saved')}
          {outcome === 'saving' && t('settings.saving')}
          {outcome === 'invalid' && t('settings.invalid')}
          {typeof outcome === 'object' && t('settings.saveError', { message: outcome.failed })}
        </span>
        <span className="composer-spacer" />
        <button type="button" className="button" onClick={props.onClose}>
          {t('settings.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={outcome === 'saving'}>
          {t('settings.save')}
        </button>
      </footer>
    </form>
  );
}

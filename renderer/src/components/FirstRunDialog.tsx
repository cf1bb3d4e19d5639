import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { settingsSchema } from '../../../shared/ipc/schemas';
import { defaultHue } from '../lib/avatar';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Dialog } from './Dialog';

/** Twelve hues to choose from, plus "automatic" (the colour generated from the node id). */
export const HUES = [0, 25, 45, 90, 140, 170, 195, 215, 240, 265, 290, 330] as const;

/**
 * The first start asks who you are: a nickname (the computer's name suggested, never the login
 * name) and an avatar colour. Peers see both at once.
 */
export function FirstRunDialog() {
  const { t } = useTranslation();
  const self = useAppStore((s) => s.self);
  const settings = useAppStore((s) => s.settings);
  const save = useAppStore((s) => s.saveSettings);
  const [nick, setNick] = useState(() => self?.host || settings?.nick || '');
  const [hue, setHue] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!self || !settings) return null;
  const submit = async () => {
    const checked = settingsSchema.shape.nick.safeParse(nick);
    if (!checked.success) {
      setError(t('firstRun.nickInvalid'));
      return;
    }
    const result = await save({ nick: checked.data, avatarHue: hue, onboarded: true });
    if (!result.ok) setError(result.error.message);
  };
  return (
    <Dialog title={t('firstRun.title')} onClose={() => undefined} required className="first-run">
      <form
        className="first-run-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="dialog-text">{t('firstRun.intro')}</p>
        <div className="first-run-preview">
          <Avatar id={self.nodeId} name={nick || '?'} size={64} hue={hue ?? undefined} />
        </div>
        <label className="field-label" htmlFor="first-run-nick">
          {t('settings.nick')}
        </label>
        <input
          id="first-run-nick"
          className="input"
          value={nick}
          autoFocus
          aria-invalid={error !== null}
          aria-describedby="first-run-nick-hint"
          onChange={(e) => {
            setNick(e.target.value);
            setError(null);
          }}
        />
        <p id="first-run-nick-hint" className="field-hint">
          {t('firstRun.nickHint', { host: self.host })}
        </p>
        <fieldset className="hue-picker">
          <legend className="field-label">{t('firstRun.colour')}</legend>
          <div className="hue-swatches" role="radiogroup" aria-label={t('firstRun.colour')}>
            <button
              type="button"
              role="radio"
              aria-checked={hue === null}
              aria-label={t('firstRun.automatic')}
              className="hue-swatch auto"
              style={{ background: `hsl(${defaultHue(self.nodeId)} 65% 42%)` }}
              onClick={() => setHue(null)}
            >
              A
            </button>
            {HUES.map((h) => (
              <button
                key={h}
                type="button"
                role="radio"
                aria-checked={hue === h}
                aria-label={t('firstRun.hue', { hue: h })}
                className="hue-swatch"
                style={{ background: `hsl(${h} 65% 42%)` }}
                onClick={() => setHue(h)}
              />
            ))}
          </div>
        </fieldset>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <footer className="dialog-footer">
          <button type="submit" className="button primary">
            {t('firstRun.start')}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PEER_STATUSES, type PeerStatus } from '../../../shared/domain';
import { MAX_STATUS_TEXT_LENGTH } from '../../../shared/protocol/constants';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';

/**
 * My status, from my avatar (as in QQ): Online, Away or Busy, and a custom status text peers see
 * next to my name. Esc or a click outside closes it.
 */
export function StatusMenu() {
  const { t } = useTranslation();
  const self = useAppStore((s) => s.self);
  const setOpen = useAppStore((s) => s.setStatusMenuOpen);
  const save = useAppStore((s) => s.saveSettings);
  const setAutoAway = useAppStore((s) => s.setAutoAway);
  const [text, setText] = useState(self?.statusText ?? '');
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    const close = (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (!ref.current?.contains(target) && !target.closest('.nav-me')) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [setOpen]);
  if (!self) return null;
  const choose = async (status: PeerStatus) => {
    setAutoAway(false);
    const result = await save({ status });
    if (!result.ok) setError(result.error.message);
  };
  const saveText = async () => {
    const result = await save({ statusText: text.trim() });
    if (result.ok) setOpen(false);
    else setError(result.error.message);
  };
  return (
    <div
      ref={ref}
      className="status-menu"
      role="dialog"
      aria-label={t('statusMenu.label')}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        document.querySelector<HTMLElement>('.nav-me')?.focus();
      }}
    >
      <div className="status-menu-head">
        <Avatar
          id={self.nodeId}
          name={self.nick}
          size={36}
          hue={self.avatarHue}
          presence={self.status}
        />
        <span className="self-nick" translate="no">
          {self.nick}
        </span>
      </div>
      <div className="status-options" role="radiogroup" aria-label={t('settings.status')}>
        {PEER_STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            role="radio"
            aria-checked={self.status === status}
            className={self.status === status ? 'status-option active' : 'status-option'}
            onClick={() => void choose(status)}
          >
            <span className={`presence-dot presence-${status}`} aria-hidden="true" />
            {t(`status.${status}`)}
          </button>
        ))}
      </div>
      <form
        className="status-text-form"
        onSubmit={(e) => {
          e.preventDefault();
          void saveText();
        }}
      >
        <label className="field-label" htmlFor="status-text">
          {t('statusMenu.text')}
        </label>
        <div className="status-text-row">
          <input
            id="status-text"
            className="input"
            value={text}
            maxLength={MAX_STATUS_TEXT_LENGTH}
            placeholder={t('statusMenu.placeholder')}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="button primary">
            {t('settings.save')}
          </button>
        </div>
        <p className="field-hint">{t('statusMenu.hint')}</p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import type { Toast } from '../store/state';
import { Icon } from './Icon';

const INFO_MS = 6_000;

/** Notices from main that the UI says in its own language (main's text is English). */
const KNOWN = { 'key-accepted': 'notice.known.key-accepted' } as const;
const isKnown = (code: string): code is keyof typeof KNOWN => Object.hasOwn(KNOWN, code);

function ToastItem(props: { toast: Toast }) {
  const { t } = useTranslation();
  const dismiss = useAppStore((s) => s.dismissToast);
  const { toast } = props;
  useEffect(() => {
    if (toast.level !== 'info') return;
    const timer = setTimeout(() => dismiss(toast.id), INFO_MS);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <div
      className={`toast toast-${toast.level}`}
      role={toast.level === 'error' ? 'alert' : 'status'}
    >
      <Icon name={toast.level === 'info' ? 'check' : 'alert'} size={16} />
      <span>
        <strong>{t(`notice.${toast.level}`)}</strong>{' '}
        {toast.text !== undefined ? (
          <span>{t(toast.text.key, toast.text.values)}</span>
        ) : isKnown(toast.code) ? (
          <span>{t(KNOWN[toast.code])}</span>
        ) : (
          <span translate="no">{toast.message}</span>
        )}
      </span>
      <button
        type="button"
        className="icon-button small"
        aria-label={t('notice.dismiss')}
        onClick={() => dismiss(toast.id)}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

/** Main's notices (port in use, database moved aside, …). */
export function Toasts() {
  const toasts = useAppStore((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}

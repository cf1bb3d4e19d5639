import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import type { Toast } from '../store/state';
import { Icon } from './Icon';

const INFO_MS = 6_000;

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
        <span translate="no">
          {toast.text === undefined ? toast.message : t(toast.text.key, toast.text.values)}
        </span>
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

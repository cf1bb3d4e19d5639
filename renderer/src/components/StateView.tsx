import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Load } from '../store/load';

/** The loading and error states every list shares. */
export function StateView(props: {
  load: Load;
  loadingText: string;
  errorText: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  if (props.load.status === 'error') {
    return (
      <div className="state-view error" role="alert">
        <p>{props.errorText}</p>
        {props.onRetry && (
          <button type="button" className="button" onClick={props.onRetry}>
            {t('conversation.retry')}
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="state-view" role="status">
      <span className="spinner" aria-hidden="true" />
      <p>{props.loadingText}</p>
    </div>
  );
}

export function EmptyView(props: { title: string; hint?: string; icon?: ReactNode }) {
  return (
    <div className="empty-view">
      {props.icon}
      <p className="empty-title">{props.title}</p>
      {props.hint && <p className="empty-hint">{props.hint}</p>}
    </div>
  );
}

import { useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';
import { useModalFocus } from './use-modal-focus';

/**
 * A small modal dialog (WAI-ARIA dialog pattern): focus moves in and stays inside, Esc and the
 * backdrop close it, and focus returns to where it was.
 */
export function Dialog(props: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  role?: 'dialog' | 'alertdialog';
  /** Hides the × button (a first-run question that must be answered). */
  required?: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const trapTab = useModalFocus(ref);
  const titleId = useId();
  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !props.required) props.onClose();
      }}
    >
      <div
        ref={ref}
        className={`dialog small-dialog ${props.className ?? ''}`}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !props.required) {
            e.preventDefault();
            e.stopPropagation();
            props.onClose();
            return;
          }
          trapTab(e);
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{props.title}</h2>
          {!props.required && (
            <button
              type="button"
              className="icon-button"
              aria-label={t('actions.close')}
              onClick={props.onClose}
            >
              <Icon name="close" size={16} />
            </button>
          )}
        </header>
        {props.children}
      </div>
    </div>
  );
}

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../lib/settings-draft';

export function FieldErrorText(props: { id: string; error: FieldError | undefined }) {
  const { t } = useTranslation();
  if (!props.error) return null;
  const text =
    'text' in props.error
      ? props.error.text
      : t(`settings.errors.${props.error.key}`, props.error.params ?? {});
  return (
    <p id={props.id} className="field-error" role="alert">
      {text}
    </p>
  );
}

/** A labelled row: label on the left, control and its hint or error below it on the right. */
export function FieldRow(props: {
  id: string;
  label: string;
  hint?: string;
  error?: FieldError | undefined;
  children: ReactNode;
}) {
  return (
    <div className={props.error ? 'field-row invalid' : 'field-row'}>
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <div className="field-control">
        {props.children}
        {props.hint && !props.error && (
          <p className="field-hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        )}
        <FieldErrorText id={`${props.id}-error`} error={props.error} />
      </div>
    </div>
  );
}

/** aria attributes that tie a control to its hint or error. */
export function describedBy(id: string, error: FieldError | undefined, hasHint: boolean) {
  return {
    'aria-invalid': error !== undefined,
    'aria-describedby': error ? `${id}-error` : hasHint ? `${id}-hint` : undefined,
  };
}

export function Switch(props: {
  id: string;
  checked: boolean;
  label: string;
  onChange: (v: boolean) => void;
}) {
  return (
    <button
      id={props.id}
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      className={props.checked ? 'switch on' : 'switch'}
      onClick={() => props.onChange(!props.checked)}
    >
      <span className="switch-knob" />
    </button>
  );
}

export function Segmented<T extends string>(props: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === props.value}
          className={o.value === props.value ? 'segment active' : 'segment'}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

import { useEffect, useReducer, useRef, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { useModalFocus } from './use-modal-focus';

/**
 * Where a view loaded on first use stands, which decides how its loading and error states look:
 * over the window as a dialog would, filling a pane, or in the line of what is around it.
 */
export type LazyPlace = 'dialog' | 'pane' | 'inline';

/** What every view made by lazyView takes besides its own props. */
export interface LazyViewProps {
  /** Closes the view from its error state (a dialog's close action); none: only Try again. */
  readonly onDismiss?: () => void;
}

export type LazyView<P> = ComponentType<P & LazyViewProps> & {
  /** Starts loading the view's code now (before it is shown); the same promise every time. */
  preload(): Promise<unknown>;
};

/**
 * A view whose code is in its own chunk, loaded when it is first shown (`import()` in `load`),
 * so the window's first screen does not parse and run it. Until the chunk is in, the view shows
 * its loading state; if it fails to load, an error state with the reason and Try again (and a
 * close button, given `onDismiss`), never an empty place. Once loaded, the view renders at once
 * each later time. No Suspense: React holds a revealed Suspense boundary back for up to 300 ms.
 */
export function lazyView<P extends object>(
  load: () => Promise<ComponentType<P>>,
  place: LazyPlace,
): LazyView<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = (): Promise<ComponentType<P>> =>
    (pending ??= load().then(
      (view) => {
        loaded = view;
        return view;
      },
      (error: unknown) => {
        // The next attempt imports again (a chunk that failed once may load the next time).
        pending = undefined;
        throw error;
      },
    ));
  function View(props: P & LazyViewProps) {
    const [attempt, retry] = useReducer((n: number) => n + 1, 0);
    const [error, setError] = useState<string | null>(null);
    const [, arrived] = useReducer((n: number) => n + 1, 0);
    useEffect(() => {
      if (loaded !== undefined) return;
      let live = true;
      preload().then(
        () => {
          if (live) arrived();
        },
        (reason: unknown) => {
          if (live) setError(reason instanceof Error ? reason.message : String(reason));
        },
      );
      return () => {
        live = false;
      };
    }, [attempt]);
    if (loaded !== undefined) {
      const Loaded = loaded;
      return <Loaded {...props} />;
    }
    if (error !== null)
      return (
        <LazyFailed
          place={place}
          message={error}
          onRetry={() => {
            setError(null);
            retry();
          }}
          onDismiss={props.onDismiss}
        />
      );
    return <LazyLoading place={place} />;
  }
  return Object.assign(View, { preload });
}

const frame = (place: LazyPlace, className: string) =>
  place === 'dialog'
    ? `dialog small-dialog lazy-state ${className}`
    : place === 'pane'
      ? `lazy-pane ${className}`
      : `lazy-inline ${className}`;

/** The loading state: it takes no focus, so the view, once in, sees where focus was. */
function LazyLoading(props: { place: LazyPlace }) {
  const { t } = useTranslation();
  const box = (
    <div className={frame(props.place, 'state-view')} role="status">
      <span className="spinner" aria-hidden="true" />
      <p>{t('app.loadingView')}</p>
    </div>
  );
  return props.place === 'dialog' ? <div className="overlay">{box}</div> : box;
}

interface FailedProps {
  readonly place: LazyPlace;
  readonly message: string;
  readonly onRetry: () => void;
  readonly onDismiss: (() => void) | undefined;
}

/** The error state: the reason, Try again, and Close where the view can be closed. */
function FailedContent(props: FailedProps) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('app.viewFailed', { message: props.message })}</p>
      <div className="lazy-actions">
        <button type="button" className="button primary" onClick={props.onRetry}>
          {t('conversation.retry')}
        </button>
        {props.onDismiss && (
          <button type="button" className="button" onClick={props.onDismiss}>
            {t('actions.close')}
          </button>
        )}
      </div>
    </>
  );
}

function LazyFailed(props: FailedProps) {
  if (props.place === 'dialog') return <LazyFailedDialog {...props} />;
  return (
    <div className={frame(props.place, 'state-view error')} role="alert">
      <FailedContent {...props} />
    </div>
  );
}

/** As a dialog would: it takes focus, keeps Tab inside, Esc closes, focus goes back after. */
function LazyFailedDialog(props: FailedProps) {
  const ref = useRef<HTMLDivElement>(null);
  const trapTab = useModalFocus(ref);
  return (
    <div className="overlay">
      <div
        ref={ref}
        className={frame(props.place, 'state-view error')}
        role="alert"
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && props.onDismiss) {
            e.preventDefault();
            e.stopPropagation();
            props.onDismiss();
            return;
          }
          trapTab(e);
        }}
      >
        <FailedContent {...props} />
      </div>
    </div>
  );
}

// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazyView, type LazyPlace } from '../../../renderer/src/components/lazy-view';
import { createI18n } from '../../../renderer/src/i18n';
import { renderApp } from '../render-app';

afterEach(cleanup);

function Greeting(props: { name: string }) {
  return <p>Hello {props.name}</p>;
}

/** A chunk whose import the test settles by hand. */
function chunk() {
  let settle: { resolve: (view: typeof Greeting) => void; reject: (error: Error) => void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };
  const load = vi.fn(
    () =>
      new Promise<typeof Greeting>((resolve, reject) => {
        settle = { resolve, reject };
      }),
  );
  return {
    load,
    resolve: (v: typeof Greeting) => settle.resolve(v),
    reject: (e: Error) => settle.reject(e),
  };
}

function show(place: LazyPlace, load: () => Promise<typeof Greeting>, onDismiss?: () => void) {
  const dismiss = onDismiss === undefined ? {} : { onDismiss };
  const View = lazyView(load, place);
  const i18n = createI18n('en');
  const ui = (
    <I18nextProvider i18n={i18n}>
      <button type="button">opener</button>
      <View name="Alice" {...dismiss} />
    </I18nextProvider>
  );
  return { View, ...render(ui), ui };
}

describe('a view loaded on first use', () => {
  it('shows its loading state, then the view, and at once the next time', async () => {
    const c = chunk();
    const { unmount, ui } = show('pane', c.load);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect(screen.queryByText('Hello Alice')).toBeNull();
    await act(async () => {
      c.resolve(Greeting);
      await Promise.resolve();
    });
    expect(await screen.findByText('Hello Alice')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
    unmount();
    // Mounted again: the code is in, no loading state and no second import.
    render(ui);
    expect(screen.getByText('Hello Alice')).toBeTruthy();
    expect(c.load).toHaveBeenCalledTimes(1);
  });

  it('shows why when its chunk fails to load, and Try again loads it', async () => {
    const c = chunk();
    show('inline', c.load);
    await act(async () => {
      c.reject(new Error('Failed to fetch dynamically imported module'));
      await Promise.resolve();
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'This view could not load: Failed to fetch dynamically imported module',
    );
    expect(screen.queryByText('Hello Alice')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect(c.load).toHaveBeenCalledTimes(2);
    await act(async () => {
      c.resolve(Greeting);
      await Promise.resolve();
    });
    expect(await screen.findByText('Hello Alice')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('as a dialog, takes focus in its error state; Esc and Close dismiss it', async () => {
    const c = chunk();
    const dismiss = vi.fn();
    show('dialog', c.load, dismiss);
    const user = userEvent.setup();
    screen.getByRole('button', { name: 'opener' }).focus();
    // Loading takes no focus: the dialog, once in, must see where focus was.
    expect(document.activeElement?.textContent).toBe('opener');
    await act(async () => {
      c.reject(new Error('offline'));
      await Promise.resolve();
    });
    const alert = await screen.findByRole('alert');
    expect(document.activeElement).toBe(alert);
    await user.keyboard('{Escape}');
    expect(dismiss).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(dismiss).toHaveBeenCalledTimes(2);
  });
});

describe('the window', () => {
  it('opens Settings through its loading state', async () => {
    const { user } = renderApp();
    await screen.findByRole('option', { name: /^Alice/ });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(await screen.findByRole('dialog', { name: 'Settings' })).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
  });
});

import './dom-setup';
import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach } from 'vitest';
import type { CallHandlers } from '../../shared/ipc';
import { App } from '../../renderer/src/App';
import { createI18n, type UiLanguage } from '../../renderer/src/i18n';
import { connectBridge } from '../../renderer/src/store/bridge';
import { createAppStore } from '../../renderer/src/store/create-app-store';
import { fakeHandlers, sampleData, type FakeData } from './fake-backend';
import { fakeApi } from './fake-api';

/** Fixed "now" for sample data: today at 10:35 local time, so "Today"/"Yesterday" are stable. */
export const NOW = new Date().setHours(10, 35, 0, 0);

export interface RenderOptions {
  readonly data?: FakeData;
  /** Replaces some handlers (an error, a slow answer, a spy). */
  readonly handlers?: Partial<CallHandlers>;
  readonly language?: UiLanguage;
}

const disposers: (() => void)[] = [];
afterEach(() => {
  cleanup();
  for (const dispose of disposers.splice(0)) dispose();
});

/** The whole renderer against a fake main: store, bridge, i18n and <App>, as main.tsx builds them. */
export function renderApp(options: RenderOptions = {}) {
  const data = options.data ?? sampleData(NOW);
  const fake = fakeApi({ ...fakeHandlers(data), ...options.handlers });
  const store = createAppStore(fake.api);
  disposers.push(connectBridge(store, fake.api));
  const i18n = createI18n(options.language ?? 'en');
  const user = userEvent.setup();
  const view = render(<App store={store} api={fake.api} i18n={i18n} />);
  return { ...view, data, fake, store, i18n, user };
}

/** A promise that never settles: keeps a call "loading" for as long as a test looks. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach } from 'vitest';
import type { CallHandlers } from '../../shared/ipc/contract';
import { App } from '../../renderer/src/App';
import { createI18n, type UiLanguage } from '../../renderer/src/i18n';
import { connectBridge } from '../../renderer/src/store/bridge';
import { createAppStore } from '../../renderer/src/store/create-app-store';
import { fakeHandlers, sampleData, type FakeData } from './fake-backend';
import { fakeApi } from './fake-api';

// --- jsdom, made usable for layout-dependent components -------------------------------------
// jsdom lacks layout, ResizeObserver and matchMedia. Virtualized lists read their viewport from
// clientHeight/clientWidth and row heights from offsetHeight: give every element a fixed box so
// TanStack Virtual renders a realistic window of rows.
const BOX = { clientHeight: 600, clientWidth: 400, offsetHeight: 60, offsetWidth: 400 };

for (const [name, value] of Object.entries(BOX)) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
}

class StubResizeObserver {
  observe(): void {
    // Sizes never change in jsdom.
  }
  unobserve(): void {
    // Nothing observed.
  }
  disconnect(): void {
    // Nothing observed.
  }
}
if (!('ResizeObserver' in globalThis)) {
  Object.assign(globalThis, { ResizeObserver: StubResizeObserver });
}
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number) {
  if (typeof options === 'object') this.scrollTop = options.top ?? this.scrollTop;
};
Element.prototype.scrollIntoView = () => undefined;

/** `prefers-color-scheme: dark` answers `systemDark`; tests flip it with setSystemDark. */
let systemDark = false;
const mediaListeners = new Set<() => void>();
export function setSystemDark(dark: boolean): void {
  systemDark = dark;
  for (const listener of mediaListeners) listener();
}
window.matchMedia = (query: string) =>
  ({
    get matches() {
      return query.includes('dark') && systemDark;
    },
    media: query,
    onchange: null,
    addEventListener: (_type: string, listener: () => void) => mediaListeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => mediaListeners.delete(listener),
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  }) as unknown as MediaQueryList;

// --- the app --------------------------------------------------------------------------------------

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

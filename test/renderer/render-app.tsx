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

// --- what is on screen, and whether the window has the focus ---------------------------------
// jsdom has no layout, so no IntersectionObserver. This one says an observed element is on
// screen when `viewport` says so: by default everything rendered is (a tall window); a test
// that scrolls "up" names the message ids it can see, then calls `showMessages` again.
type Viewport = { readonly all: true } | { readonly ids: ReadonlySet<string> };
let viewport: Viewport = { all: true };
const observers = new Set<FakeIntersectionObserver>();

function seen(element: Element): boolean {
  if ('all' in viewport) return true;
  const id = (element as HTMLElement).dataset['seenId'];
  return id !== undefined && viewport.ids.has(id);
}

class FakeIntersectionObserver {
  readonly root = null;
  readonly rootMargin = '0px';
  readonly thresholds = [0];
  private readonly elements = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback) {
    observers.add(this);
  }
  observe(element: Element): void {
    this.elements.add(element);
    queueMicrotask(() => this.report([element]));
  }
  unobserve(element: Element): void {
    this.elements.delete(element);
  }
  disconnect(): void {
    this.elements.clear();
    observers.delete(this);
  }
  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }
  report(elements: Iterable<Element> = this.elements): void {
    const entries = [...elements]
      .filter((e) => this.elements.has(e))
      .map((target) => {
        const visible = seen(target);
        const rect = target.getBoundingClientRect();
        return {
          target,
          isIntersecting: visible,
          intersectionRatio: visible ? 1 : 0,
          intersectionRect: visible ? rect : new DOMRect(),
          boundingClientRect: rect,
          rootBounds: null,
          time: 0,
        };
      });
    if (entries.length > 0) this.callback(entries, this);
  }
}
Object.assign(globalThis, { IntersectionObserver: FakeIntersectionObserver });

/** Which messages are on screen: every rendered one (`'all'`) or only these ids. */
export function showMessages(ids: 'all' | readonly string[]): void {
  viewport = ids === 'all' ? { all: true } : { ids: new Set(ids) };
  for (const observer of observers) observer.report();
}

let focused = true;
document.hasFocus = () => focused;
/** The window gains or loses the focus (as alt-tabbing away does). */
export function setWindowFocus(value: boolean): void {
  focused = value;
  window.dispatchEvent(new Event(value ? 'focus' : 'blur'));
}

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
  viewport = { all: true };
  focused = true;
  localStorage.clear();
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

/**
 * A text matcher for a sentence with names in it: names from other machines sit in their own
 * <bdi> (bidi isolation), so the sentence is the whole text of the element that holds it.
 */
export function wholeText(text: string | RegExp) {
  const matches = (element: Element) =>
    typeof text === 'string' ? element.textContent === text : text.test(element.textContent);
  return (_content: string, element: Element | null): boolean =>
    element !== null && matches(element) && ![...element.children].some(matches);
}

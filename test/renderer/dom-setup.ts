// jsdom lacks layout, ResizeObserver and matchMedia. Virtualized lists read their viewport from
// clientHeight/clientWidth and row heights from offsetHeight: give every element a fixed box so
// TanStack Virtual renders a realistic window of rows. Import this first in each component test.
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
globalThis.ResizeObserver ??= StubResizeObserver;

Element.prototype.scrollTo ??= function scrollTo(this: Element, options?: ScrollToOptions | number) {
  if (typeof options === 'object') this.scrollTop = options.top ?? this.scrollTop;
};
Element.prototype.scrollIntoView ??= () => undefined;

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

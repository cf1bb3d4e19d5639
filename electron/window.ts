import type { WebPreferences } from 'electron';

/**
 * The renderer shows text written on other machines, so it gets no Node, its own JS world and
 * Chromium's sandbox. See https://www.electronjs.org/docs/latest/tutorial/security
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  };
}

/** The part of `WebContents` that `denyNavigation` needs (structural, so tests can pass a fake). */
export interface NavigableContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** The app is one page: a link in a chat message must never replace it or open a new window. */
export function denyNavigation(contents: NavigableContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

// The one app window: hardened preferences, remembered bounds, our UI only.
import { BrowserWindow, nativeImage, screen } from 'electron';
import { lockDownContents } from './security';
import { loadWindowState, saveWindowState } from './window-state';

export interface MainWindowOptions {
  readonly preloadPath: string;
  /** app://packetchat/index.html, or the local dev server in development. */
  readonly url: string;
  /** Profile directory: where the window state is kept. */
  readonly stateDir: string;
  readonly devTools: boolean;
  readonly iconDataUrl: string;
  readonly title: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(options.stateDir, workAreas);
  const window = new BrowserWindow({
    ...(state.x === undefined ? {} : { x: state.x }),
    ...(state.y === undefined ? {} : { y: state.y }),
    width: state.width,
    height: state.height,
    minWidth: 480,
    minHeight: 360,
    title: options.title,
    icon: nativeImage.createFromDataURL(options.iconDataUrl),
    show: false,
    // Written out here, at the construction site, so reviewers and Electronegativity see them.
    // The renderer shows text written on other machines: no Node, its own JS world, Chromium's
    // sandbox, no webviews, no middle-click windows (Auxclick), DevTools only when unpackaged.
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: options.devTools,
    },
  });
  lockDownContents(window.webContents);
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    try {
      saveWindowState(options.stateDir, window.getNormalBounds(), window.isMaximized());
    } catch (error) {
      // A read-only profile must not keep the window from closing; the next run uses defaults.
      console.error('PacketChat: could not save the window state', error);
    }
  });
  window.loadURL(options.url).catch((error: unknown) => {
    console.error('PacketChat: could not load the UI', error);
  });
  return window;
}

/** Brings the window back from the tray, the taskbar or behind other windows. */
export function revealWindow(window: BrowserWindow | undefined): void {
  if (window === undefined || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

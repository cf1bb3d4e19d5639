import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow, revealWindow } from '../../../electron/shell/main-window';
import { loadWindowState } from '../../../electron/shell/window-state';
import { BrowserWindow, resetFakeElectron } from '../../helpers/fake-electron';

vi.mock('electron', () => import('../../helpers/fake-electron'));

let stateDir = '';
beforeEach(() => {
  resetFakeElectron();
  stateDir = mkdtempSync(path.join(tmpdir(), 'packet-chat-main-window-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function openWindow(devTools = false) {
  const window = createMainWindow({
    preloadPath: '/app/dist-electron/preload.cjs',
    url: 'app://packetchat/index.html',
    stateDir,
    devTools,
    iconDataUrl: 'data:image/png;base64,AA==',
    title: 'PacketChat (default)',
  });
  return window as unknown as BrowserWindow;
}

describe('createMainWindow', () => {
  it('isolates, sandboxes and keeps Node, webviews and DevTools out of the renderer', () => {
    const window = openWindow();
    expect(window.options['webPreferences']).toEqual({
      preload: '/app/dist-electron/preload.cjs',
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
      devTools: false,
    });
  });

  it('has DevTools only when asked (unpackaged builds)', () => {
    expect(openWindow(true).options['webPreferences']).toMatchObject({ devTools: true });
  });

  it('loads our UI only and cannot navigate or open windows', () => {
    const window = openWindow();
    expect(window.loadedUrl).toBe('app://packetchat/index.html');
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('shows when ready and remembers its bounds on close', () => {
    const window = openWindow();
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
    window.bounds = { x: 30, y: 40, width: 1100, height: 750 };
    window.maximized = true;
    window.emit('close');
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(loadWindowState(stateDir, screens)).toEqual({ ...window.bounds, maximized: true });
    const next = openWindow();
    expect(next.options).toMatchObject({ x: 30, y: 40, width: 1100, height: 750 });
    expect(next.maximized).toBe(true);
  });

  it('reveal brings the window to the front and ignores a destroyed one', () => {
    const window = openWindow();
    revealWindow(window as never);
    expect(window.visible && window.focused).toBe(true);
    window.destroyed = true;
    expect(() => revealWindow(window as never)).not.toThrow();
    expect(() => revealWindow(undefined)).not.toThrow();
  });
});

// Keep the fake honest: BrowserWindow here is the fake the module under test received.
it('uses the fake electron module', () => {
  openWindow();
  expect(BrowserWindow.instances).toHaveLength(1);
});

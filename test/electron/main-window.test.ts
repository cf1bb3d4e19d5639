import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readLaunchOptions } from '../../electron/shell/launch-options';
import { createMainWindow, revealWindow } from '../../electron/shell/main-window';
import { createQuitGuard } from '../../electron/shell/quit-guard';
import { loadWindowState } from '../../electron/shell/window-state';
import { BrowserWindow, resetFakeElectron } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

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

describe('readLaunchOptions', () => {
  it('reads ports, peers and broadcast among Electron and Chromium switches', () => {
    const argv = [
      '/usr/bin/electron',
      '.',
      '--no-sandbox',
      '--server-port=8100',
      '--client-port',
      '4100',
      '--peer',
      '10.0.0.2',
      '--peer=10.0.0.3:4001',
      '--broadcast',
      '10.0.1.255',
    ];
    expect(readLaunchOptions(argv, {})).toEqual({
      profile: {},
      node: {
        serverPort: 8100,
        clientPort: 4100,
        peers: ['10.0.0.2', '10.0.0.3:4001'],
        broadcast: ['10.0.1.255'],
      },
    });
  });

  it('falls back to the environment for ports, flags winning', () => {
    const env = { PACKET_CHAT_SERVER_PORT: '8200', PACKET_CHAT_CLIENT_PORT: '4200' };
    expect(readLaunchOptions(['--client-port=4300'], env).node).toEqual({
      serverPort: 8200,
      clientPort: 4300,
    });
  });

  it('takes --profile NAME or --data-dir DIR', () => {
    expect(readLaunchOptions(['--profile', 'work'], {}).profile).toEqual({ name: 'work' });
    expect(readLaunchOptions(['--data-dir=/tmp/pc'], {}).profile).toEqual({ dataDir: '/tmp/pc' });
    expect(readLaunchOptions(['--data-dir', 'rel'], {}).profile).toEqual({
      dataDir: path.resolve('rel'),
    });
  });

  it.each([
    ['--server-port=0'],
    ['--server-port=65536'],
    ['--client-port=4x'],
    ['--server-port'],
    ['--profile', '../../etc'],
    ['--profile'],
    ['--profile=a', '--data-dir=/tmp/b'],
    ['--peer=example.com'],
    ['--broadcast=10.0.0'],
  ])('rejects %s', (...argv) => {
    expect(() => readLaunchOptions(argv, {})).toThrow(
      expect.objectContaining({
        code: 'bad-launch-option',
      }),
    );
  });
});

describe('createQuitGuard', () => {
  function deferred() {
    let resolve = () => {};
    const promise = new Promise<void>((res) => {
      resolve = res;
    });
    return { promise, resolve };
  }

  it('holds the quit until the backend has closed, then quits once', async () => {
    const closing = deferred();
    const close = vi.fn(() => closing.promise);
    const quit = vi.fn();
    const guard = createQuitGuard(close, quit, vi.fn());

    const first = { preventDefault: vi.fn() };
    guard.onBeforeQuit(first);
    guard.onWindowAllClosed();
    const second = { preventDefault: vi.fn() };
    guard.onBeforeQuit(second);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(second.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
    expect(quit).not.toHaveBeenCalled();

    closing.resolve();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    const final = { preventDefault: vi.fn() };
    guard.onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
  });

  it('reports a failed close and quits anyway', async () => {
    const failure = new Error('close failed');
    const quit = vi.fn();
    const onError = vi.fn();
    createQuitGuard(() => Promise.reject(failure), quit, onError).onWindowAllClosed();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    expect(onError).toHaveBeenCalledWith(failure);
  });
});

// Keep the fake honest: BrowserWindow here is the fake the module under test received.
it('uses the fake electron module', () => {
  openWindow();
  expect(BrowserWindow.instances).toHaveLength(1);
});

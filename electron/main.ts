// Composition root: wires the networking core to one window. No protocol logic lives here.
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { registerGetSelf } from './get-self';
import { readPortOverrides } from './launch-options';
import { createNode } from './net/node';
import { createQuitGuard } from './quit-guard';
import { denyNavigation, secureWebPreferences } from './window';

// Built to dist-electron/main.js, next to preload.cjs; the renderer is built to dist/.
const HERE = import.meta.dirname;
const PRELOAD = path.join(HERE, 'preload.cjs');
const INDEX_HTML = path.join(HERE, '../dist/index.html');

function defaultNick(): string {
  try {
    return os.userInfo().username;
  } catch {
    // userInfo() throws when the uid has no passwd entry (some containers); any name will do.
    return os.hostname();
  }
}

const node = createNode({ nick: defaultNick(), ...readPortOverrides(process.argv, process.env) });
let mainWindow: BrowserWindow | undefined;

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 900,
    height: 640,
    title: 'PacketChat',
    webPreferences: secureWebPreferences(PRELOAD),
  });
  denyNavigation(window.webContents);
  const devServerUrl = process.env['VITE_DEV_SERVER_URL'];
  const loading = devServerUrl ? window.loadURL(devServerUrl) : window.loadFile(INDEX_HTML);
  loading.catch((error: unknown) => console.error('PacketChat: could not load the UI', error));
  window.on('closed', () => {
    mainWindow = undefined;
  });
  return window;
}

const quitGuard = createQuitGuard(
  () => node.close(),
  () => app.quit(),
  (error) => console.error('PacketChat: closing the node failed', error),
);
app.on('before-quit', (event) => quitGuard.onBeforeQuit(event));
app.on('window-all-closed', () => quitGuard.onWindowAllClosed());

void app.whenReady().then(() => {
  // The UI needs no camera, microphone, notifications permission or the like.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, done) => done(false));
  const started = node.start();
  // A bind failure reaches the renderer through get-self; log it here as well.
  started.catch((error: unknown) => console.error('PacketChat: the node did not start', error));
  registerGetSelf(
    ipcMain,
    () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined),
    () => started.then(() => node.info()),
  );
  mainWindow = createMainWindow();
});

// Composition root: profile, backend (node + store), window, IPC, tray, menu, quit. No protocol
// logic lives here; docs/ELECTRON.md describes the process layout, docs/SECURITY.md the hardening.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import trayIcon from '../build/icons/32x32.png?inline';
import windowIcon from '../build/icons/256x256.png?inline';
import { createBackend, type Backend } from './app/backend';
import { createAppHandlers } from './ipc/app-handlers';
import { createEmitter, type Emitter } from './ipc/emitter';
import { registerCalls } from './ipc/register-calls';
import { appMenuTemplate, installAppMenu, showAboutBox } from './shell/app-menu';
import { handleAppProtocol, registerAppScheme } from './shell/app-protocol';
import { createDesktop, seedDesktop, type Desktop } from './shell/desktop';
import { readLaunchOptions, type LaunchOptions } from './shell/launch-options';
import { createMainWindow, revealWindow } from './shell/main-window';
import { createQuitGuard } from './shell/quit-guard';
import {
  APP_ENTRY_URL,
  createAppUrlCheck,
  createPermissionPolicy,
  devServerUrl,
  isSafeExternalUrl,
  lockDownContents,
} from './shell/security';
import { acquireProfile, type ProfileLock } from './store/profiles';

const PRODUCT_NAME = 'PacketChat';
const APP_ID = 'net.packetchat.app'; // electron-builder.yml `appId`: Windows matches notifications by it
// Built to dist-electron/main.js, next to preload.cjs; the renderer is built to dist/.
const HERE = import.meta.dirname;
const PRELOAD = path.join(HERE, 'preload.cjs');
const UI_ROOT = path.join(HERE, '../dist');

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));
const logError = (what: string) => (error: unknown) =>
  console.error(`PacketChat: ${what} failed`, error);

/** Everything that must happen before `ready`; throws on bad flags or a profile in use. */
function prepare(): { options: LaunchOptions; profile: ProfileLock } {
  app.enableSandbox();
  registerAppScheme();
  // Every web contents, including any we never meant to create, gets the same lock-down.
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const options = readLaunchOptions(process.argv, process.env);
  // No single-instance lock: several copies run side by side, each with its own profile, so
  // Chromium's caches and storage live in the profile too (two copies must not share them).
  const profile = acquireProfile(options.profile);
  const sessionDir = path.join(profile.dir, 'chromium');
  mkdirSync(sessionDir, { recursive: true });
  app.setPath('sessionData', sessionDir);
  return { options, profile };
}

/** The page may ask for notifications, nothing else; the UI is served from app://. */
function secureSession(isOurContents: (contents: unknown) => boolean): void {
  const policy = createPermissionPolicy(isOurContents);
  session.defaultSession.setPermissionRequestHandler(policy.request);
  session.defaultSession.setPermissionCheckHandler(policy.check);
  handleAppProtocol(UI_ROOT);
}

/** Starts the node; the desktop is seeded once it runs, the renderer told if it cannot. */
function startBackend(backend: Backend, emitter: Emitter, desktop: Desktop): Promise<void> {
  const started = backend.start();
  started.then(
    () => seedDesktop(desktop, backend.handlers).catch(logError('reading the unread count')),
    (error: unknown) => {
      console.error('PacketChat: the node did not start', error);
      const message = describeError(error);
      emitter.emit('notice', { level: 'error', code: 'node-start-failed', message });
    },
  );
  return started;
}

/** Quit waits until the backend has said bye and closed the store, then quits for real. */
function installQuit(close: () => Promise<void>, cleanUp: () => void): void {
  const guard = createQuitGuard(
    async () => {
      try {
        await close();
      } finally {
        cleanUp();
      }
    },
    () => app.quit(),
    logError('closing the backend'),
  );
  app.on('before-quit', (event) => guard.onBeforeQuit(event));
  app.on('window-all-closed', () => guard.onWindowAllClosed());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

async function run(options: LaunchOptions, profile: ProfileLock): Promise<void> {
  await app.whenReady();
  const devUrl = devServerUrl(process.env, app.isPackaged);
  const devTools = !app.isPackaged;
  let window: BrowserWindow | undefined = undefined; // created last, once IPC is in place
  const liveWindow = () => (window !== undefined && !window.isDestroyed() ? window : undefined);
  const emitter = createEmitter({
    send(channel, payload) {
      const target = liveWindow();
      target?.webContents.send(channel, payload);
      return target !== undefined;
    },
  });
  secureSession((contents) => contents === liveWindow()?.webContents);

  const desktop = createDesktop({
    productName: PRODUCT_NAME,
    trayIconDataUrl: trayIcon,
    isWindowFocused: () => liveWindow()?.isFocused() ?? false,
    showWindow: () => revealWindow(liveWindow()),
    getWindow: liveWindow,
    emit: emitter.emit,
    setStatus: (status) => {
      Promise.resolve()
        .then(() => handlers['settings:set']({ status }))
        .catch(logError('changing the status'));
    },
    quit: () => app.quit(),
    log: (message, error) => console.warn(message, error),
  });
  const backend: Backend = createBackend({
    lock: profile, // taken before ready (see prepare); the backend releases it on close
    appVersion: app.getVersion(),
    node: options.node,
    ipmsg: options.ipmsg,
    emit: (event, payload) => {
      emitter.emit(event, payload);
      desktop.observe(event, payload);
    },
  });
  const started = startBackend(backend, emitter, desktop);
  const handlers = createAppHandlers({
    backend: backend.handlers,
    started,
    onReady: () => emitter.ready(),
    onSettings: (settings) => desktop.setNotificationsEnabled(settings.notifications),
    openInBrowser: (url) => shell.openExternal(url),
    isSafeExternalUrl,
    openPath: async (path, reveal) => {
      if (reveal) {
        shell.showItemInFolder(path);
        return;
      }
      const error = await shell.openPath(path); // '' when it opened
      if (error !== '') throw new Error(error);
    },
    pickPaths: async (kind) => {
      const properties: ('openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory')[] =
        kind === 'files'
          ? ['openFile', 'multiSelections']
          : kind === 'folders'
            ? ['openDirectory', 'multiSelections']
            : ['openDirectory', 'createDirectory'];
      const target = liveWindow();
      const result =
        target === undefined
          ? await dialog.showOpenDialog({ properties })
          : await dialog.showOpenDialog(target, { properties });
      return result.canceled ? [] : result.filePaths;
    },
  });
  registerCalls({
    handlers,
    getWindow: liveWindow,
    isAppUrl: createAppUrlCheck(devUrl),
    onInternalError: (channel, error) => console.error(`PacketChat: ${channel} failed`, error),
  });

  const about = () =>
    showAboutBox({
      productName: PRODUCT_NAME,
      appVersion: app.getVersion(),
      loadSelf: () => started.then(() => backend.handlers['self:get'](undefined)),
      parent: liveWindow(),
    }).catch(logError('the About box'));
  const menuActions = { about: () => void about(), quit: () => app.quit() };
  installAppMenu(
    appMenuTemplate(PRODUCT_NAME, process.platform === 'darwin', devTools, menuActions),
  );
  installQuit(
    () => backend.close(),
    () => {
      emitter.close();
      desktop.destroy();
      profile.release();
    },
  );
  app.on('activate', () => revealWindow(liveWindow())); // macOS: a click on the dock icon

  window = createMainWindow({
    preloadPath: PRELOAD,
    url: devUrl ?? APP_ENTRY_URL,
    stateDir: profile.dir,
    devTools,
    iconDataUrl: windowIcon,
    title: `${PRODUCT_NAME} (${profile.name})`,
  });
  // A reload or a crashed renderer has no listeners until it says app:ready again.
  window.webContents.on('did-start-loading', () => emitter.unready());
  window.webContents.on('render-process-gone', () => emitter.unready());
}

function fail(error: unknown, profile?: ProfileLock): void {
  console.error('PacketChat: could not start', error);
  dialog.showErrorBox('PacketChat could not start', describeError(error));
  profile?.release();
  app.exit(1);
}

function main(): void {
  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare();
  } catch (error) {
    fail(error);
    return;
  }
  const { options, profile } = prepared;
  run(options, profile).catch((error: unknown) => fail(error, profile));
}

main();

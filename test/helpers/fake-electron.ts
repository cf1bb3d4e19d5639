// A small hand-written stand-in for the `electron` module (Electron cannot start on CI machines).
// Tests do `vi.mock('electron', () => import('./fake-electron'))` and read what the code under
// test did from the recorders below; `resetFakeElectron()` clears them between tests.
import { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invocations: [] as { channel: string; args: unknown[] }[],
  invoke(channel: string, ...args: unknown[]) {
    this.invocations.push({ channel, args });
    return Promise.resolve({ ok: true, value: { channel } });
  },
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  },
};

/**
 * webUtils.getPathForFile: Electron knows the path of a File the user dropped or picked; a File
 * made by page script has none (''). Tests register the paths of their "dropped" files here.
 */
export const webUtils = {
  paths: new WeakMap<object, string>(),
  getPathForFile(file: unknown): string {
    if (typeof file !== 'object' || file === null) throw new TypeError('expected a File');
    return this.paths.get(file) ?? '';
  },
};

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: { url: string }) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: unknown[]) {
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: { url: string }) => Promise<Response> | Response) {
    this.handlers.set(scheme, handler);
  },
};

export class FakeImage {
  constructor(
    readonly dataUrl: string,
    readonly size = 32,
  ) {}
  resize({ width }: { width: number }) {
    return new FakeImage(this.dataUrl, width);
  }
}
export const nativeImage = {
  createFromDataURL: (url: string) => new FakeImage(url),
  createFromBitmap: (_bitmap: Buffer, options: { width: number }) =>
    new FakeImage('bitmap', options.width),
};

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  badgeCount: 0,
  sandboxEnabled: false,
  quitCalls: 0,
  exitCodes: [] as number[],
  paths: new Map<string, string>(),
  appUserModelId: undefined as string | undefined,
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  },
  setAppUserModelId(id: string) {
    this.appUserModelId = id;
  },
  enableSandbox() {
    this.sandboxEnabled = true;
  },
  whenReady: () => Promise.resolve(),
  quit() {
    this.quitCalls += 1;
  },
  exit(code: number) {
    this.exitCodes.push(code);
  },
  setBadgeCount(count: number) {
    this.badgeCount = count;
    return true;
  },
  getVersion: () => '0.1.0',
});

export class Notification extends EventEmitter {
  static supported = true;
  static instances: Notification[] = [];
  static isSupported() {
    return Notification.supported;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    Notification.instances.push(this);
  }
  show() {
    this.shown = true;
  }
}

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  tooltip = '';
  title = '';
  menu: unknown;
  destroyed = false;
  constructor(readonly image: FakeImage) {
    super();
    Tray.instances.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setTitle(text: string) {
    this.title = text;
  }
  setContextMenu(menu: unknown) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = {
  applicationMenu: undefined as unknown,
  buildFromTemplate: (template: unknown[]) => ({ items: template }),
  setApplicationMenu(menu: unknown) {
    this.applicationMenu = menu;
  },
};

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

export class FakeWebContents extends EventEmitter {
  static nextProcessId = 1;
  readonly mainFrame = {
    url: 'app://packetchat/index.html',
    processId: FakeWebContents.nextProcessId++,
    routingId: 1,
  };
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  sent: { channel: string; payload: unknown }[] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  maximized = false;
  visible = false;
  focused = false;
  destroyed = false;
  bounds = { x: 10, y: 20, width: 900, height: 600 };
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return this.bounds;
  }
  isDestroyed() {
    return this.destroyed;
  }
  isFocused() {
    return this.focused;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  overlay: { image: FakeImage | null; description: string } | undefined;
  setOverlayIcon(image: unknown, description: string) {
    this.overlay = { image: image as FakeImage | null, description };
  }
  show() {
    this.visible = true;
  }
  focus() {
    this.focused = true;
  }
}

type PermissionRequest = (
  contents: unknown,
  permission: string,
  done: (ok: boolean) => void,
) => void;
export const session = {
  defaultSession: {
    requestHandler: undefined as PermissionRequest | undefined,
    checkHandler: undefined as ((contents: unknown, permission: string) => boolean) | undefined,
    setPermissionRequestHandler(handler: PermissionRequest) {
      this.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean) {
      this.checkHandler = handler;
    },
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string) {
    this.opened.push(url);
    return Promise.resolve();
  },
};

export const dialog = {
  boxes: [] as unknown[],
  showMessageBox(...args: unknown[]) {
    this.boxes.push(args);
    return Promise.resolve({ response: 0 });
  },
  showErrorBox(...args: unknown[]) {
    this.boxes.push(args);
  },
};

export function resetFakeElectron(): void {
  ipcMain.handlers.clear();
  ipcRenderer.invocations.length = 0;
  ipcRenderer.removeAllListeners();
  contextBridge.exposed.clear();
  webUtils.paths = new WeakMap();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  Notification.instances.length = 0;
  Notification.supported = true;
  Tray.instances.length = 0;
  BrowserWindow.instances.length = 0;
  Menu.applicationMenu = undefined;
  app.badgeCount = 0;
  app.isPackaged = false;
  app.sandboxEnabled = false;
  app.quitCalls = 0;
  app.exitCodes.length = 0;
  app.paths.clear();
  app.appUserModelId = undefined;
  app.removeAllListeners();
  session.defaultSession.requestHandler = undefined;
  session.defaultSession.checkHandler = undefined;
  shell.opened.length = 0;
  dialog.boxes.length = 0;
}

// The composition root with a fake electron module, a fake backend and a fake profile lock:
// what main wires up before and after `ready`, the event path to the window, the About box, a
// notification click, the quit sequence, and a start that fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CALL_CHANNELS, callChannel, eventChannel } from '../../shared/ipc/channels';
import type { ChatMessage } from '../../shared/domain';
import type { EventSink } from '../../shared/ipc/contract';
import {
  app,
  BrowserWindow,
  dialog,
  FakeWebContents,
  ipcMain,
  Menu,
  Notification,
  protocol,
  resetFakeElectron,
  session,
  Tray,
} from '../helpers/fake-electron';

const fakes = vi.hoisted(() => ({
  profileDir: '',
  profileError: undefined as Error | undefined,
  profileRequests: [] as unknown[],
  release: vi.fn(),
  emit: undefined as EventSink | undefined,
  backendOptions: [] as unknown[],
  start: vi.fn(() => Promise.resolve()),
  close: vi.fn(() => Promise.resolve()),
  handlers: {} as Record<string, ReturnType<typeof vi.fn>>,
}));

vi.mock('electron', () => import('../helpers/fake-electron'));
vi.mock('../../electron/store/profiles', () => ({
  defaultProfilesRoot: () => '/profiles',
  acquireProfile: (request: { root?: string; name?: string }) => {
    fakes.profileRequests.push(request);
    if (fakes.profileError !== undefined) throw fakes.profileError;
    return { name: request.name ?? 'default', dir: fakes.profileDir, release: fakes.release };
  },
}));
vi.mock('../../electron/app/backend', () => ({
  createBackend: (options: { emit: EventSink }) => {
    fakes.backendOptions.push(options);
    fakes.emit = options.emit;
    fakes.handlers = {
      'app:ready': vi.fn(() => null),
      'settings:get': vi.fn(() => ({ notifications: true })),
      'self:get': vi.fn(() => ({
        status: 'online',
        nick: 'alice',
        profile: 'work',
        address: '192.168.1.5',
        clientPort: 4100,
        serverPort: 8000,
        tcpPort: 4100,
        interfaces: [],
        protocolVersion: 1,
      })),
      // The muted group counts only its message that @mentions me: 2 + 1.
      'conversations:list': vi.fn(() => [
        { peerId: 'bob', unread: 2, mentions: 0 },
        { peerId: 'group:quiet', unread: 5, mentions: 1 },
      ]),
      'contacts:list': vi.fn(() => []),
      'conversations:mutes': vi.fn(() => ['group:quiet']),
      'groups:list': vi.fn(() => []),
    };
    return { handlers: fakes.handlers, start: fakes.start, close: fakes.close };
  },
}));

const emit: EventSink = (event, payload) => fakes.emit?.(event, payload);
const argv = process.argv;

function trustedEvent(window: BrowserWindow) {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame };
}

function menuItem(label: string): { click: () => void } | undefined {
  const menu = Menu.applicationMenu as { items: { submenu?: { label?: string }[] }[] };
  const items = menu.items.flatMap((top) => top.submenu ?? []);
  return items.find((item) => item.label === label) as { click: () => void } | undefined;
}

beforeAll(() => {
  fakes.profileDir = mkdtempSync(path.join(tmpdir(), 'packet-chat-main-'));
});
afterAll(() => {
  rmSync(fakes.profileDir, { recursive: true, force: true });
  process.argv = argv;
});

describe('electron/main.ts', () => {
  let window: BrowserWindow;

  beforeAll(async () => {
    resetFakeElectron();
    process.argv = ['electron', '.', '--profile', 'work', '--client-port', '4100'];
    delete process.env['VITE_DEV_SERVER_URL'];
    await import('../../electron/main');
    await vi.waitFor(() => expect(BrowserWindow.instances).toHaveLength(1));
    window = BrowserWindow.instances[0]!;
  });
  afterAll(() => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    vi.resetModules();
  });

  it('sandboxes every renderer and serves the UI from app://', () => {
    expect(app.sandboxEnabled).toBe(true);
    expect(protocol.privileged).toMatchObject([{ scheme: 'app' }]);
    expect(protocol.handlers.has('app')).toBe(true);
    expect(window.loadedUrl).toBe('app://packetchat/index.html');
    expect(window.options['webPreferences']).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: true, // the fake app is not packaged
    });
  });

  it('locks the named profile and keeps Chromium data in it (copies run side by side)', () => {
    // The store puts a named profile under the default root (test/electron/store/profiles.test.ts).
    expect(fakes.profileRequests).toEqual([{ name: 'work' }]);
    expect(app.paths.get('sessionData')).toBe(path.join(fakes.profileDir, 'chromium'));
    expect(app).not.toHaveProperty('requestSingleInstanceLock');
  });

  it('passes the profile and launch options to the backend and starts it', () => {
    expect(fakes.backendOptions).toMatchObject([
      {
        lock: { name: 'work', dir: fakes.profileDir },
        appVersion: '0.1.0',
        node: { clientPort: 4100 },
      },
    ]);
    expect(fakes.start).toHaveBeenCalledOnce();
  });

  it('denies permissions except notifications for the window', () => {
    const done = vi.fn();
    session.defaultSession.requestHandler?.(window.webContents, 'media', done);
    session.defaultSession.requestHandler?.(window.webContents, 'notifications', done);
    session.defaultSession.requestHandler?.(new FakeWebContents(), 'notifications', done);
    expect(done.mock.calls).toEqual([[false], [true], [false]]);
  });

  it('locks down every web contents that gets created', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
  });

  it('seeds the tray and badge from the stored unread count, muted conversations left out', async () => {
    await vi.waitFor(() =>
      expect(Tray.instances[0]?.tooltip).toBe('PacketChat: 3 unread messages'),
    );
    expect(app.badgeCount).toBe(3);
  });

  it('registers every channel and queues events until app:ready', async () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CALL_CHANNELS.map(callChannel).sort());
    emit('unread', { total: 4 });
    expect(window.webContents.sent).toEqual([]);
    const ready = ipcMain.handlers.get(callChannel('app:ready'))!;
    await expect(ready(trustedEvent(window), undefined)).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(window.webContents.sent).toContainEqual({
      channel: eventChannel('unread'),
      payload: { total: 4 },
    });
    expect(Tray.instances[0]?.tooltip).toBe('PacketChat: 4 unread messages');
  });

  it('refuses a call from another web contents', async () => {
    const handler = ipcMain.handlers.get(callChannel('self:get'))!;
    const other = new FakeWebContents();
    await expect(
      handler({ sender: other, senderFrame: other.mainFrame }, undefined),
    ).resolves.toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
  });

  it('a notification click shows the window and opens the conversation', () => {
    window.focused = false;
    const message: ChatMessage = {
      id: 'm1',
      peerId: 'peer-1',
      direction: 'in',
      text: 'hi',
      transport: 'udp',
      seq: 1,
      state: 'received',
      sentAt: 1,
      receivedAt: 2,
      remote: '192.168.1.9:4000',
    };
    emit('message', message);
    expect(Notification.instances).toHaveLength(1);
    Notification.instances[0]!.emit('click');
    expect(window.focused).toBe(true);
    expect(window.webContents.sent.at(-1)).toEqual({
      channel: eventChannel('open-conversation'),
      payload: { peerId: 'peer-1' },
    });
  });

  it('queues events again while the page reloads, until it says app:ready', async () => {
    window.webContents.emit('did-start-loading');
    const before = window.webContents.sent.length;
    emit('unread', { total: 9 });
    expect(window.webContents.sent).toHaveLength(before);
    const ready = ipcMain.handlers.get(callChannel('app:ready'))!;
    await ready(trustedEvent(window), undefined);
    expect(window.webContents.sent.at(-1)).toEqual({
      channel: eventChannel('unread'),
      payload: { total: 9 },
    });
  });

  it('brings the window back on activate (a click on the macOS dock icon)', () => {
    window.focused = false;
    app.emit('activate');
    expect(window.focused).toBe(true);
  });

  it('About shows the version and my address', async () => {
    menuItem('About PacketChat')?.click();
    await vi.waitFor(() => expect(dialog.boxes).toHaveLength(1));
    const [parent, box] = dialog.boxes[0] as [unknown, { detail: string }];
    expect(parent).toBe(window);
    expect(box.detail).toContain('PacketChat 0.1.0');
    expect(box.detail).toContain('My address: 192.168.1.5:4100');
  });

  it('on quit closes the backend once, releases the profile, then quits', async () => {
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    app.emit('window-all-closed');
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(app.quitCalls).toBe(1));
    expect(fakes.close).toHaveBeenCalledOnce();
    expect(fakes.release).toHaveBeenCalledOnce();
    expect(Tray.instances[0]?.destroyed).toBe(true);
  });
});

describe('electron/main.ts when it cannot start', () => {
  // main logs the failure in full for the terminal; the user reads the error box.
  let consoleError: MockInstance<typeof console.error>;
  beforeAll(() => {
    consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => consoleError.mockRestore());

  it('says why in an error box and exits without a window (profile in use)', async () => {
    resetFakeElectron();
    fakes.profileError = new Error('profile "work" is in use by process 4242');
    process.argv = ['electron', '.', '--profile', 'work'];
    await import('../../electron/main');
    expect(app.exitCodes).toEqual([1]);
    expect(dialog.boxes).toEqual([
      ['PacketChat could not start', 'profile "work" is in use by process 4242'],
    ]);
    expect(consoleError).toHaveBeenCalledWith('PacketChat: could not start', fakes.profileError);
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('rejects a bad launch option the same way', async () => {
    vi.resetModules();
    resetFakeElectron();
    fakes.profileError = undefined;
    process.argv = ['electron', '.', '--client-port', '99999'];
    await import('../../electron/main');
    expect(app.exitCodes).toEqual([1]);
    expect(JSON.stringify(dialog.boxes)).toContain('--client-port');
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

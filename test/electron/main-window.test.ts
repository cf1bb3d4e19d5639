import { describe, expect, it, vi } from 'vitest';
import { IPC_GET_SELF } from '../../shared/ipc';
import type { InterfaceAddress } from '../../electron/net/interfaces';
import {
  pickDisplayAddress,
  registerGetSelf,
  UntrustedSenderError,
  type InvokeEventLike,
  type SelfSource,
  type WindowLike,
} from '../../electron/get-self';
import { readPortOverrides } from '../../electron/launch-options';
import { createQuitGuard } from '../../electron/quit-guard';
import { denyNavigation, secureWebPreferences } from '../../electron/window';

function iface(address: string, internal = false): InterfaceAddress {
  return { name: 'eth0', address, netmask: '255.255.255.0', broadcast: '0.0.0.0', internal };
}

const INFO: SelfSource = {
  nodeId: '0123456789abcdef0123456789abcdef',
  nick: 'alice',
  serverPort: 8000,
  clientPort: 4001,
  tcpPort: 4001,
  interfaces: [iface('127.0.0.1', true), iface('192.168.1.23')],
};

/** Registers the handler on a fake ipcMain and returns a way to invoke it as a given frame. */
function setUpGetSelf(window: WindowLike | undefined) {
  const handlers = new Map<string, (event: InvokeEventLike) => unknown>();
  const getInfo = vi.fn(() => Promise.resolve(INFO));
  registerGetSelf(
    { handle: (channel, listener) => handlers.set(channel, listener) },
    () => window,
    getInfo,
  );
  const handler = handlers.get(IPC_GET_SELF);
  if (!handler) throw new Error('get-self was not registered');
  return { invokeAs: (senderFrame: unknown) => handler({ senderFrame }), getInfo };
}

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    const preferences = secureWebPreferences('/app/dist-electron/preload.cjs');
    expect(preferences).toMatchObject({
      preload: '/app/dist-electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('denyNavigation', () => {
  it('cancels navigation and denies new windows', () => {
    let willNavigate: ((event: { preventDefault(): void }) => void) | undefined;
    let openHandler: (() => { action: 'deny' }) | undefined;
    denyNavigation({
      on: (_event, listener) => (willNavigate = listener),
      setWindowOpenHandler: (handler) => (openHandler = handler),
    });
    const event = { preventDefault: vi.fn() };
    willNavigate?.(event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });
});

describe('pickDisplayAddress', () => {
  it('takes the first non-internal IPv4 address', () => {
    expect(
      pickDisplayAddress([iface('127.0.0.1', true), iface('10.0.0.5'), iface('10.0.1.5')]),
    ).toBe('10.0.0.5');
  });

  it('falls back to loopback when there is no LAN interface', () => {
    expect(pickDisplayAddress([iface('127.0.0.1', true)])).toBe('127.0.0.1');
    expect(pickDisplayAddress([])).toBe('127.0.0.1');
  });
});

describe('registerGetSelf', () => {
  const mainFrame = { url: 'file:///app/dist/index.html' };
  const window: WindowLike = { webContents: { mainFrame } };

  it('answers the main window top frame with the node identity and display address', async () => {
    const { invokeAs } = setUpGetSelf(window);
    await expect(invokeAs(mainFrame)).resolves.toEqual({
      nodeId: INFO.nodeId,
      nick: 'alice',
      address: '192.168.1.23',
      clientPort: 4001,
      serverPort: 8000,
      tcpPort: 4001,
    });
  });

  it('rejects a frame that is not the main window top frame', async () => {
    const { invokeAs, getInfo } = setUpGetSelf(window);
    const iframe = { url: 'file:///app/dist/index.html' };
    await expect(invokeAs(iframe)).rejects.toBeInstanceOf(UntrustedSenderError);
    await expect(invokeAs(null)).rejects.toBeInstanceOf(UntrustedSenderError);
    expect(getInfo).not.toHaveBeenCalled();
  });

  it('rejects every sender once the window is gone', async () => {
    const { invokeAs } = setUpGetSelf(undefined);
    await expect(invokeAs(mainFrame)).rejects.toMatchObject({ code: 'untrusted-sender' });
  });

  it('passes on a node that failed to start', async () => {
    const handlers = new Map<string, (event: InvokeEventLike) => unknown>();
    const failure = new Error('listen EADDRINUSE: address already in use 0.0.0.0:8000');
    registerGetSelf(
      { handle: (channel, listener) => handlers.set(channel, listener) },
      () => window,
      () => Promise.reject(failure),
    );
    await expect(handlers.get(IPC_GET_SELF)?.({ senderFrame: mainFrame })).rejects.toBe(failure);
  });
});

describe('readPortOverrides', () => {
  it('reads both flag forms among Electron and Chromium switches', () => {
    const argv = [
      '/usr/bin/electron',
      '.',
      '--no-sandbox',
      '--server-port=8100',
      '--client-port',
      '4100',
    ];
    expect(readPortOverrides(argv, {})).toEqual({ serverPort: 8100, clientPort: 4100 });
  });

  it('falls back to the environment, flags winning', () => {
    const env = { PACKET_CHAT_SERVER_PORT: '8200', PACKET_CHAT_CLIENT_PORT: '4200' };
    expect(readPortOverrides(['--client-port=4300'], env)).toEqual({
      serverPort: 8200,
      clientPort: 4300,
    });
    expect(readPortOverrides([], {})).toEqual({});
  });

  it.each([['--server-port=0'], ['--server-port=65536'], ['--client-port=4x'], ['--server-port']])(
    'rejects %s',
    (flag) => {
      expect(() => readPortOverrides([flag], {})).toThrow(/port 1-65535/);
    },
  );
});

describe('createQuitGuard', () => {
  function deferred() {
    let resolve = () => {};
    let reject: (error: unknown) => void = () => {};
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  it('holds the quit until the node has closed, then quits once', async () => {
    const closing = deferred();
    const closeNode = vi.fn(() => closing.promise);
    const quit = vi.fn();
    const guard = createQuitGuard(closeNode, quit, vi.fn());

    const first = { preventDefault: vi.fn() };
    guard.onBeforeQuit(first);
    guard.onWindowAllClosed();
    const second = { preventDefault: vi.fn() };
    guard.onBeforeQuit(second);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(second.preventDefault).toHaveBeenCalled();
    expect(closeNode).toHaveBeenCalledOnce();
    expect(quit).not.toHaveBeenCalled();

    closing.resolve();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    const final = { preventDefault: vi.fn() };
    guard.onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
    expect(closeNode).toHaveBeenCalledOnce();
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

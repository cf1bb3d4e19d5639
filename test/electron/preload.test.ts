import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CALL_CHANNELS,
  EVENT_CHANNELS,
  callChannel,
  eventChannel,
  methodName,
} from '../../shared/ipc/channels';
import type { PacketChatApi } from '../../shared/ipc/contract';
import { contextBridge, ipcRenderer, resetFakeElectron, webUtils } from '../helpers/fake-electron';

vi.mock('electron', () => import('../helpers/fake-electron'));

let activation = false;
let exposedKeys: string[] = [];
let exposedApi: PacketChatApi | undefined;

// The preload exposes its API when it is imported, once per test file.
beforeAll(async () => {
  vi.stubGlobal('navigator', {
    userActivation: {
      get isActive() {
        return activation;
      },
    },
  });
  await import('../../electron/preload');
  exposedKeys = [...contextBridge.exposed.keys()];
  exposedApi = contextBridge.exposed.get('packetChat') as PacketChatApi | undefined;
});

function loadPreload(): Promise<PacketChatApi> {
  if (exposedApi === undefined) throw new Error('preload exposed nothing');
  return Promise.resolve(exposedApi);
}

beforeEach(() => {
  resetFakeElectron();
  activation = false;
});

describe('preload', () => {
  it('exposes only window.packetChat', async () => {
    await loadPreload();
    expect(exposedKeys).toEqual(['packetChat']);
  });

  it('has exactly one function per call channel plus on, and is frozen', async () => {
    const api = await loadPreload();
    const expected = [...CALL_CHANNELS.map((c) => methodName(c)), 'on'].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected) expect(typeof api[key as keyof PacketChatApi]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
  });

  it('each function invokes its own channel with its argument', async () => {
    const api = await loadPreload();
    activation = true; // so app:openExternal goes through too
    for (const channel of CALL_CHANNELS.filter((c) => c !== 'files:drop')) {
      const call = api[methodName(channel)] as (args?: unknown) => Promise<unknown>;
      await call({ probe: channel });
    }
    expect(ipcRenderer.invocations).toEqual(
      CALL_CHANNELS.filter((c) => c !== 'files:drop').map((c) => ({
        channel: callChannel(c),
        args: [{ probe: c }],
      })),
    );
  });

  it('opens links only during a user gesture', async () => {
    const api = await loadPreload();
    const url = 'https://example.org/';
    await expect(api.appOpenExternal({ url })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', field: 'url' },
    });
    expect(ipcRenderer.invocations).toEqual([]);
    activation = true;
    await api.appOpenExternal({ url });
    expect(ipcRenderer.invocations).toEqual([
      { channel: callChannel('app:openExternal'), args: [{ url }] },
    ]);
  });

  it('sends a drop as the paths Electron knows for its File objects, never paths from the page', async () => {
    const api = await loadPreload();
    const dropped = { name: 'report.pdf' };
    const folder = { name: 'photos' };
    webUtils.paths.set(dropped, '/home/me/report.pdf');
    webUtils.paths.set(folder, '/home/me/photos');
    const madeByPage = { name: 'passwd', path: '/etc/passwd' };
    await api.filesDrop({ peerId: 'p1', files: [dropped, madeByPage, folder] });
    expect(ipcRenderer.invocations).toEqual([
      {
        channel: callChannel('files:drop'),
        args: [{ peerId: 'p1', paths: ['/home/me/report.pdf', '/home/me/photos'] }],
      },
    ]);
  });

  it('sends nothing for a drop of strings, page-made files or junk', async () => {
    const api = await loadPreload();
    const drop = api.filesDrop as (args: unknown) => Promise<unknown>;
    for (const args of [
      { peerId: 'p1', files: ['/etc/passwd'] },
      { peerId: 'p1', files: [{ name: 'made.txt' }] },
      { peerId: 'p1', paths: ['/etc/passwd'] },
      { peerId: 'p1', files: 'not a list' },
      undefined,
    ]) {
      await expect(drop(args)).resolves.toMatchObject({
        ok: false,
        error: { code: 'invalid-argument', reason: 'no-path' },
      });
    }
    expect(ipcRenderer.invocations).toEqual([]);
  });

  it('on() delivers only the payload and returns a disposer', async () => {
    const api = await loadPreload();
    const listener = vi.fn();
    const dispose = api.on('unread', listener);
    ipcRenderer.emit(eventChannel('unread'), { sender: ipcRenderer }, { total: 4 });
    expect(listener).toHaveBeenCalledWith({ total: 4 });
    expect(listener.mock.calls[0]).toHaveLength(1);
    dispose();
    dispose(); // safe twice
    ipcRenderer.emit(eventChannel('unread'), {}, { total: 5 });
    expect(listener).toHaveBeenCalledOnce();
    expect(ipcRenderer.listenerCount(eventChannel('unread'))).toBe(0);
  });

  it('on() subscribes to every event of the contract and nothing else', async () => {
    const api = await loadPreload();
    for (const event of EVENT_CHANNELS) api.on(event, () => {});
    expect(EVENT_CHANNELS.every((e) => ipcRenderer.listenerCount(eventChannel(e)) === 1)).toBe(
      true,
    );
    const on = api.on as (event: string, listener: unknown) => unknown;
    expect(() => on('packet-chat:call:self:get', () => {})).toThrow(TypeError);
    expect(() => on('__proto__', () => {})).toThrow(TypeError);
    expect(() => on('unread', 'not a function')).toThrow(TypeError);
  });
});

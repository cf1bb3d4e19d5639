import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppHandlers, type AppHandlerOptions } from '../../../electron/ipc/app-handlers';
import { isSafeExternalUrl } from '../../../electron/shell/security';
import { CALL_CHANNELS } from '../../../shared/ipc/channels';
import type { Settings } from '../../../shared/ipc/schemas';
import { IpcFailure, type CallHandlers } from '../../../shared/ipc/contract';

const SETTINGS: Settings = {
  nick: 'alice',
  status: 'online',
  serverPort: 8000,
  clientPort: 4000,
  tcpFallback: true,
  discoveryTargets: [],
  relays: [],
  relayDirectory: true,
  language: 'system',
  theme: 'system',
  notifications: false,
  statusText: '',
  avatarHue: null,
  autoAwayMinutes: 10,
  onboarded: true,
  ipmsg: true,
  ipmsgEncoding: 'auto',
  ipmsgGroup: '',
  downloadDir: null,
  autoAcceptVerified: false,
};

function backend(): CallHandlers {
  const entries = CALL_CHANNELS.map(
    (c) => [c, vi.fn(() => Promise.resolve(`${c} value`))] as const,
  );
  return {
    ...Object.fromEntries(entries),
    'settings:get': vi.fn(() => SETTINGS),
    'settings:set': vi.fn(() => SETTINGS),
  } as unknown as CallHandlers;
}

function setUp(started: Promise<void>) {
  const options: AppHandlerOptions = {
    backend: backend(),
    started,
    onReady: vi.fn(),
    onSettings: vi.fn(),
    openInBrowser: vi.fn(() => Promise.resolve()),
    isSafeExternalUrl,
  };
  return { handlers: createAppHandlers(options), options };
}

describe('createAppHandlers', () => {
  it('answers every channel', () => {
    const { handlers } = setUp(Promise.resolve());
    expect(Object.keys(handlers).sort()).toEqual([...CALL_CHANNELS].sort());
  });

  it('holds backend calls until the node has started', async () => {
    let start = () => {};
    const started = new Promise<void>((resolve) => (start = resolve));
    const { handlers, options } = setUp(started);
    const pending = handlers['contacts:list'](undefined);
    await Promise.resolve();
    expect(options.backend['contacts:list']).not.toHaveBeenCalled();
    start();
    await expect(pending).resolves.toBe('contacts:list value');
  });

  it('answers unavailable after a failed start, but still flushes events on ready', async () => {
    const failed = Promise.reject(new Error('listen EADDRINUSE 0.0.0.0:8000'));
    const { handlers, options } = setUp(failed);
    await expect(handlers['self:get'](undefined)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('EADDRINUSE') as string,
    });
    await expect(handlers['app:ready'](undefined)).rejects.toBeInstanceOf(IpcFailure);
    expect(options.onReady).toHaveBeenCalledOnce();
  });

  it('tells the shell about new settings (notifications on or off)', async () => {
    const { handlers, options } = setUp(Promise.resolve());
    await handlers['settings:set']({ notifications: false });
    expect(options.onSettings).toHaveBeenCalledWith(SETTINGS);
  });

  it('opens http(s) links in the system browser and refuses anything else', async () => {
    const { handlers, options } = setUp(Promise.resolve());
    await handlers['app:openExternal']({ url: 'https://example.org/' });
    expect(options.openInBrowser).toHaveBeenCalledWith('https://example.org/');
    await expect(handlers['app:openExternal']({ url: 'file:///etc/passwd' })).rejects.toMatchObject(
      { code: 'invalid-argument', field: 'url' },
    );
    expect(options.openInBrowser).toHaveBeenCalledOnce();
  });

  describe('opening a transfer’s file (files:open)', () => {
    const found = '/home/me/Downloads/report (1).pdf';
    function withShell(openPath?: AppHandlerOptions['openPath']) {
      const { options } = setUp(Promise.resolve());
      const backend = {
        ...options.backend,
        'files:open': vi.fn(() => Promise.resolve({ path: found })),
      } as unknown as CallHandlers;
      const handlers = createAppHandlers({
        ...options,
        backend,
        ...(openPath === undefined ? {} : { openPath }),
      });
      return { handlers, backend };
    }

    it('opens, or shows in its folder, exactly the path the backend found', async () => {
      const openPath = vi.fn(() => Promise.resolve());
      const { handlers, backend } = withShell(openPath);
      await expect(handlers['files:open']({ id: 't1', reveal: false })).resolves.toEqual({
        path: found,
      });
      await handlers['files:open']({ id: 't1', file: 3, reveal: true });
      expect(backend['files:open']).toHaveBeenLastCalledWith({ id: 't1', file: 3, reveal: true });
      expect(openPath.mock.calls).toEqual([
        [found, false],
        [found, true],
      ]);
    });

    it('calls no shell when the backend refuses', async () => {
      const openPath = vi.fn(() => Promise.resolve());
      const { handlers, backend } = withShell(openPath);
      vi.mocked(backend['files:open']).mockImplementation(() => {
        throw new IpcFailure('not-found', 'The file was moved or deleted', undefined, 'gone');
      });
      await expect(handlers['files:open']({ id: 't1', reveal: false })).rejects.toMatchObject({
        reason: 'gone',
      });
      expect(openPath).not.toHaveBeenCalled();
    });

    it('says why when the system cannot open it, and that there is no desktop without a shell', async () => {
      const { handlers } = withShell(() => Promise.reject(new Error('No application')));
      await expect(handlers['files:open']({ id: 't1', reveal: false })).rejects.toMatchObject({
        code: 'unavailable',
        reason: 'open-failed',
        message: expect.stringContaining('No application') as string,
      });
      await expect(
        withShell().handlers['files:open']({ id: 't1', reveal: false }),
      ).rejects.toMatchObject({ code: 'unavailable' });
    });
  });

  it('lets the renderer send and save only what the user picked in main’s dialog', async () => {
    const { options } = setUp(Promise.resolve());
    const picks: string[][] = [['/home/me/a.txt'], ['/home/me/Downloads']];
    const handlers = createAppHandlers({
      ...options,
      pickPaths: () => Promise.resolve(picks.shift() ?? []),
    });
    const made = { peerId: 'p', paths: ['/etc/passwd'] };
    await expect(handlers['files:send'](made)).rejects.toMatchObject({
      code: 'invalid-argument',
      reason: 'not-picked',
    });
    await expect(handlers['files:accept']({ id: 'x', dir: '/home/me/Downloads' })).rejects.toThrow(
      IpcFailure,
    );
    expect(await handlers['files:pick']({ kind: 'files' })).toEqual({ paths: ['/home/me/a.txt'] });
    await handlers['files:send']({ peerId: 'p', paths: ['/home/me/a.txt'] });
    await handlers['files:pick']({ kind: 'folder' });
    await handlers['files:accept']({ id: 'x', dir: '/home/me/Downloads' });
    expect(options.backend['files:send']).toHaveBeenCalledTimes(1);
    expect(options.backend['files:accept']).toHaveBeenCalledTimes(1);
  });

  describe('dropped files', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pc-drop-'));
      await writeFile(join(dir, 'a.txt'), 'a');
      await symlink('/etc/passwd', join(dir, 'link'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('offers dropped files and folders that are there', async () => {
      const { handlers, options } = setUp(Promise.resolve());
      const args = { peerId: 'p', paths: [join(dir, 'a.txt'), dir] };
      await handlers['files:drop'](args);
      expect(options.backend['files:drop']).toHaveBeenCalledWith(args);
    });

    it('refuses a symlink or a path that is not there, and offers nothing', async () => {
      const { handlers, options } = setUp(Promise.resolve());
      await expect(
        handlers['files:drop']({ peerId: 'p', paths: [join(dir, 'a.txt'), join(dir, 'link')] }),
      ).rejects.toMatchObject({ code: 'invalid-argument', field: 'paths', reason: 'bad-path' });
      await expect(
        handlers['files:drop']({ peerId: 'p', paths: [join(dir, 'gone.txt')] }),
      ).rejects.toMatchObject({ code: 'invalid-argument', reason: 'not-found' });
      expect(options.backend['files:drop']).not.toHaveBeenCalled();
    });

    it('grants a drop for that offer only: a dropped folder is not a place to save into', async () => {
      const { handlers, options } = setUp(Promise.resolve());
      await handlers['files:drop']({ peerId: 'p', paths: [dir] });
      await expect(handlers['files:accept']({ id: 'x', dir })).rejects.toMatchObject({
        reason: 'not-picked',
      });
      await expect(
        handlers['files:send']({ peerId: 'p', paths: [join(dir, 'a.txt')] }),
      ).rejects.toMatchObject({ reason: 'not-picked' });
      expect(options.backend['files:accept']).not.toHaveBeenCalled();
    });
  });

  it('sets the download folder only to one picked in main’s dialog, then accepts into it', async () => {
    const { options } = setUp(Promise.resolve());
    let stored: Settings = SETTINGS;
    const backend = {
      ...options.backend,
      'settings:get': vi.fn(() => stored),
      'settings:set': vi.fn((change: Partial<Settings>) => (stored = { ...stored, ...change })),
    } as unknown as CallHandlers;
    const handlers = createAppHandlers({
      ...options,
      backend,
      pickPaths: () => Promise.resolve(['/home/me/Downloads']),
    });
    await expect(handlers['settings:set']({ downloadDir: '/etc' })).rejects.toMatchObject({
      code: 'invalid-argument',
      field: 'downloadDir',
      reason: 'not-picked',
    });
    await expect(handlers['files:accept']({ id: 'x', dir: '/etc' })).rejects.toMatchObject({
      reason: 'not-picked',
    });
    await handlers['files:pick']({ kind: 'folder' });
    await handlers['settings:set']({ downloadDir: '/home/me/Downloads' });
    // A later run (a new set of picks) still accepts into the stored download folder.
    const later = createAppHandlers({ ...options, backend });
    await later['files:accept']({ id: 'x', dir: '/home/me/Downloads' });
    expect(options.backend['files:accept']).toHaveBeenCalledWith({
      id: 'x',
      dir: '/home/me/Downloads',
    });
    await later['settings:set']({ downloadDir: null });
    expect(stored.downloadDir).toBeNull();
  });
});

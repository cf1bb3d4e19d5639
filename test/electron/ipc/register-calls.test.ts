import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, callChannel } from '../../../shared/ipc/channels';
import { IpcFailure, type CallHandlers } from '../../../shared/ipc/contract';
import { createAppUrlCheck } from '../../../electron/shell/security';
import {
  dispatchCall,
  registerCalls,
  type CallEventLike,
  type DispatchContext,
} from '../../../electron/ipc/register-calls';
import { ipcMain, resetFakeElectron } from '../../helpers/fake-electron';

vi.mock('electron', () => import('../../helpers/fake-electron'));

const mainFrame = { url: 'app://packetchat/index.html', processId: 7, routingId: 1 };
const webContents = { mainFrame };
const window = { webContents };
const trusted: CallEventLike = { sender: webContents, senderFrame: mainFrame };

function handlers(overrides: Partial<CallHandlers> = {}): CallHandlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  const base = Object.fromEntries(CALL_CHANNELS.map((c) => [c, vi.fn(unused)]));
  return { ...base, ...overrides } as unknown as CallHandlers;
}

function context(overrides: Partial<DispatchContext> = {}): DispatchContext {
  return {
    handlers: handlers(),
    getWindow: () => window,
    isAppUrl: createAppUrlCheck(),
    onInternalError: vi.fn(),
    ...overrides,
  };
}

beforeEach(() => resetFakeElectron());

describe('dispatchCall', () => {
  it('runs the handler with the parsed arguments and wraps its value', async () => {
    const send = vi.fn(() => ({ id: 'm1' }));
    const ctx = context({ handlers: handlers({ 'messages:send': send as never }) });
    const result = await dispatchCall('messages:send', { peerId: 'p1', text: 'hi' }, trusted, ctx);
    expect(result).toEqual({ ok: true, value: { id: 'm1' } });
    expect(send).toHaveBeenCalledWith({ peerId: 'p1', text: 'hi' });
  });

  it('passes the schema output (trimmed, defaults applied) to the handler', async () => {
    const search = vi.fn(() => []);
    const ctx = context({ handlers: handlers({ 'messages:search': search }) });
    await dispatchCall('messages:search', { query: '  hello  ', limit: 5 }, trusted, ctx);
    expect(search).toHaveBeenCalledWith({ query: 'hello', limit: 5 });
  });

  describe('rejects an untrusted sender before looking at anything else', () => {
    const cases: [string, CallEventLike, DispatchContext][] = [
      ['another window', { sender: { mainFrame }, senderFrame: mainFrame }, context()],
      [
        'a sub-frame of our window',
        { sender: webContents, senderFrame: { url: mainFrame.url } },
        context(),
      ],
      [
        'a sub-frame in the same process',
        { sender: webContents, senderFrame: { ...mainFrame, routingId: 2 } },
        context(),
      ],
      ['a destroyed frame', { sender: webContents, senderFrame: null }, context()],
      ['no window at all', trusted, context({ getWindow: () => undefined })],
    ];
    it.each(cases)('%s', async (_name, event, ctx) => {
      const result = await dispatchCall('self:get', undefined, event, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
      expect(ctx.handlers['self:get']).not.toHaveBeenCalled();
    });

    it.each([
      'file:///home/me/dist/index.html',
      'https://evil.example/index.html',
      'app://elsewhere/index.html',
      'http://localhost:5173/',
      'about:blank',
    ])('our top frame showing %s', async (url) => {
      const frame = { url };
      const foreign = { mainFrame: frame };
      const ctx = context({ getWindow: () => ({ webContents: foreign }) });
      const result = await dispatchCall(
        'self:get',
        undefined,
        { sender: foreign, senderFrame: frame },
        ctx,
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    });

    it('but trusts the dev server origin in development', async () => {
      const frame = { url: 'http://localhost:5173/index.html' };
      const dev = { mainFrame: frame };
      const self = vi.fn(() => ({ nick: 'me' }));
      const ctx = context({
        handlers: handlers({ 'self:get': self as never }),
        getWindow: () => ({ webContents: dev }),
        isAppUrl: createAppUrlCheck('http://localhost:5173/'),
      });
      const result = await dispatchCall(
        'self:get',
        undefined,
        { sender: dev, senderFrame: frame },
        ctx,
      );
      expect(result).toEqual({ ok: true, value: { nick: 'me' } });
    });
  });

  it('trusts our top frame as the same WebFrameMain object or by its process and routing ids', async () => {
    const self = vi.fn(() => ({ nick: 'me' }));
    const ctx = context({ handlers: handlers({ 'self:get': self as never }) });
    const sameIds = { sender: webContents, senderFrame: { ...mainFrame } };
    await expect(dispatchCall('self:get', undefined, sameIds, ctx)).resolves.toMatchObject({
      ok: true,
    });
    await expect(dispatchCall('self:get', undefined, trusted, ctx)).resolves.toMatchObject({
      ok: true,
    });
    expect(self).toHaveBeenCalledTimes(2);
  });

  it('answers unknown-channel for a name outside the contract', async () => {
    const ctx = context();
    for (const name of ['shell:exec', 'toString', '__proto__', 'constructor']) {
      const result = await dispatchCall(name, undefined, trusted, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it.each([
    ['messages:send', { peerId: 'p1', text: 'x'.repeat(300_000) }, 'text'],
    ['settings:set', { nick: 'bell\u0007' }, 'nick'],
    ['messages:send', { peerId: 'p1' }, 'text'],
    ['messages:history', { peerId: 'p1', limit: 10_000 }, 'limit'],
    ['contacts:add', { address: '10.0.0.300' }, 'address'],
    ['settings:set', { serverPort: 70_000 }, 'serverPort'],
    ['settings:set', { discoveryTargets: ['10.0.0.1', 'example.com'] }, 'discoveryTargets.1'],
    ['app:openExternal', { url: 'file:///etc/passwd' }, 'url'],
    ['app:openExternal', { url: 'javascript:alert(1)' }, 'url'],
    ['messages:markRead', 'p1', '(argument)'],
    ['self:get', { sneaky: true }, '(argument)'],
    ['files:drop', { peerId: 'p1', paths: ['relative/a.txt'] }, 'paths.0'],
    ['files:drop', { peerId: 'p1', paths: ['/tmp/a\u0000b'] }, 'paths.0'],
    ['files:drop', { peerId: 'p1', paths: [] }, 'paths'],
    ['files:drop', { peerId: 'p1', files: [{}] }, 'paths'],
    ['files:sendImage', { peerId: 'p1', data: 'not base64!' }, 'data'],
    ['files:thumbnail', { id: 'x', index: -1 }, 'index'],
    ['files:open', { id: 'x', reveal: 'yes' }, 'reveal'],
    ['files:open', { id: 'x', file: 1.5, reveal: false }, 'file'],
    ['files:open', { id: '', reveal: true }, 'id'],
    ['settings:set', { downloadDir: 'Downloads' }, 'downloadDir'],
  ])('answers invalid-argument for %s %j naming the field', async (channel, args, field) => {
    const ctx = context();
    const result = await dispatchCall(channel, args, trusted, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument', field } });
    expect(ctx.handlers[channel as 'self:get']).not.toHaveBeenCalled();
  });

  it('refuses a pasted image over 32 MiB before it reaches the handler', async () => {
    const ctx = context();
    const data = 'A'.repeat(45_000_000);
    const result = await dispatchCall('files:sendImage', { peerId: 'p1', data }, trusted, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument', field: 'data' } });
    expect(ctx.handlers['files:sendImage']).not.toHaveBeenCalled();
  });

  it('refuses the file calls from a sender that is not our window', async () => {
    const ctx = context();
    const other = { mainFrame: { ...mainFrame, processId: 99 } };
    for (const [channel, args] of [
      ['files:drop', { peerId: 'p1', paths: ['/home/me/a.txt'] }],
      ['files:sendImage', { peerId: 'p1', data: 'iVBORw0KGgo=' }],
      ['files:thumbnail', { id: 'x', index: 0 }],
      ['files:open', { id: 'x', reveal: false }],
    ] as const) {
      const event = { sender: other, senderFrame: other.mainFrame };
      const result = await dispatchCall(channel, args, event, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
      expect(ctx.handlers[channel]).not.toHaveBeenCalled();
    }
  });

  it('passes an IpcFailure through with its code and field', async () => {
    const failing = () => {
      throw new IpcFailure('not-found', 'no such message', 'messageId');
    };
    const ctx = context({ handlers: handlers({ 'messages:retry': failing }) });
    const result = await dispatchCall('messages:retry', { messageId: 'x' }, trusted, ctx);
    expect(result).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no such message', field: 'messageId' },
    });
    expect(ctx.onInternalError).not.toHaveBeenCalled();
  });

  it('turns any other error into internal without its message or stack', async () => {
    const secret = new Error('EACCES: /home/alice/.config/PacketChat/profiles/x/db.sqlite');
    const ctx = context({ handlers: handlers({ 'contacts:list': () => Promise.reject(secret) }) });
    const result = await dispatchCall('contacts:list', undefined, trusted, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toMatch(/alice|EACCES|at /);
    expect(ctx.onInternalError).toHaveBeenCalledWith('contacts:list', secret);
  });
});

describe('registerCalls', () => {
  it('registers exactly one ipcMain handler per channel, under its wire name', () => {
    registerCalls(context());
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CALL_CHANNELS.map(callChannel).sort());
  });

  it('routes an invoke through the checks and returns an IpcResult', async () => {
    const ctx = context({
      handlers: handlers({ 'settings:get': () => ({ nick: 'me' }) as never }),
    });
    registerCalls(ctx);
    const handler = ipcMain.handlers.get(callChannel('settings:get'))!;
    await expect(handler(trusted, undefined)).resolves.toEqual({ ok: true, value: { nick: 'me' } });
    const foreign = { sender: {}, senderFrame: mainFrame };
    await expect(handler(foreign, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'untrusted-sender' },
    });
  });

  it('returns a disposer that removes every handler', () => {
    const dispose = registerCalls(context());
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

// The call handlers behind every transport, answered by a real backend on loopback and reached
// through invokeCall (schema, handler, IpcResult), as Electron IPC and --json mode reach them.
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/app/backend';
import type { EventChannel } from '../../../shared/ipc/contract';
import { invokeCall } from '../../../shared/ipc/invoke';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

let backend: Backend;
let dir: string;
const events: { event: EventChannel; payload: unknown }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-handlers-'));
  backend = createBackend({
    profile: { dataDir: dir },
    appVersion: '0.0.0-test',
    node: { ...testPorts(), broadcast: [LOOPBACK_BROADCAST] },
    emit: (event, payload) => events.push({ event, payload }),
  });
  await backend.start();
});
afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (channel: string, args?: unknown) => invokeCall(backend.handlers, channel, args);

describe('call handlers', () => {
  it.each([
    [
      { peerId: 'nobody', text: 'hi' },
      { code: 'not-found', reason: 'unknown-peer' },
    ],
    [
      { peerId: '127.0.0.1:9', text: '' },
      { code: 'invalid-argument', reason: 'empty', field: 'text' },
    ],
    [
      { peerId: '127.0.0.1:9', text: '字'.repeat(30_000) },
      { code: 'invalid-argument', reason: 'too-long', field: 'text' },
    ],
  ])('messages:send %j fails with the node’s reason', async (args, error) => {
    expect(await call('messages:send', args)).toEqual({
      ok: false,
      error: expect.objectContaining(error) as unknown,
    });
  });

  it('sends plain text to an IP:PORT that is no peer, and keeps it under the stranger’s id', async () => {
    const listener = createSocket('udp4');
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
    const got = new Promise<string>((resolve) =>
      listener.once('message', (data) => resolve(data.toString('utf8'))),
    );
    const port = listener.address().port;
    try {
      const sent = await call('messages:send', { peerId: `127.0.0.1:${port}`, text: 'ping' });
      expect(sent).toMatchObject({
        ok: true,
        value: { peerId: `stranger:127.0.0.1:${port}`, state: 'sending', direction: 'out' },
      });
      expect(await got).toBe('ping\n');
      await waitUntil(
        () => events.some((e) => e.event === 'message-state'),
        3_000,
        'the state of the plain send',
      );
      // The history is found under the same address the user typed.
      const history = await call('messages:history', { peerId: `127.0.0.1:${port}`, limit: 10 });
      expect(history).toMatchObject({
        ok: true,
        value: { messages: [{ text: 'ping', state: 'delivered' }] },
      });
    } finally {
      listener.close();
    }
  });

  it('marks a conversation read and answers the unread total left', async () => {
    expect(await call('messages:markRead', { peerId: '127.0.0.1:9' })).toEqual({
      ok: true,
      value: { peerId: 'stranger:127.0.0.1:9', unread: 0 },
    });
    expect(events.some((e) => e.event === 'unread')).toBe(true);
  });

  it('refuses a nickname every peer would reject, and keeps the one it has', async () => {
    const before = await call('settings:get');
    expect(await call('settings:set', { nick: 'bell\u0007' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', field: 'nick' },
    });
    expect(await call('settings:get')).toEqual(before);
  });

  it('answers contacts:add with the endpoint, and a bad address with its field', async () => {
    expect(await call('contacts:add', { address: '127.0.0.1' })).toMatchObject({
      ok: true,
      value: { address: '127.0.0.1' },
    });
    expect(await call('contacts:add', { address: 'example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', field: 'address' },
    });
  });
});

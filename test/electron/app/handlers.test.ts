// The call handlers behind every transport, answered by a real backend on loopback and reached
// through invokeCall (schema, handler, IpcResult), as Electron IPC and --json mode reach them.
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORT_OVERHEAD_BYTES } from '../../../electron/net/crypto/wire-format';
import { createBackend, type Backend } from '../../../electron/app/backend';
import { createNode, type PacketChatNode } from '../../../electron/net/index';
import type { ChatMessage } from '../../../shared/domain';
import type { EventChannel } from '../../../shared/ipc/contract';
import { invokeCall } from '../../../shared/ipc/invoke';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
import { waitForPeer } from '../../helpers/peers';

let backend: Backend;
let dir: string;
let ports: ReturnType<typeof testPorts>;
const events: { event: EventChannel; payload: unknown }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-handlers-'));
  backend = createBackend({
    profile: { dataDir: dir },
    appVersion: '0.0.0-test',
    node: { ...(ports = testPorts()), broadcast: [LOOPBACK_BROADCAST] },
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

  it('keeps relay passwords in main: settings answer "a password is set", and a row without one keeps it', async () => {
    const url = 'mqtt://127.0.0.1:1';
    const relay = { url, username: 'node', password: 's3cret-pw' };
    const set = await call('settings:set', { relays: [relay] });
    expect(JSON.stringify(set)).not.toContain('s3cret-pw');
    const got = await call('settings:get');
    expect(got).toMatchObject({ ok: true, value: { relays: [{ url, passwordSet: true }] } });
    expect(JSON.stringify(got)).not.toContain('s3cret-pw');
    // The form sends the row back with the flag only: the stored password stays.
    await call('settings:set', { relays: [{ url, username: 'node', passwordSet: true }] });
    expect(await call('settings:get')).toMatchObject({
      value: { relays: [{ url, passwordSet: true }] },
    });
    // A row with neither clears it.
    await call('settings:set', { relays: [{ url, username: 'node' }] });
    const cleared = await call('settings:get');
    expect(cleared).toMatchObject({ value: { relays: [{ url, username: 'node' }] } });
    expect(JSON.stringify(cleared)).not.toContain('passwordSet');
    await call('settings:set', { relays: [] });
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

describe('call handlers with a real peer', () => {
  let peer: PacketChatNode;
  let me: string;
  const value = async <T>(channel: string, args?: unknown): Promise<T> => {
    const result = await call(channel, args);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  };
  beforeAll(async () => {
    me = (await value<{ nodeId: string }>('self:get')).nodeId;
    peer = createNode({ ...ports, nick: 'Bea', broadcast: [LOOPBACK_BROADCAST] });
    await peer.start();
    await waitForPeer(peer, me);
  });
  afterAll(() => peer.close());

  it('marks read up to the message seen, and tells the tray the total left', async () => {
    const got: ChatMessage[] = [];
    for (const text of ['one', 'two', 'three']) {
      const stored = waitUntil(
        () => events.some((e) => e.event === 'message' && (e.payload as ChatMessage).text === text),
        5_000,
        text,
      );
      await peer.sendText(me, text);
      await stored;
    }
    for (const e of events) if (e.event === 'message') got.push(e.payload as ChatMessage);
    const two = got.find((m) => m.text === 'two');
    const unreadEvents = events.filter((e) => e.event === 'unread').length;
    expect(await value('messages:markReadUpTo', { peerId: peer.id, messageId: two?.id })).toEqual({
      peerId: peer.id,
      unread: 1,
      mentions: 0,
      total: 1,
    });
    expect(events.filter((e) => e.event === 'unread').length).toBe(unreadEvents + 1);
    expect(events.at(-1)).toEqual({ event: 'unread', payload: { total: 1 } });
    const conversation = (
      await value<{ peerId: string; firstUnreadId: string }[]>('conversations:list')
    ).find((c) => c.peerId === peer.id);
    expect(conversation?.firstUnreadId).toBe(got.find((m) => m.text === 'three')?.id);
    expect(
      await call('messages:markReadUpTo', { peerId: peer.id, messageId: 'gone' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('muting a conversation takes its unread messages off the tray total, unmuting puts them back', async () => {
    await value('conversations:mute', { peerId: peer.id, muted: true });
    expect(events.at(-1)).toEqual({ event: 'unread', payload: { total: 0 } });
    await value('conversations:mute', { peerId: peer.id, muted: false });
    expect(events.at(-1)).toEqual({ event: 'unread', payload: { total: 1 } });
  });

  it('deletes messages for me and says so, and keeps drafts', async () => {
    const three = events.find(
      (e) => e.event === 'message' && (e.payload as ChatMessage).text === 'three',
    );
    const id = (three?.payload as ChatMessage).id;
    expect(await value('messages:delete', { messageIds: [id, 'unknown'] })).toEqual({
      deleted: [id],
    });
    expect(events).toContainEqual({
      event: 'message-deleted',
      payload: { peerId: peer.id, ids: [id] },
    });
    expect(events.at(-1)).toEqual({ event: 'unread', payload: { total: 0 } });
    await value('drafts:set', { peerId: peer.id, text: 'see you at' });
    expect(await value('drafts:list')).toEqual([
      expect.objectContaining({ peerId: peer.id, text: 'see you at' }),
    ]);
    await value('drafts:set', { peerId: peer.id, text: '' });
    expect(await value('drafts:list')).toEqual([]);
  });

  it('gives the inspector a logged packet’s bytes', async () => {
    const packets = await value<{ seq: number; kind: string; size: number }[]>(
      'inspector:packets',
      { limit: 2_000 },
    );
    const text = packets.find((p) => p.kind === 'text');
    const payload = await value<{ base64: string; size: number; decrypted: boolean }>(
      'inspector:payload',
      { seq: text?.seq },
    );
    // The text travelled sealed: the payload is its inner packet, decrypted (29 bytes less).
    expect(payload.decrypted).toBe(true);
    expect(payload.size).toBe((text?.size ?? 0) - TRANSPORT_OVERHEAD_BYTES);
    expect(JSON.parse(Buffer.from(payload.base64, 'base64').toString('utf8'))).toMatchObject({
      proto: 'pchat',
      kind: 'text',
    });
    expect(await value('inspector:payload', { seq: 9_999_999 })).toBeNull();
  });

  it('says whether anyone answered a hello', async () => {
    const answered = await value<{ peer: { id: string; nick: string } | null }>('contacts:add', {
      address: `127.0.0.1:${peer.info().clientPort}`,
      waitMs: 5_000,
    });
    expect(answered.peer).toMatchObject({ id: peer.id, nick: 'Bea' });
    const silent = await value<{ peer: unknown }>('contacts:add', {
      address: '127.0.0.1:9',
      waitMs: 200,
    });
    expect(silent.peer).toBeNull();
  });

  it('queues a message to a peer gone offline at once, and cancels it when deleted', async () => {
    await peer.close();
    await waitUntil(
      () =>
        events.some(
          (e) =>
            e.event === 'contact' &&
            (e.payload as { change: string; peer: { id: string } }).change === 'offline',
        ),
      5_000,
      'the peer offline',
    );
    const sent = await value<ChatMessage>('messages:send', { peerId: peer.id, text: 'later' });
    expect(sent.state).toBe('pending');
    await value('messages:delete', { messageIds: [sent.id] });
    expect(events).toContainEqual({
      event: 'message-state',
      payload: expect.objectContaining({ id: sent.id, state: 'cancelled' }) as unknown,
    });
    expect(events).toContainEqual({
      event: 'message-deleted',
      payload: { peerId: peer.id, ids: [sent.id] },
    });
  });
});

import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/app/backend';
import type { EventChannel, EventPayloads } from '../../../shared/ipc/contract';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
import { intervalsSetDuring } from '../../helpers/intervals';

interface Harness {
  readonly backend: Backend;
  readonly events: { event: EventChannel; payload: unknown }[];
  of<E extends EventChannel>(event: E): EventPayloads[E][];
}

const open: Backend[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function harness(
  ports: { serverPort: number; clientPort: number },
  dataDir?: string,
  liveCounters?: boolean,
): Promise<Harness & { dataDir: string }> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'pc-backend-')));
  if (dataDir === undefined) dirs.push(dir);
  const events: { event: EventChannel; payload: unknown }[] = [];
  const backend = createBackend({
    profile: { dataDir: dir },
    appVersion: '0.0.0-test',
    node: { ...ports, broadcast: [LOOPBACK_BROADCAST], announceIntervalMs: 500 },
    ...(liveCounters === undefined ? {} : { liveCounters }),
    emit: (event, payload) => events.push({ event, payload }),
  });
  open.push(backend);
  await backend.start();
  return {
    backend,
    dataDir: dir,
    events,
    of: <E extends EventChannel>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.payload as EventPayloads[E]),
  };
}

describe('the live counters', () => {
  it('tick every second for the window, and not at all for the command line', async () => {
    const ports = testPorts();
    const live = await intervalsSetDuring(async () => {
      await harness(ports);
    });
    const quiet = await intervalsSetDuring(async () => {
      await harness(ports, undefined, false);
    });
    expect(live.filter((ms) => ms <= 1_000)).toEqual([1_000]);
    expect(quiet.filter((ms) => ms <= 1_000)).toEqual([]);
  });
});

describe('backend (node + store behind the IPC handlers)', () => {
  it('discovers, chats both ways, stores history, counts unread and applies a nickname', async () => {
    const ports = testPorts();
    const a = await harness(ports);
    const b = await harness(ports);
    const aSelf = await a.backend.handlers['self:get'](undefined);
    const bSelf = await b.backend.handlers['self:get'](undefined);
    expect(bSelf.clientPort).toBe(aSelf.clientPort + 1);
    await waitUntil(() => a.of('contact').some((c) => c.peer.id === bSelf.nodeId), 5_000, 'b seen');

    const sent = await a.backend.handlers['messages:send']({ peerId: bSelf.nodeId, text: 'hi b' });
    expect(sent).toMatchObject({ direction: 'out', state: 'sending', text: 'hi b' });
    await waitUntil(
      () => a.of('message-state').some((s) => s.id === sent.id && s.state === 'delivered'),
      5_000,
      'delivered',
    );
    await waitUntil(() => b.of('message').some((m) => m.id === sent.id), 5_000, 'b got it');
    const received = b.of('message').find((m) => m.id === sent.id);
    expect(received).toMatchObject({
      direction: 'in',
      peerId: aSelf.nodeId,
      remote: `127.0.0.1:${String(aSelf.clientPort)}`,
    });
    expect(b.of('unread').at(-1)).toEqual({ total: 1 });
    expect(await b.backend.handlers['conversations:list'](undefined)).toMatchObject([
      { peerId: aSelf.nodeId, unread: 1 },
    ]);
    await b.backend.handlers['messages:markRead']({ peerId: aSelf.nodeId });
    expect(b.of('unread').at(-1)).toEqual({ total: 0 });

    await b.backend.handlers['messages:send']({ peerId: aSelf.nodeId, text: 'hi a' });
    await waitUntil(() => a.of('message').some((m) => m.text === 'hi a'), 5_000, 'a got reply');
    const history = await a.backend.handlers['messages:history']({
      peerId: bSelf.nodeId,
      limit: 10,
    });
    expect(history.messages.map((m) => [m.direction, m.text])).toEqual([
      ['out', 'hi b'],
      ['in', 'hi a'],
    ]);
    expect(
      (await a.backend.handlers['messages:search']({ query: 'hi a', limit: 5 }))[0],
    ).toMatchObject({ peerId: bSelf.nodeId });

    const settings = await a.backend.handlers['settings:set']({ nick: 'Alice Renamed' });
    expect(settings.nick).toBe('Alice Renamed');
    expect(a.of('self').at(-1)?.nick).toBe('Alice Renamed');
    await waitUntil(
      () => b.of('contact').some((c) => c.peer.nick === 'Alice Renamed'),
      5_000,
      'b sees the new nick',
    );
    await waitUntil(() => a.of('packets').length > 0, 2_000, 'a packet batch');
    expect(
      a
        .of('packets')
        .flat()
        .some((p) => p.kind === 'text'),
    ).toBe(true);
  });

  it('shows a plain datagram as a stranger and keeps identity, settings and history on restart', async () => {
    const ports = testPorts();
    const a = await harness(ports);
    const self = await a.backend.handlers['self:get'](undefined);
    await a.backend.handlers['settings:set']({ theme: 'dark', discoveryTargets: ['127.0.0.9'] });
    const socket = createSocket('udp4');
    const unseen = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => unseen.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    try {
      socket.send('hello from nc\n', self.clientPort, '127.0.0.1');
      unseen.send('nobody reads this\n', self.clientPort, '127.0.0.1');
      await waitUntil(() => a.of('message').length > 1, 5_000, 'the plain datagrams');
    } finally {
      socket.close();
      unseen.close();
    }
    const strangers = a.of('contact').filter((c) => c.kind === 'stranger');
    const contact = strangers.find((c) => c.peer.port === port);
    expect(contact?.peer.id).toMatch(/^stranger:127\.0\.0\.1:\d+$/);
    expect(a.of('message')).toContainEqual(
      expect.objectContaining({ text: 'hello from nc', peerId: contact?.peer.id }),
    );
    // Opening the conversation is looking at it: from then on the stranger's messages are kept.
    await a.backend.handlers['messages:history']({ peerId: contact?.peer.id ?? '', limit: 5 });
    await a.backend.close();

    const again = await harness(ports, a.dataDir);
    expect((await again.backend.handlers['self:get'](undefined)).nodeId).toBe(self.nodeId);
    expect(await again.backend.handlers['settings:get'](undefined)).toMatchObject({
      theme: 'dark',
      discoveryTargets: ['127.0.0.9'],
    });
    const contacts = await again.backend.handlers['contacts:list'](undefined);
    // Only the stranger someone looked at is remembered; the other was never stored.
    expect(contacts.filter((c) => c.kind === 'stranger')).toEqual([
      expect.objectContaining({ id: contact?.peer.id, online: false }),
    ]);
    const history = await again.backend.handlers['messages:history']({
      peerId: contact?.peer.id ?? '',
      limit: 5,
    });
    expect(history.messages.map((m) => m.text)).toEqual(['hello from nc']);
  });

  it('answers not-found for unknown peers and unavailable after close', async () => {
    const a = await harness(testPorts());
    const settle = <T>(call: () => T) => Promise.resolve().then(call);
    await expect(
      settle(() => a.backend.handlers['messages:send']({ peerId: 'f'.repeat(32), text: 'x' })),
    ).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      settle(() => a.backend.handlers['messages:retry']({ messageId: 'nope' })),
    ).rejects.toMatchObject({ code: 'not-found' });
    await a.backend.close();
    await a.backend.close();
    expect(() => a.backend.handlers['contacts:list'](undefined)).toThrow(/not running/);
  });
});

import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS } from '../../../shared/ipc/channels';
import type { EventChannel } from '../../../shared/ipc/contract';
import { PACKET_LOG_SIZE } from '../../../shared/protocol/constants';
import { connectBridge } from '../../../renderer/src/store/bridge';
import { createAppStore } from '../../../renderer/src/store/create-app-store';
import { selectContactRows, selectUnreadTotal } from '../../../renderer/src/store/selectors';
import { fakeApi } from '../fake-api';
import { fakeHandlers, makeContact, makeMessage, makePacket, sampleData } from '../fake-backend';

const NOW = 1_750_000_000_000;

async function connected(data = sampleData(NOW)) {
  const fake = fakeApi(fakeHandlers(data));
  const store = createAppStore(fake.api);
  const disconnect = connectBridge(store, fake.api);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { fake, store, disconnect, data };
}

/**
 * Events the renderer has no use for: the unread total is summed from the conversations it holds,
 * node warnings are for logs and scripts, and a key change reaches it as the contact's `trust`.
 */
const IGNORED_EVENTS: ReadonlySet<EventChannel> = new Set(['unread', 'warning']);

describe('bridge', () => {
  it('subscribes to every event, says ready, loads the state, and disconnects with one call', async () => {
    const { fake, store, disconnect } = await connected();
    for (const event of EVENT_CHANNELS)
      expect(fake.listenerCount(event), event).toBe(IGNORED_EVENTS.has(event) ? 0 : 1);
    expect(fake.calls.map((c) => c.channel)).toEqual(
      expect.arrayContaining([
        'app:ready',
        'self:get',
        'settings:get',
        'contacts:listCompact',
        'groups:list',
        'conversations:list',
        'inspector:packets',
      ]),
    );
    expect(store.getState().self?.nick).toBe('Me');
    expect(selectUnreadTotal(store.getState())).toBe(3);
    disconnect();
    for (const event of EVENT_CHANNELS) expect(fake.listenerCount(event), event).toBe(0);
  });

  it('keeps contact events that arrived while the list was loading', async () => {
    const data = sampleData(NOW);
    const fake = fakeApi(fakeHandlers(data));
    const store = createAppStore(fake.api);
    connectBridge(store, fake.api);
    fake.emit('contact', {
      change: 'offline',
      peer: makeContact('alice', { nick: 'Alice', online: false }),
      kind: 'peer',
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().contacts['alice']?.online).toBe(false);
    expect(selectContactRows(store.getState())).toEqual([
      'section:online',
      'xiaoming',
      'section:offline',
      'alice',
      'bob',
      'section:strangers',
      'stranger:192.168.1.50:5555',
    ]);
  });
});

describe('events main dropped', () => {
  // Main keeps at most 2,000 events while the window is not ready and says how many it dropped
  // (electron/ipc/emitter.ts); the first screen's lists were read before, so they may be stale.
  it('reads the lists and the open conversation again, newer than what was read first', async () => {
    const { fake, store, data } = await connected();
    const s = store.getState;
    s().openConversation('alice');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const read = (channel: string) => fake.calls.filter((c) => c.channel === channel).length;
    const before = { contacts: read('contacts:listCompact'), history: read('messages:history') };
    // What the dropped events said, in main's store now: Alice went offline, Bob is gone, one
    // more message came from Alice.
    data.contacts = data.contacts
      .filter((c) => c.id !== 'bob')
      .map((c) => (c.id === 'alice' ? { ...c, online: false } : c));
    data.messages.push(makeMessage('late', 'alice', { text: 'sent while you were away' }));
    fake.emit('notice', { level: 'info', code: 'port-in-use', message: 'something else' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(read('contacts:listCompact')).toBe(before.contacts);
    fake.emit('notice', {
      level: 'warning',
      code: 'events-dropped',
      message: '12 updates were dropped while the window was not ready.',
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(read('contacts:listCompact')).toBe(before.contacts + 1);
    expect(read('messages:history')).toBe(before.history + 1);
    expect(s().contacts['alice']?.online).toBe(false);
    expect(s().contacts['bob']).toBeUndefined();
    expect(s().threads['alice']?.items).toContain('late');
    expect(s().activePeerId).toBe('alice');
    expect(s().toasts.map((t) => t.code)).toEqual(['port-in-use', 'events-dropped']);
  });
});

describe('contact rows', () => {
  it('stay the same array when a conversation opens, and keep an opened contact where it was', async () => {
    const { store, fake } = await connected();
    const s = store.getState;
    const before = selectContactRows(s());
    s().openConversation('alice');
    // Opening pins the contact's group, but moves nobody: no regrouping, no re-sort.
    expect(selectContactRows(s())).toBe(before);
    fake.emit('contact', {
      change: 'offline',
      peer: makeContact('alice', { nick: 'Alice', online: false }),
      kind: 'peer',
    });
    // Alice went offline while open: her row stays under Online until another one opens.
    expect(selectContactRows(s())).toEqual([
      'section:online',
      'xiaoming',
      'alice',
      'section:offline',
      'bob',
      'section:strangers',
      'stranger:192.168.1.50:5555',
    ]);
  });

  it("put the newest conversation first, then the rest by name in the user's collation", async () => {
    const data = sampleData(NOW);
    data.contacts = ['Frank', 'émile', 'Dan', 'Zoë', 'anna'].map((nick) =>
      makeContact(nick.toLowerCase(), { nick, online: false }),
    );
    data.messages = [];
    const { store } = await connected(data);
    const s = store.getState;
    const offline = () => selectContactRows(s()).filter((row) => !row.startsWith('section:'));
    // Code-point order would put "anna" and "émile" after "Zoë".
    expect(offline()).toEqual(['anna', 'dan', 'émile', 'frank', 'zoë']);
    s().receiveMessage(makeMessage('m1', 'frank', { receivedAt: NOW }));
    s().receiveMessage(makeMessage('m2', 'dan', { receivedAt: NOW + 1 }));
    expect(offline()).toEqual(['dan', 'frank', 'anna', 'émile', 'zoë']);
  });
});

describe('conversations slice', () => {
  it('counts every incoming message unread once, until it is seen: read up to, never back', async () => {
    const { store } = await connected();
    const s = store.getState;
    s().receiveMessage(makeMessage('n1', 'bob', { receivedAt: NOW }));
    s().receiveMessage(makeMessage('n1', 'bob', { receivedAt: NOW }));
    expect(s().summaries['bob']).toMatchObject({ unread: 1, firstUnreadId: 'n1' });
    // Opening is not reading: what is on screen is (MessageList reports it).
    s().openConversation('bob');
    await s().loadOlder('bob');
    expect(s().summaries['bob']?.unread).toBe(1);
    expect(s().dividers['bob']).toBe('n1');
    s().receiveMessage(makeMessage('n2', 'bob', { receivedAt: NOW + 1 }));
    s().receiveMessage(makeMessage('n3', 'bob', { receivedAt: NOW + 2 }));
    expect(s().summaries['bob']).toMatchObject({ unread: 3, firstUnreadId: 'n1' });
    s().markReadUpTo('bob', 'n2');
    expect(s().summaries['bob']).toMatchObject({ unread: 1, firstUnreadId: 'n3' });
    s().markReadUpTo('bob', 'n1');
    expect(s().summaries['bob']?.unread).toBe(1);
  });

  it('puts a divider before the first message nobody watched arrive', async () => {
    const { store } = await connected();
    const s = store.getState;
    s().openConversation('bob');
    await s().loadOlder('bob');
    s().setWindowActive(true);
    s().setListAtBottom(true);
    s().receiveMessage(makeMessage('w1', 'bob', { receivedAt: NOW }));
    expect(s().dividers['bob']).toBeNull();
    s().markReadUpTo('bob', 'w1');
    s().setWindowActive(false);
    s().receiveMessage(makeMessage('w2', 'bob', { receivedAt: NOW + 1 }));
    expect(s().dividers['bob']).toBe('w2');
  });

  it('applies state changes to a message it holds and ignores ones it never loaded', async () => {
    const { store } = await connected();
    const s = store.getState;
    const change = { peerId: 'alice', transport: 'tcp', attempts: 1 } as const;
    s().applyMessageState({ ...change, id: 'unknown', state: 'delivered' });
    expect(s().messages['unknown']).toBeUndefined();
    s().receiveMessage(makeMessage('o1', 'alice', { direction: 'out', state: 'sending' }));
    s().applyMessageState({ ...change, id: 'o1', state: 'delivered', rttMs: 4 });
    expect(s().messages['o1']).toMatchObject({ state: 'delivered', transport: 'tcp', rttMs: 4 });
  });

  it('pages history oldest-first and keeps a move notice after the loaded messages', async () => {
    const data = sampleData(NOW);
    data.messages = Array.from({ length: 230 }, (_, i) =>
      makeMessage(`h${i}`, 'alice', { receivedAt: NOW + i }),
    );
    const { store } = await connected(data);
    const s = store.getState;
    s().addMovedNotice(
      'alice',
      { address: '10.0.0.1', port: 4000 },
      { address: '10.0.0.2', port: 4000 },
    );
    await s().loadOlder('alice');
    const items = () => s().threads['alice']?.items ?? [];
    expect(items()).toHaveLength(101);
    expect(items()[0]).toBe('h130');
    expect(items()[100]).toMatch(/^notice:/);
    expect(await s().loadUntil('alice', 'h5')).toBe(true);
    expect(items()[0]).toBe('h0');
    expect(s().threads['alice']?.complete).toBe(true);
  });
});

describe('inspector slice', () => {
  it('keeps the newest packets only, and holds them while paused', async () => {
    const { store } = await connected();
    const s = store.getState;
    s().receivePackets(Array.from({ length: PACKET_LOG_SIZE + 10 }, (_, i) => makePacket(100 + i)));
    expect(s().packets).toHaveLength(PACKET_LOG_SIZE);
    expect(s().packets.at(-1)?.seq).toBe(100 + PACKET_LOG_SIZE + 9);
    s().setPaused(true);
    s().receivePackets([makePacket(99_999)]);
    expect(s().packets.at(-1)?.seq).not.toBe(99_999);
    s().setPaused(false);
    expect(s().packets.at(-1)?.seq).toBe(99_999);
    expect(s().held).toEqual([]);
  });
});

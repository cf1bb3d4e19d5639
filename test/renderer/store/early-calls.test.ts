import { describe, expect, it } from 'vitest';
import { connectBridge } from '../../../renderer/src/store/bridge';
import { createAppStore } from '../../../renderer/src/store/create-app-store';
import { EARLY_CALLS, startEarlyCalls } from '../../../renderer/src/store/early-calls';
import { fakeApi } from '../fake-api';
import { fakeHandlers, makeContact, sampleData } from '../fake-backend';

const NOW = 1_750_000_000_000;
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the first screen’s early calls', () => {
  it('go to main at once, and the store’s first load of each uses them', async () => {
    const fake = fakeApi(fakeHandlers(sampleData(NOW)));
    const api = startEarlyCalls(fake.api);
    expect(fake.calls.map((c) => c.channel)).toEqual([
      'self:get',
      'settings:get',
      'contacts:listCompact',
      'groups:list',
      'conversations:mutes',
      'conversations:list',
      'drafts:list',
      'files:list',
    ]);
    expect(EARLY_CALLS).toHaveLength(fake.calls.length);
    const store = createAppStore(api);
    const disconnect = connectBridge(store, api);
    await settled();
    // Nothing asked twice; app:ready and the inspector's log (it takes arguments) go as before.
    const channels = fake.calls.map((c) => c.channel);
    for (const channel of new Set(channels))
      expect(
        channels.filter((c) => c === channel),
        channel,
      ).toHaveLength(1);
    expect(channels).toContain('app:ready');
    expect(channels).toContain('inspector:packets');
    expect(store.getState().contactsLoad.status).toBe('ready');
    expect(Object.keys(store.getState().contacts)).toContain('alice');
    // A later load asks main again.
    await store.getState().loadContacts();
    expect(fake.calls.filter((c) => c.channel === 'contacts:listCompact')).toHaveLength(2);
    disconnect();
  });

  it('keep a contact change that arrives before the early list lands', async () => {
    const data = sampleData(NOW);
    const fake = fakeApi(fakeHandlers(data));
    const api = startEarlyCalls(fake.api);
    const store = createAppStore(api);
    const disconnect = connectBridge(store, api);
    // Main holds events until app:ready; here one comes before the list is answered.
    fake.emit('contact', {
      change: 'updated',
      kind: 'peer',
      peer: makeContact('alice', { nick: 'Alice (new)' }),
    });
    await settled();
    expect(store.getState().contacts['alice']?.nick).toBe('Alice (new)');
    disconnect();
  });
});

// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DirectoryEntry, RelayStatus } from '../../../shared/domain';
import { makeContact, makeSelf, makeSettings, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';

const BROKER = 'relay.example.org:8883';

const connected: RelayStatus = {
  broker: BROKER,
  url: `mqtts://${BROKER}`,
  state: 'connected',
  since: NOW - 60_000,
};

/** Sample data with Carol reached only through the relay, and a relay in use. */
function relayData(relays: RelayStatus[] = [connected]) {
  const data = sampleData(NOW);
  data.self = makeSelf({ relays });
  data.contacts.push(
    makeContact('c'.repeat(32), {
      nick: 'Carol',
      address: '',
      port: 0,
      tcpPort: null,
      path: { kind: 'relay', broker: BROKER },
    }),
  );
  return data;
}

const entry = (nick: string, id: string, online: boolean | null): DirectoryEntry => ({
  nodeId: id.repeat(32),
  nick,
  fingerprint: `${id.repeat(4)} `.repeat(16).trim(),
  online,
  broker: BROKER,
});

describe('relay paths', () => {
  it('names the broker in the contact row, the header and the inspector; LAN peers show their address', async () => {
    const { user, fake } = renderApp({ data: relayData() });
    const carol = await screen.findByRole('option', { name: /^Carol/ });
    expect(within(carol).getByText(`via relay ${BROKER}`)).toBeTruthy();
    const alice = screen.getByRole('option', { name: /^Alice/ });
    expect(within(alice).getByText('192.168.1.31:4000')).toBeTruthy();

    await user.click(carol);
    const header = screen.getByRole('region', { name: 'About Carol' });
    expect(within(header).getByText(`via relay ${BROKER}`)).toBeTruthy();
    expect(within(header).getByText('Sealed through the relay (MQTT)')).toBeTruthy();
    expect(within(header).queryByText(/^UDP/)).toBeNull();

    // The LAN answers again: the same contact, now direct.
    act(() =>
      fake.emit('contact', {
        change: 'path',
        kind: 'peer',
        peer: makeContact('c'.repeat(32), {
          nick: 'Carol',
          address: '10.1.0.9',
          port: 4000,
          path: { kind: 'lan', address: '10.1.0.9', port: 4000 },
        }),
        previousPath: { kind: 'relay', broker: BROKER },
      }),
    );
    expect(within(header).getByText('LAN 10.1.0.9:4000')).toBeTruthy();
    expect(within(header).getByText('UDP + TCP 4000')).toBeTruthy();
    expect(
      within(screen.getByRole('option', { name: /^Carol/ })).getByText('10.1.0.9:4000'),
    ).toBeTruthy();
  });

  it('shows relay packets as their own transport and the peer’s path in the packet details', async () => {
    const data = relayData();
    data.packets.push({
      seq: 99,
      at: NOW,
      direction: 'in',
      transport: 'relay',
      local: 'pchat/v2/inbox/aaaa',
      remote: BROKER,
      size: 120,
      kind: 'text',
      summary: 'hello through the broker',
      peerId: 'c'.repeat(32),
    });
    const { user } = renderApp({ data });
    await screen.findByRole('option', { name: /^Alice/ });
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    const table = await screen.findByRole('table', { name: 'Packets' });
    const row = within(table).getByText('hello through the broker').closest('[role="row"]')!;
    expect(within(row as HTMLElement).getByText('RELAY').className).toContain('proto-relay');
    await user.click(within(table).getByText('hello through the broker'));
    const detail = screen.getByRole('complementary', { name: 'Packet details' });
    expect(within(detail).getByText((_, node) => node?.textContent === 'Peer: Carol')).toBeTruthy();
    expect(within(detail).getByText(`via relay ${BROKER}`)).toBeTruthy();

    await user.click(screen.getByRole('tab', { name: 'Sockets and interfaces' }));
    const brokers = await screen.findByRole('region', { name: 'Relay brokers' });
    expect(within(brokers).getByText(`mqtts://${BROKER}`)).toBeTruthy();
    expect(within(brokers).getByText('Connected')).toBeTruthy();
  });
});

describe('relay settings', () => {
  async function openSettings(data = relayData()) {
    const app = renderApp({ data });
    await screen.findByRole('option', { name: /^Alice/ });
    await app.user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    const saves = () => app.fake.calls.filter((c) => c.channel === 'settings:set');
    return { ...app, dialog, saves };
  }

  it('adds a broker, explains what is wrong inline, and saves only a valid one', async () => {
    const data = sampleData(NOW);
    const { dialog, saves, user } = await openSettings(data);
    expect(within(dialog).getByText('No relay broker: this LAN only.')).toBeTruthy();
    expect(within(dialog).getByText('No relay in use.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Add broker' }));
    const url = within(dialog).getByLabelText('Broker URL');
    await user.type(url, 'http://relay.example.org');
    expect(
      within(dialog).getByText('Broker 1: expected mqtt://host[:port] or mqtts://host[:port]'),
    ).toBeTruthy();
    expect(url.getAttribute('aria-invalid')).toBe('true');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Fix the marked fields: nothing was saved.')).toBeTruthy();
    expect(saves()).toEqual([]);

    await user.clear(url);
    await user.type(url, 'mqtt://relay.example.org:1883');
    await user.type(within(dialog).getByLabelText('CA file (PEM)'), '/etc/pchat/ca.crt');
    expect(within(dialog).getByText('Broker 1: a CA file is only used with mqtts://')).toBeTruthy();
    await user.clear(url);
    await user.type(url, 'mqtts://relay.example.org:8883');
    await user.type(within(dialog).getByLabelText('User'), 'node-1');
    const password = within(dialog).getByLabelText('Password');
    expect(password.getAttribute('type')).toBe('password');
    await user.type(password, 's3cret');
    // Not connected yet: brokers are read at start.
    expect(within(dialog).getByText('Not in use until PacketChat restarts')).toBeTruthy();
    await user.click(within(dialog).getByRole('switch', { name: 'Relay directory' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText('Saved');
    expect(saves()).toEqual([
      {
        channel: 'settings:set',
        args: {
          relays: [
            {
              url: 'mqtts://relay.example.org:8883',
              username: 'node-1',
              password: 's3cret',
              caFile: '/etc/pchat/ca.crt',
            },
          ],
          relayDirectory: false,
        },
      },
    ]);
  });

  it('shows each broker connected, connecting or failed as main reports it, and follows changes', async () => {
    const data = relayData([
      connected,
      {
        broker: 'backup.example.org:8883',
        url: 'mqtts://backup.example.org:8883',
        state: 'offline',
        error: 'connect ECONNREFUSED 10.9.0.1:8883',
        since: NOW - 5_000,
      },
    ]);
    data.settings = makeSettings({
      relays: [
        { url: `mqtts://node-1:pw@${BROKER}`, username: 'node-1' },
        { url: 'mqtts://backup.example.org:8883' },
      ],
    });
    const { dialog, fake, user } = await openSettings(data);
    const first = within(dialog).getByRole('group', { name: 'Broker 1' });
    expect(within(first).getByText('Connected')).toBeTruthy();
    const second = within(dialog).getByRole('group', { name: 'Broker 2' });
    expect(within(second).getByText('Not connected')).toBeTruthy();
    expect(
      within(second).getByText('Last error: connect ECONNREFUSED 10.9.0.1:8883', { exact: false }),
    ).toBeTruthy();

    act(() =>
      fake.emit(
        'self',
        makeSelf({
          relays: [{ ...connected, state: 'connecting', since: NOW }, data.self.relays[1]!],
        }),
      ),
    );
    expect(within(first).getByText('Connecting…')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Remove broker 2' }));
    expect(within(dialog).queryByRole('group', { name: 'Broker 2' })).toBeNull();
  });
});

describe('relay directory', () => {
  it('finds people at other sites and connects to them through the relay', async () => {
    const data = relayData();
    data.directory = [entry('Dora', 'd', true), entry('Doug', 'e', null)];
    const { fake, user } = renderApp({ data });
    await screen.findByRole('option', { name: /^Alice/ });
    await user.type(screen.getByRole('searchbox', { name: 'Search contacts and messages' }), 'do');
    const results = await screen.findByRole('region', { name: 'Search results' });
    const dora = (await within(results).findByText('Dora')).closest('li')!;
    expect(within(dora).getByText('online')).toBeTruthy();
    expect(within(results).getByText('presence not watched')).toBeTruthy();
    await user.click(
      within(dora).getByRole('button', { name: 'Connect to Dora through the relay' }),
    );
    expect(fake.calls).toContainEqual({
      channel: 'directory:add',
      args: { nodeId: 'd'.repeat(32) },
    });
    expect(
      await within(dora).findByText('Asked: Dora becomes a contact once the handshake completes'),
    ).toBeTruthy();

    // Someone new appears in the directory while the search is open.
    act(() => fake.emit('directory', entry('Dolores', 'f', false)));
    expect(within(results).getByText('Dolores')).toBeTruthy();
    // An entry gone from the directory cannot be reached: main's answer is shown.
    const dolores = within(results).getByText('Dolores').closest('li')!;
    await user.click(within(dolores).getByRole('button', { name: /Connect to Dolores/ }));
    expect(
      await within(dolores).findByText(
        'Could not connect: not in the directory: ' + 'f'.repeat(32),
      ),
    ).toBeTruthy();
  });

  it('is not offered without a relay', async () => {
    const data = sampleData(NOW);
    data.directory = [entry('Dora', 'd', true)];
    const { fake, user } = renderApp({ data });
    await screen.findByRole('option', { name: /^Alice/ });
    await user.type(screen.getByRole('searchbox', { name: 'Search contacts and messages' }), 'do');
    const results = screen.getByRole('region', { name: 'Search results' });
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'messages:search')).toBe(true));
    expect(within(results).queryByText('Relay directory')).toBeNull();
    expect(fake.calls.some((c) => c.channel === 'directory:search')).toBe(false);
  });
});

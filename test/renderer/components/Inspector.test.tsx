// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makePacket, sampleData } from '../fake-backend';
import { never, NOW, renderApp, wholeText } from '../render-app';

async function openInspector(options: Parameters<typeof renderApp>[0] = {}) {
  const app = renderApp(options);
  await screen.findByRole('option', { name: /^Alice/ });
  await app.user.click(screen.getByRole('button', { name: 'Packet inspector' }));
  // The inspector's code loads on first use (components/lazy-views.ts).
  await screen.findByRole('table', { name: 'Packets' });
  return app;
}

const table = () => screen.getByRole('table', { name: 'Packets' });
const bodyRows = () => within(table()).getAllByRole('row').slice(1);

describe('packet inspector', () => {
  it('shows the live log with time, direction, protocol, endpoints, size, kind and summary', async () => {
    const { fake } = await openInspector();
    expect(
      within(table())
        .getAllByRole('columnheader')
        .map((c) => c.textContent),
    ).toEqual(['Time', 'Dir', 'Proto', 'Local', 'Remote', 'Size', 'Kind', 'Summary']);
    expect(bodyRows()).toHaveLength(2);
    act(() =>
      fake.emit('packets', [
        makePacket(3, {
          at: NOW,
          direction: 'out',
          transport: 'tcp',
          kind: 'text',
          size: 1500,
          summary: 'text to Alice',
          peerId: 'alice',
        }),
      ]),
    );
    const cells = within(bodyRows()[2]!)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(1)).toEqual([
      '→ Out',
      'TCP',
      '0.0.0.0:4000',
      '192.168.1.30:4000 Alice',
      '1500',
      'text',
      'text to Alice',
    ]);
    expect(cells[0]).toMatch(/^10:35:00\.000$/);
  });

  it('filters by peer and by kind', async () => {
    const data = sampleData(NOW);
    data.packets.push(
      makePacket(3, { kind: 'text', peerId: 'xiaoming', summary: 'text from 小明' }),
    );
    const { user } = await openInspector({ data });
    expect(bodyRows()).toHaveLength(3);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by peer' }), 'alice');
    expect(bodyRows()).toHaveLength(2);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by kind' }), 'ack');
    expect(bodyRows().map((r) => r.textContent)).toEqual([expect.stringContaining('ack m3')]);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by peer' }), 'xiaoming');
    expect(screen.getByText('No packet matches the filter')).toBeTruthy();
  });

  it('filters by group: the items and repair packets that name it', async () => {
    const data = sampleData(NOW);
    const [team, other] = ['c'.repeat(32), 'd'.repeat(32)];
    data.packets.push(
      makePacket(3, { kind: 'text', summary: 'team post', fields: { group: team } }),
      makePacket(4, { kind: 'group-sync', summary: 'team sync', fields: { group: team } }),
      makePacket(5, { kind: 'text', summary: 'other post', fields: { group: other } }),
    );
    const group = (id: string, name: string) => ({
      id,
      name,
      creator: 'a'.repeat(32),
      admins: [],
      members: [],
      version: 1,
      status: 'member' as const,
      updatedAt: NOW,
    });
    const { user } = await openInspector({
      data,
      handlers: { 'groups:list': () => [group(team, 'Team'), group(other, 'Other')] },
    });
    expect(bodyRows()).toHaveLength(5);
    const filter = await screen.findByRole('combobox', { name: 'Filter by group' });
    expect(
      within(filter)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['All groups', 'Other', 'Team']);
    await user.selectOptions(filter, team);
    expect(bodyRows().map((r) => r.textContent)).toEqual([
      expect.stringContaining('team post'),
      expect.stringContaining('team sync'),
    ]);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by kind' }), 'text');
    expect(bodyRows().map((r) => r.textContent)).toEqual([expect.stringContaining('team post')]);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by kind' }), '');
    await user.selectOptions(filter, '');
    expect(bodyRows()).toHaveLength(5);
  });

  it('holds new packets while paused and shows them on resume', async () => {
    const { fake, user } = await openInspector();
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => fake.emit('packets', [makePacket(3), makePacket(4)]));
    expect(bodyRows()).toHaveLength(2);
    expect(screen.getByText('Paused · 2 waiting')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(bodyRows()).toHaveLength(4);
  });

  it('shows one packet’s decoded fields, and Esc closes the detail, then the inspector', async () => {
    const { user } = await openInspector();
    await user.click(within(table()).getByText('hello from Alice'));
    const detail = screen.getByRole('complementary', { name: 'Packet details' });
    expect(within(detail).getByRole('heading', { name: 'Packet #1' })).toBeTruthy();
    const fields = within(detail)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(fields).toEqual(['kindannounce', 'nickAlice', 'port4000']);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'Packet details' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('table', { name: 'Packets' })).toBeNull();
    expect(screen.getByRole('listbox', { name: 'Contacts' })).toBeTruthy();
  });

  it('shows nicknames beside node ids, dates for times, and the whole payload as text and hex', async () => {
    const data = sampleData(NOW);
    data.packets = [
      makePacket(1, {
        kind: 'text',
        summary: '#1 a long one',
        peerId: 'alice',
        fields: { kind: 'text', from: 'alice', ts: NOW, text: 'x'.repeat(300) },
      }),
    ];
    const { user } = await openInspector({ data });
    await user.click(within(table()).getByText('#1 a long one'));
    const detail = screen.getByRole('complementary', { name: 'Packet details' });
    expect(within(detail).getByText(wholeText('Peer: Alice'))).toBeTruthy();
    const row = (name: string) =>
      within(detail).getByRole('rowheader', { name }).closest('tr')?.textContent ?? '';
    expect(row('from')).toBe('fromAlice alice');
    expect(row('ts')).toBe(`ts${new Date(NOW).toLocaleString('en')} (${NOW})`);
    const payload = within(detail).getByRole('region', { name: 'Payload' });
    const box = await within(payload).findByText(/"proto": "pchat"/);
    expect(box.textContent).toContain('x'.repeat(300));
    await user.click(within(payload).getByRole('radio', { name: 'Hex' }));
    expect(box.textContent.split('\n')[0]).toMatch(/^000000 {2}7b 22 70 72 6f 74 6f 22 {2}3a/);
  });

  it('shows sockets, interfaces and counters', async () => {
    const { fake, user } = await openInspector();
    await user.click(screen.getByRole('tab', { name: 'Sockets and interfaces' }));
    const sockets = await screen.findByRole('region', { name: 'Sockets' });
    expect(within(sockets).getByText('UDP server')).toBeTruthy();
    expect(within(sockets).getByText('0.0.0.0:8000')).toBeTruthy();
    expect(within(sockets).getByText('TCP listener')).toBeTruthy();
    const interfaces = screen.getByRole('region', { name: 'Interfaces' });
    expect(within(interfaces).getByText('192.168.1.255')).toBeTruthy();
    const counters = screen.getByRole('region', { name: 'Counters' });
    expect(within(counters).getByText('Datagrams received').nextSibling?.textContent).toBe('30');
    expect(within(counters).getByText('Bytes sent').nextSibling?.textContent).toBe('4 KiB');
    const counted = sampleData(NOW).sockets.counters;
    act(() => fake.emit('counters', { ...counted, datagramsReceived: 31 }));
    expect(within(counters).getByText('Datagrams received').nextSibling?.textContent).toBe('31');
  });

  it('shows a loading state while the log is on its way', async () => {
    await openInspector({ handlers: { 'inspector:packets': () => never() } });
    expect(screen.getByText('Loading the packet log…')).toBeTruthy();
  });

  it('shows an error with retry when the log cannot be read', async () => {
    let attempts = 0;
    const { user } = await openInspector({
      handlers: {
        'inspector:packets': () => {
          attempts += 1;
          if (attempts === 1) throw new Error('gone');
          return [makePacket(9, { summary: 'after retry' })];
        },
      },
    });
    expect(within(table()).getByRole('alert').textContent).toContain('Could not load packets');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await within(table()).findByText('after retry')).toBeTruthy();
  });
});

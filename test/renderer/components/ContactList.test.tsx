// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeContact, makeMessage, sampleData } from '../fake-backend';
import { never, NOW, renderApp } from '../render-app';

const list = () => screen.getByRole('listbox', { name: 'Contacts' });
const option = (name: RegExp) => within(list()).getByRole('option', { name });

describe('my card', () => {
  it('shows my nickname, status, IP:port and interface addresses', async () => {
    renderApp();
    const card = await screen.findByRole('region', { name: 'My card' });
    expect(within(card).getByText('Me')).toBeTruthy();
    expect(within(card).getByText('Online')).toBeTruthy();
    expect(within(card).getByText('192.168.1.20:4000')).toBeTruthy();
    expect(within(card).getByText('192.168.1.20')).toBeTruthy();
    expect(within(card).getByText('TCP 4000')).toBeTruthy();
  });

  it('says so when the node cannot be read', async () => {
    renderApp({
      handlers: {
        'self:get': () => {
          throw new Error('boom');
        },
      },
    });
    const card = await screen.findByRole('region', { name: 'My card' });
    await within(card).findByText(/Could not read my node/);
  });
});

describe('contact list', () => {
  it('groups contacts as Online, Offline and Strangers with IP:port, preview and time', async () => {
    renderApp();
    await screen.findByRole('option', { name: /Alice/ });
    const groups = within(list())
      .getAllByRole('option')
      .filter((o) => o.classList.contains('group-header'))
      .map((o) => o.textContent);
    expect(groups).toEqual(['Online 2', 'Offline 1', 'Strangers 1']);
    const alice = option(/^Alice 192\.168\.1\.31:4000/);
    expect(within(alice).getByText('Lunch at noon?')).toBeTruthy();
    expect(within(alice).getByText('192.168.1.31:4000').tagName).toBe('CODE');
    expect(within(alice).getByRole('time').textContent).toMatch(/10:30/);
    expect(option(/^Bob/).className).toContain('offline');
    const stranger = option(/^192\.168\.1\.50:5555/);
    expect(within(stranger).getByText('Plain UDP sender')).toBeTruthy();
  });

  it('counts unread messages in a badge and clears it when the conversation opens', async () => {
    const { fake, user, data } = renderApp();
    const alice = await screen.findByRole('option', { name: /^Alice.*1 unread/ });
    const new1 = makeMessage('new1', 'alice', { text: 'still there?', receivedAt: NOW + 1000 });
    data.messages.push(new1); // main stores before it tells: history has it too
    data.unread['alice'] = 2;
    act(() => fake.emit('message', new1));
    expect(option(/^Alice/).getAttribute('aria-label')).toContain('2 unread');
    expect(option(/^Alice/).querySelector('.unread-badge')?.textContent).toBe('2');
    // The rail's name holds the badge's digits (WCAG 2.5.3): "Chats, 4 unread".
    expect(screen.getByRole('button', { name: 'Chats, 4 unread' }).textContent).toContain('4');
    await user.click(alice);
    // Opening shows them (the whole conversation fits here): read up to the newest one seen.
    await waitFor(() => expect(option(/^Alice/).getAttribute('aria-label')).not.toMatch(/unread/));
    expect(fake.calls).toContainEqual({
      channel: 'messages:markReadUpTo',
      args: { peerId: 'alice', messageId: 'new1' },
    });
    // A message into the open conversation, on screen in a focused window, is read as it shows.
    act(() => fake.emit('message', makeMessage('new2', 'alice', { receivedAt: NOW + 2000 })));
    await waitFor(() => expect(option(/^Alice/).getAttribute('aria-label')).not.toMatch(/unread/));
  });

  it('moves a contact between groups on presence events and adds new ones', async () => {
    const { fake } = renderApp();
    await screen.findByRole('option', { name: /Alice/ });
    const bob = makeContact('bob', { nick: 'Bob', address: '192.168.1.33', online: true });
    act(() => fake.emit('contact', { change: 'online', peer: bob, kind: 'peer' }));
    expect(option(/^Online, 3 contacts/)).toBeTruthy();
    const carol = makeContact('carol', { nick: 'Carol', address: '10.0.0.9', port: 4002 });
    act(() => fake.emit('contact', { change: 'added', peer: carol, kind: 'peer' }));
    expect(option(/^Carol 10\.0\.0\.9:4002/)).toBeTruthy();
  });

  it('moves with the arrow keys, opens with Enter and collapses a group', async () => {
    const { user } = renderApp();
    await screen.findByRole('option', { name: /Alice/ });
    list().focus();
    await user.keyboard('{ArrowDown}');
    expect(list().getAttribute('aria-activedescendant')).toBe('contact-row-0');
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    // Rows by recency: 小明 (2 min ago), then Alice.
    expect(await screen.findByRole('heading', { name: 'Alice' })).toBeTruthy();
    // The opened conversation takes the focus: the composer is ready to type in.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        screen.getByRole('textbox', { name: 'Message to Alice' }),
      ),
    );
    list().focus();
    await user.keyboard('{Home}{Enter}');
    expect(option(/^Online, 2 contacts/).getAttribute('aria-label')).toContain('collapsed');
    expect(within(list()).queryByRole('option', { name: /^Alice/ })).toBeNull();
  });

  it('shows loading, error with retry, and empty states', async () => {
    let attempt = 0;
    const data = { ...sampleData(NOW), contacts: [] };
    const { user } = renderApp({
      data,
      handlers: {
        'contacts:listCompact': () => {
          attempt += 1;
          if (attempt === 1) throw new Error('disk on fire');
          return { v: 1, rows: [] };
        },
      },
    });
    expect(await screen.findByRole('alert')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Looking for peers on the LAN…')).toBeTruthy();
    // The empty list offers the way in that does not need broadcast.
    await user.click(screen.getAllByRole('button', { name: 'Say hello to an IP' }).at(-1)!);
    expect(await screen.findByRole('textbox', { name: 'Say hello to an IP' })).toBeTruthy();
  });

  it('shows a loading state while the list is on its way', async () => {
    renderApp({ handlers: { 'contacts:listCompact': () => never() } });
    expect(await screen.findByText('Looking for peers…')).toBeTruthy();
  });

  it('renders only a window of 5,000 contacts', async () => {
    const data = sampleData(NOW);
    data.contacts = Array.from({ length: 5_000 }, (_, i) =>
      makeContact(`p${i}`, { nick: `Peer ${String(i).padStart(4, '0')}`, address: '10.1.0.1' }),
    );
    renderApp({ data });
    await screen.findByRole('option', { name: /^Online, 5000 contacts/ });
    expect(within(list()).getAllByRole('option').length).toBeLessThan(60);
  });
});

describe('say hello to an IP', () => {
  it('explains an invalid address inline, waits for an answer and says whether one came', async () => {
    const { fake, user } = renderApp();
    await screen.findByRole('option', { name: /^Alice/ });
    await user.click(screen.getAllByRole('button', { name: 'Say hello to an IP' })[0]!);
    const input = screen.getByRole('textbox', { name: 'Say hello to an IP' });
    await user.type(input, '10.0.0{Enter}');
    expect(screen.getByRole('alert').textContent).toBe(
      'Enter an IPv4 address, optionally with :port',
    );
    expect(fake.calls.some((c) => c.channel === 'contacts:add')).toBe(false);
    await user.clear(input);
    await user.type(input, '10.0.0.7{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain(
      'No answer from 10.0.0.7:8000 within 4 s',
    );
    expect(fake.calls).toContainEqual({
      channel: 'contacts:add',
      args: { address: '10.0.0.7', waitMs: 4_000 },
    });
    await user.clear(input);
    await user.type(input, '192.168.1.31:4000{Enter}');
    expect((await screen.findByText(/Alice answered/)).textContent).toContain(
      'Alice answered and is in your contacts.',
    );
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Say hello to an IP' })).toBeNull();
  });
});

describe('search', () => {
  it('focuses with Ctrl+K, finds contacts and messages, and Esc clears it', async () => {
    const { user } = renderApp();
    await screen.findByRole('option', { name: /Alice/ });
    await user.keyboard('{Control>}k{/Control}');
    const box = screen.getByRole('searchbox', { name: 'Search contacts and messages' });
    await waitFor(() => expect(document.activeElement).toBe(box));
    await user.keyboard('lunch');
    const results = () => screen.getByRole('region', { name: 'Search results' });
    // The results are a view loaded on first use: wait for it, as for the text in it.
    await screen.findByRole('region', { name: 'Search results' });
    expect(await within(results()).findByText('Lunch')).toBeTruthy();
    await user.click(within(results()).getByRole('button', { name: /Alice/ }));
    expect(await screen.findByRole('heading', { name: 'Alice' })).toBeTruthy();
    await user.click(box);
    await user.clear(box);
    await user.keyboard('192.168.1.32');
    expect(within(results()).getByRole('button', { name: /小明/ })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect((box as HTMLInputElement).value).toBe('');
    expect(list()).toBeTruthy();
  });
});

// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSettings, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';

describe('presence', () => {
  it('changes my status and status text from my avatar', async () => {
    const { fake, user } = renderApp();
    await user.click(await screen.findByRole('button', { name: /^My status: Online/ }));
    const menu = screen.getByRole('dialog', { name: 'My status' });
    await user.click(within(menu).getByRole('radio', { name: 'Busy' }));
    expect(fake.calls).toContainEqual({ channel: 'settings:set', args: { status: 'busy' } });
    await user.type(within(menu).getByRole('textbox', { name: 'Status text' }), 'In a meeting');
    await user.click(within(menu).getByRole('button', { name: 'Save' }));
    expect(fake.calls).toContainEqual({
      channel: 'settings:set',
      args: { statusText: 'In a meeting' },
    });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'My status' })).toBeNull());
  });

  it('shows a peer typing for a while, in the header and in the list', async () => {
    const { fake, user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^Alice/ }));
    act(() => fake.emit('typing', { peerId: 'alice' }));
    const header = screen.getByRole('region', { name: 'About Alice' });
    expect(within(header).getByText('typing…')).toBeTruthy();
    const list = screen.getByRole('listbox', { name: 'Contacts' });
    expect(within(list).getByRole('option', { name: /^Alice/ }).textContent).toContain('typing…');
  });

  it('asks for a nickname (the host name suggested) and a colour on the first start', async () => {
    const data = sampleData(NOW);
    data.settings = makeSettings({ onboarded: false });
    const { fake, user } = renderApp({ data });
    const dialog = await screen.findByRole('dialog', { name: 'Welcome to PacketChat' });
    const nick = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'Nickname' });
    expect(nick.value).toBe('my-laptop');
    await user.clear(nick);
    await user.type(nick, 'Lin');
    await user.click(within(dialog).getByRole('radio', { name: 'Colour 215°' }));
    await user.click(within(dialog).getByRole('button', { name: 'Start chatting' }));
    expect(fake.calls).toContainEqual({
      channel: 'settings:set',
      args: { nick: 'Lin', avatarHue: 215, onboarded: true },
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Welcome to PacketChat' })).toBeNull(),
    );
  });
});

describe('auto-away', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns Online into Away after the idle time, and back on the next key press', async () => {
    // Only the idle clock is fake: the interval and Date.now (the UI's own timeouts stay real).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const data = sampleData(NOW);
    data.settings = makeSettings({ autoAwayMinutes: 1 });
    const { fake } = renderApp({ data });
    await screen.findByRole('button', { name: /^My status: Online/ });
    const statusCalls = () =>
      fake.calls.filter((c) => c.channel === 'settings:set').map((c) => c.args);
    act(() => {
      vi.advanceTimersByTime(45_000);
    });
    expect(statusCalls()).toEqual([]);
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(statusCalls()).toEqual([{ status: 'away' }]);
    // main answers with a `self` event; here the fake's settings carry it
    act(() => fake.emit('self', { ...data.self, status: 'away' }));
    fireEvent.keyDown(window, { key: 'a' });
    expect(statusCalls()).toEqual([{ status: 'away' }, { status: 'online' }]);
  });
});

// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeMessage, sampleData } from '../fake-backend';
import { NOW, renderApp, setWindowFocus, showMessages } from '../render-app';

const option = (name: RegExp) =>
  within(screen.getByRole('listbox', { name: 'Contacts' })).getByRole('option', { name });
const readCalls = (calls: { channel: string; args: unknown }[]) =>
  calls.filter((c) => c.channel === 'messages:markReadUpTo').map((c) => c.args);

describe('a message is read when it has been on screen in a focused window', () => {
  it('leaves what is scrolled out of sight unread, and reads it when it comes into view', async () => {
    const { fake, user } = renderApp();
    showMessages(['m1', 'm2']); // scrolled up: the newest message is below the fold
    await user.click(await screen.findByRole('option', { name: /^Alice.*1 unread/ }));
    await screen.findByRole('log', { name: 'Conversation with Alice' });
    expect(option(/^Alice/).getAttribute('aria-label')).toContain('1 unread');
    expect(readCalls(fake.calls)).toEqual([]);
    act(() => showMessages(['m2', 'm3']));
    await waitFor(() =>
      expect(option(/^Alice/).getAttribute('aria-label')).not.toContain('unread'),
    );
    expect(readCalls(fake.calls)).toEqual([{ peerId: 'alice', messageId: 'm3' }]);
    expect(document.title).toBe('(2) PacketChat');
  });

  it('keeps messages unread while the window is in the background, and reads them on return', async () => {
    const { fake, user, data } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^Alice/ }));
    await waitFor(() =>
      expect(option(/^Alice/).getAttribute('aria-label')).not.toContain('unread'),
    );
    act(() => setWindowFocus(false));
    const late = makeMessage('late', 'alice', { text: 'are you back?', receivedAt: NOW + 1 });
    data.messages.push(late);
    act(() => fake.emit('message', late));
    const log = screen.getByRole('log', { name: 'Conversation with Alice' });
    await within(log).findByText('are you back?');
    expect(option(/^Alice/).getAttribute('aria-label')).toContain('1 unread');
    // The divider marks where what arrived meanwhile starts.
    expect(within(log).getByRole('separator', { name: 'Unread messages' })).toBeTruthy();
    act(() => setWindowFocus(true));
    await waitFor(() =>
      expect(option(/^Alice/).getAttribute('aria-label')).not.toContain('unread'),
    );
    expect(readCalls(fake.calls).at(-1)).toEqual({ peerId: 'alice', messageId: 'late' });
  });
});

describe('drafts', () => {
  it('keeps a draft per conversation, shows it in the list, and saves it', async () => {
    const { fake, user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^Alice/ }));
    await user.type(screen.getByRole('textbox', { name: 'Message to Alice' }), 'see you at');
    await user.click(option(/^小明/));
    expect(option(/^Alice/).textContent).toContain('[Draft] see you at');
    expect(option(/^Alice/).getAttribute('aria-label')).toContain('[Draft] see you at');
    await waitFor(() =>
      expect(fake.calls).toContainEqual({
        channel: 'drafts:set',
        args: { peerId: 'alice', text: 'see you at' },
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    await user.click(screen.getByRole('button', { name: /^Chats(, |$)/ }));
    await user.click(option(/^Alice/));
    expect(
      screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message to Alice' }).value,
    ).toBe('see you at');
  });

  it('loads drafts kept from the last run', async () => {
    const data = sampleData(NOW);
    data.drafts = [{ peerId: 'xiaoming', text: '明天见', updatedAt: NOW }];
    renderApp({ data });
    await waitFor(() => expect(option(/^小明/).textContent).toContain('[Draft] 明天见'));
  });
});

// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { makeContact, makeMessage, sampleData } from '../fake-backend';
import { NOW, renderApp, wholeText } from '../render-app';

async function openAlice(options: Parameters<typeof renderApp>[0] = {}) {
  const app = renderApp(options);
  await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
  const log = await screen.findByRole('log', { name: 'Conversation with Alice' });
  return { ...app, log };
}

const composer = () => screen.getByRole('textbox', { name: 'Message to Alice' });
const bubble = (log: HTMLElement, text: string) =>
  within(log).getByText(text).closest<HTMLElement>('.message')!;

describe('conversation', () => {
  it('shows the header with nickname, IP:port, host, transport and round-trip time', async () => {
    await openAlice();
    const header = screen.getByRole('region', { name: 'About Alice' });
    expect(within(header).getByRole('heading', { name: 'Alice' })).toBeTruthy();
    for (const fact of ['LAN 192.168.1.31:4000', 'Host alice-pc', 'UDP + TCP 4000', 'RTT 3 ms']) {
      expect(within(header).getByText(wholeText(fact))).toBeTruthy();
    }
  });

  it('shows bubbles with time and delivery state, separated by day', async () => {
    const { log } = await openAlice();
    await within(log).findByText('Lunch at noon?');
    const separators = within(log)
      .getAllByRole('separator')
      .map((s) => s.textContent);
    // Alice's newest message is unread: the divider stands before it.
    expect(separators).toEqual(['Yesterday', 'Today', 'Unread messages']);
    const mine = bubble(log, 'Yes, port 4000 as always');
    expect(mine.className).toContain('out');
    expect(within(mine).getByText('Delivered')).toBeTruthy();
    expect(within(mine).getByRole('time').textContent).toMatch(/09:35|9:35/);
    expect(bubble(log, 'Lunch at noon?').className).toContain('in');
  });

  it('marks a message that went by TCP and offers retry for a failed one', async () => {
    const { fake, log, user } = await openAlice();
    await within(log).findByText('Lunch at noon?');
    const sent = (id: string, patch: Partial<ChatMessage>) =>
      makeMessage(id, 'alice', { direction: 'out', state: 'sending', receivedAt: NOW, ...patch });
    act(() => fake.emit('message', sent('long', { text: 'x'.repeat(1500), transport: 'tcp' })));
    act(() => fake.emit('message', sent('lost', { text: 'into the void' })));
    act(() =>
      fake.emit('message-state', {
        id: 'long',
        peerId: 'alice',
        state: 'delivered',
        transport: 'tcp',
        attempts: 1,
      }),
    );
    act(() =>
      fake.emit('message-state', {
        id: 'lost',
        peerId: 'alice',
        state: 'failed',
        transport: 'udp',
        attempts: 7,
      }),
    );
    const long = bubble(log, 'x'.repeat(1500));
    expect(within(long).getByTitle('Went over TCP').textContent).toBe('TCP');
    const lost = bubble(log, 'into the void');
    expect(within(lost).getByText('Not delivered')).toBeTruthy();
    expect(within(lost).queryByText('TCP')).toBeNull();
    await user.click(within(lost).getByRole('button', { name: 'Retry sending this message' }));
    expect(fake.calls).toContainEqual({ channel: 'messages:retry', args: { messageId: 'lost' } });
  });

  it('notes in the conversation when the peer’s IP:port changes', async () => {
    const { fake, log } = await openAlice();
    await within(log).findByText('Lunch at noon?');
    const moved = makeContact('alice', { nick: 'Alice', address: '192.168.1.99', port: 4001 });
    act(() =>
      fake.emit('contact', {
        change: 'moved',
        peer: moved,
        kind: 'peer',
        previous: { address: '192.168.1.31', port: 4000 },
      }),
    );
    const note = within(log).getByRole('note');
    expect(note.textContent).toContain('Alice moved from 192.168.1.31:4000 to 192.168.1.99:4001');
    expect(
      within(screen.getByRole('region', { name: 'About Alice' })).getByText(
        'LAN 192.168.1.99:4001',
      ),
    ).toBeTruthy();
  });

  it('shows a stranger as plain UDP text', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^192\.168\.1\.50:5555/ }));
    expect(await screen.findByText('Stranger · plain UDP text')).toBeTruthy();
    const log = screen.getByRole('log', { name: 'Conversation with 192.168.1.50:5555' });
    expect(await within(log).findByText('hello from netcat')).toBeTruthy();
  });

  it('pages older history in when scrolled to the top', async () => {
    const data = sampleData(NOW);
    data.messages = Array.from({ length: 250 }, (_, i) =>
      makeMessage(`h${i}`, 'alice', { text: `history ${i}`, receivedAt: NOW - (250 - i) * 1000 }),
    );
    const { fake, log } = await openAlice({ data });
    // The list starts at the newest message (jsdom has no layout: at the estimated heights).
    await within(log).findByText('history 249');
    // Scrolling is the virtual list's, once it has taken over from the first frame's rows.
    await waitFor(() => expect(log.querySelector('.virtual-row')).not.toBeNull());
    const pages = () => fake.calls.filter((c) => c.channel === 'messages:history');
    expect(pages()).toEqual([
      { channel: 'messages:history', args: { peerId: 'alice', limit: 100 } },
    ]);
    log.scrollTop = 0;
    fireEvent.scroll(log);
    await waitFor(() => expect(pages()).toHaveLength(2));
    expect(pages()[1]?.args).toEqual({ peerId: 'alice', before: '150', limit: 100 });
  });
});

describe('composer', () => {
  it('sends with Enter, adds a line with Shift+Enter, and follows the sent message’s state', async () => {
    const data = sampleData(NOW);
    const { fake, log, user } = await openAlice({
      data,
      handlers: {
        'messages:send': ({ text }) => {
          const message = makeMessage('s1', 'alice', {
            direction: 'out',
            text,
            state: 'sending',
            receivedAt: NOW,
          });
          // The ack comes in a later turn of main's event loop than the answer to the call.
          setTimeout(() =>
            fake.emit('message-state', {
              id: 's1',
              peerId: 'alice',
              state: 'delivered',
              transport: 'udp',
              attempts: 1,
              rttMs: 2,
            }),
          );
          return message;
        },
      },
    });
    await user.type(composer(), 'first line{Shift>}{Enter}{/Shift}second line');
    expect((composer() as HTMLTextAreaElement).value).toBe('first line\nsecond line');
    expect(fake.calls.some((c) => c.channel === 'messages:send')).toBe(false);
    await user.keyboard('{Enter}');
    expect(fake.calls).toContainEqual({
      channel: 'messages:send',
      args: { peerId: 'alice', text: 'first line\nsecond line' },
    });
    await waitFor(() => expect((composer() as HTMLTextAreaElement).value).toBe(''));
    const sent = await within(log).findByText(/first line/);
    expect(within(sent.closest<HTMLElement>('.message')!).getByText('Delivered')).toBeTruthy();
  });

  it('shows the size near the datagram limit, the TCP note above it, and refuses over 64 KiB', async () => {
    const { user } = await openAlice();
    const send = screen.getByRole('button', { name: 'Send message' });
    composer().focus();
    // A sealed text packet's header takes about 230 of the 1,200 bytes: 969 ASCII bytes fit.
    await user.paste('a'.repeat(969));
    const size = () => screen.getByRole('status', { name: 'Message size' });
    expect(size().textContent).toContain('969 B / 1,200 B');
    expect(size().textContent).toContain('UDP datagram');
    await user.paste('a');
    expect(size().textContent).toContain('Longer than one datagram: goes by TCP');
    expect((send as HTMLButtonElement).disabled).toBe(false);
    fireEvent.change(composer(), { target: { value: 'b'.repeat(65_537) } });
    expect(size().textContent).toContain('Too long: at most 64 KiB');
    expect((send as HTMLButtonElement).disabled).toBe(true);
  });

  it('explains a failed send and keeps the text', async () => {
    const { user } = await openAlice({
      handlers: {
        'messages:send': () => {
          throw new Error('socket closed');
        },
      },
    });
    await user.type(composer(), 'hello{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('Could not send');
    expect((composer() as HTMLTextAreaElement).value).toBe('hello');
  });
});

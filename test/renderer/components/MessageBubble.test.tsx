// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import { makeContact, makeMessage } from '../fake-backend';
import { NOW, renderApp, wholeText } from '../render-app';

async function openAlice() {
  const app = renderApp();
  await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
  const log = await screen.findByRole('log', { name: 'Conversation with Alice' });
  await within(log).findByText('Lunch at noon?');
  return { ...app, log };
}

const mine = (id: string, patch: Partial<ChatMessage> = {}) =>
  makeMessage(id, 'alice', {
    direction: 'out',
    state: 'sending',
    text: `text of ${id}`,
    receivedAt: NOW,
    ...patch,
  });
const state = (id: string, patch: Partial<MessageStateChange>): MessageStateChange => ({
  id,
  peerId: 'alice',
  state: 'delivered',
  transport: 'udp',
  attempts: 1,
  ...patch,
});
const bubbleOf = (log: HTMLElement, id: string) =>
  log.querySelector<HTMLElement>(`.message[data-message-id="${id}"]`)!;

describe('delivery states say what is known', () => {
  it('Delivered (two ticks) only when acknowledged; the TCP mark only for what went by TCP', async () => {
    const { fake, log } = await openAlice();
    act(() => fake.emit('message', mine('s1')));
    expect(within(bubbleOf(log, 's1')).getByText('Sending…')).toBeTruthy();
    // An attempt over TCP that got no answer: pending, and no TCP mark.
    act(() => fake.emit('message-state', state('s1', { state: 'pending', transport: 'tcp' })));
    const s1 = bubbleOf(log, 's1');
    expect(within(s1).queryByTitle('Went over TCP')).toBeNull();
    expect(within(s1).queryByText('Delivered')).toBeNull();
    expect(within(s1).getByText(wholeText('Will be delivered when Alice is back'))).toBeTruthy();
    for (const name of [
      'Retry sending this message',
      'Cancel sending this message',
      'Delete this message for me',
    ])
      expect(within(s1).getByRole('button', { name })).toBeTruthy();
    act(() => fake.emit('message-state', state('s1', { transport: 'tcp' })));
    expect(within(bubbleOf(log, 's1')).getByText('Delivered')).toBeTruthy();
    expect(within(bubbleOf(log, 's1')).getByTitle('Went over TCP')).toBeTruthy();
  });

  it('says a stranger’s message was Sent, never Delivered', async () => {
    const { fake, user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^192\.168\.1\.50:5555/ }));
    const log = await screen.findByRole('log', { name: 'Conversation with 192.168.1.50:5555' });
    const out = makeMessage('p1', 'stranger:192.168.1.50:5555', {
      direction: 'out',
      state: 'delivered',
      text: 'plain reply',
      receivedAt: NOW,
    });
    act(() => fake.emit('message', out));
    const bubble = bubbleOf(log, 'p1');
    expect(within(bubble).getByText('Sent')).toBeTruthy();
    expect(within(bubble).queryByText('Delivered')).toBeNull();
  });

  it('says when the peer is not responding, and when a message was cancelled', async () => {
    const { fake, log, user } = await openAlice();
    act(() => fake.emit('message', mine('s2')));
    act(() =>
      fake.emit('contact', {
        change: 'updated',
        kind: 'peer',
        peer: makeContact('alice', { nick: 'Alice', address: '192.168.1.31', responding: false }),
      }),
    );
    expect(
      within(bubbleOf(log, 's2')).getByText(wholeText('Alice is not responding; still trying')),
    ).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'About Alice' })).getByText('Not responding'),
    ).toBeTruthy();
    await user.click(
      within(bubbleOf(log, 's2')).getByRole('button', { name: 'Cancel sending this message' }),
    );
    expect(fake.calls).toContainEqual({ channel: 'messages:cancel', args: { messageId: 's2' } });
    act(() => fake.emit('message-state', state('s2', { state: 'cancelled' })));
    expect(within(bubbleOf(log, 's2')).getByText('Cancelled: it will not be sent')).toBeTruthy();
  });
});

describe('message actions', () => {
  it('replies from the context menu with a quote shown above the reply', async () => {
    const { fake, log, user } = await openAlice();
    await user.pointer({ keys: '[MouseRight]', target: within(log).getByText('Lunch at noon?') });
    const menu = screen.getByRole('menu', { name: 'Message actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((i) => i.textContent),
    ).toEqual(['ReplyR', 'CopyCtrl+C', 'Forward…F', 'SelectS', 'Delete for meDel']);
    await user.click(within(menu).getByRole('menuitem', { name: /Reply/ }));
    expect(screen.getByText(wholeText('Replying to Alice'))).toBeTruthy();
    await user.keyboard('Sure, noon.{Enter}');
    expect(fake.calls).toContainEqual({
      channel: 'messages:send',
      args: {
        peerId: 'alice',
        text: 'Sure, noon.',
        reply: { id: 'm3', excerpt: 'Lunch at noon?' },
      },
    });
    const sent = (await within(log).findByText('Sure, noon.')).closest<HTMLElement>('.message')!;
    expect(within(sent).getByRole('button', { name: /Lunch at noon\?/ })).toBeTruthy();
  });

  it('selects several messages and deletes them for me after asking', async () => {
    const { fake, log, user } = await openAlice();
    const first = within(log)
      .getByText('Hi! Are you on the LAN?')
      .closest<HTMLElement>('.message')!;
    first.focus();
    await user.keyboard('s');
    await user.click(within(log).getByText('Lunch at noon?'));
    const bar = screen.getByRole('toolbar', { name: 'Selected messages' });
    expect(within(bar).getByRole('status').textContent).toBe('2 selected');
    await user.click(within(bar).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete 2 messages for you?' });
    expect(dialog.textContent).toContain('Alice keeps their copy');
    await user.click(within(dialog).getByRole('button', { name: 'Delete for me' }));
    expect(fake.calls).toContainEqual({
      channel: 'messages:delete',
      args: { messageIds: ['m1', 'm3'] },
    });
    expect(within(log).queryByText('Lunch at noon?')).toBeNull();
    expect(screen.queryByRole('toolbar', { name: 'Selected messages' })).toBeNull();
  });
});

describe('emoji picker', () => {
  it('searches, inserts at the cursor and remembers recent picks', async () => {
    const { user } = await openAlice();
    const composer = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message to Alice' });
    await user.type(composer, 'nice ');
    await user.click(screen.getByRole('button', { name: 'Emoji' }));
    const picker = await screen.findByRole('dialog', { name: 'Emoji' });
    await user.type(within(picker).getByRole('searchbox', { name: 'Search emoji' }), 'thumbs up');
    await user.click(await within(picker).findByRole('button', { name: 'thumbs up' }));
    expect(composer.value).toBe('nice 👍\uFE0F');
    await user.clear(within(picker).getByRole('searchbox', { name: 'Search emoji' }));
    await user.click(within(picker).getByRole('tab', { name: 'Recent' }));
    expect(within(picker).getByRole('button', { name: 'thumbs up' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Emoji' })).toBeNull();
  });
});

// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { IpcFailure } from '../../../shared/ipc/contract';
import type { TransferInfo } from '../../../shared/transfers';
import { makeMessage, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';

const ID = 'a'.repeat(32);

const offer = (patch: Partial<ChatMessage> = {}): ChatMessage =>
  makeMessage('f1', 'alice', {
    text: 'report.pdf',
    receivedAt: NOW,
    file: {
      transferId: ID,
      // What card.ts leaves of a hostile name: shown as text, never as markup.
      names: ['<img src=x onerror=alert(1)>.pdf'],
      files: 1,
      folders: 0,
      bytes: 10 * 1024 * 1024,
    },
    ...patch,
  });

const transfer = (patch: Partial<TransferInfo> = {}): TransferInfo => ({
  id: ID,
  peerId: 'alice',
  direction: 'receive',
  state: 'offered',
  files: 1,
  filesDone: 0,
  filesFailed: 0,
  folders: 0,
  names: ['<img src=x onerror=alert(1)>.pdf'],
  bytes: 10 * 1024 * 1024,
  bytesDone: 0,
  rate: 0,
  createdAt: NOW,
  updatedAt: NOW,
  ...patch,
});

async function openWithOffer(picked: string[] = ['/home/me/Downloads']) {
  const data = sampleData(NOW);
  data.messages.push(offer());
  const accepted: { id: string; dir: string }[] = [];
  const app = renderApp({
    data,
    handlers: {
      'files:list': () => [transfer()],
      'files:pick': () => ({ paths: picked }),
      'files:accept': ({ id, dir }) => {
        accepted.push({ id, dir });
        return transfer({ state: 'accepted', dir, updatedAt: NOW + 1 });
      },
      'files:decline': () => {
        throw new IpcFailure('invalid-argument', 'too late', undefined, 'wrong-state');
      },
    },
  });
  await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
  const log = await screen.findByRole('log', { name: 'Conversation with Alice' });
  const card = await within(log).findByRole('group', { name: /^Files:/ });
  return { ...app, log, card, accepted };
}

describe('a file offer in the conversation', () => {
  it('shows names as text, size and state, and accepts into the folder picked in main', async () => {
    const { card, user, accepted, fake } = await openWithOffer();
    expect(within(card).getByText('<img src=x onerror=alert(1)>.pdf')).toBeTruthy();
    expect(card.querySelector('img')).toBeNull();
    expect(within(card).getByText('1 file · 10 MiB')).toBeTruthy();
    expect(within(card).getByRole('status').textContent).toBe('Offered');

    await user.click(
      within(card).getByRole('button', { name: 'Accept and choose a folder to save into' }),
    );
    expect(fake.calls.filter((c) => c.channel === 'files:pick').map((c) => c.args)).toEqual([
      { kind: 'folder' },
    ]);
    expect(accepted).toEqual([{ id: ID, dir: '/home/me/Downloads' }]);
    expect(within(card).getByRole('status').textContent).toBe('Accepted');
  });

  it('a cancelled folder dialog accepts nothing', async () => {
    const { card, user, accepted } = await openWithOffer([]);
    await user.click(
      within(card).getByRole('button', { name: 'Accept and choose a folder to save into' }),
    );
    expect(accepted).toEqual([]);
    expect(within(card).getByRole('status').textContent).toBe('Offered');
  });

  it('shows progress, rate and time left from transfer events, then a full disk clearly', async () => {
    const { card, fake } = await openWithOffer();
    act(() =>
      fake.emit('transfer', {
        transfer: transfer({
          state: 'active',
          bytesDone: 5 * 1024 * 1024,
          rate: 1024 * 1024,
          updatedAt: NOW + 2,
        }),
      }),
    );
    const bar = within(card).getByRole('progressbar', { name: 'Transfer progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(within(card).getByText('1 MiB/s')).toBeTruthy();
    expect(within(card).getByText('5 s left')).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Pause' })).toBeTruthy();

    act(() =>
      fake.emit('transfer', {
        transfer: transfer({
          state: 'paused',
          reason: 'disk-full',
          bytesDone: 6 * 1024 * 1024,
          updatedAt: NOW + 3,
        }),
      }),
    );
    expect(within(card).getByRole('alert').textContent).toBe(
      'Paused: the disk is full: free some space and it continues',
    );
    expect(within(card).getByRole('button', { name: 'Resume' })).toBeTruthy();
    // An older event that arrives late does not move the card back.
    act(() =>
      fake.emit('transfer', { transfer: transfer({ state: 'active', updatedAt: NOW + 2 }) }),
    );
    expect(within(card).getByRole('alert').textContent).toContain('Paused');
  });

  it('says why an action failed', async () => {
    const { card, user } = await openWithOffer();
    await user.click(within(card).getByRole('button', { name: 'Decline' }));
    expect((await within(card).findByRole('alert')).textContent).toBe(
      'Could not do that: too late',
    );
  });

  it('in Chinese', async () => {
    const data = sampleData(NOW);
    data.settings = { ...data.settings, language: 'zh-CN' };
    data.messages.push(offer());
    const app = renderApp({
      data,
      language: 'zh-CN',
      handlers: { 'files:list': () => [transfer({ state: 'done', dir: '/data/下载' })] },
    });
    await app.user.click(await screen.findByRole('option', { name: /Alice/ }));
    const card = await screen.findByRole('group', { name: /^文件：/ });
    expect(within(card).getByRole('status').textContent).toBe(
      '已完成，已校验 · 已保存到 /data/下载',
    );
  });
});

describe('sending files from the composer', () => {
  it('picks files in main and offers them; a refusal is said in the composer', async () => {
    const sent: { peerId: string; paths: string[] }[] = [];
    const app = renderApp({
      handlers: {
        'files:pick': () => ({ paths: ['/home/me/a.txt', '/home/me/b.txt'] }),
        'files:send': ({ peerId, paths }) => {
          sent.push({ peerId, paths });
          if (sent.length > 1) throw new IpcFailure('not-found', 'no such peer', 'peerId');
          return transfer({ direction: 'send', files: 2 });
        },
      },
    });
    await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
    const send = await screen.findByRole('button', { name: 'Send files to Alice' });
    await app.user.click(send);
    expect(sent).toEqual([{ peerId: 'alice', paths: ['/home/me/a.txt', '/home/me/b.txt'] }]);
    expect(app.store.getState().transfers[ID]?.direction).toBe('send');
    await app.user.click(send);
    expect((await screen.findByText('Could not send files: no such peer')).textContent).toBe(
      'Could not send files: no such peer',
    );
  });
});

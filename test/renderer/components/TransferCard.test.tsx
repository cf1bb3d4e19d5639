// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { IpcFailure } from '../../../shared/ipc/contract';
import type { TransferFileInfo, TransferInfo } from '../../../shared/transfers';
import { makeMessage, makeTransfer, sampleData } from '../fake-backend';
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

const transfer = (patch: Partial<TransferInfo> = {}): TransferInfo =>
  makeTransfer({
    id: ID,
    names: ['<img src=x onerror=alert(1)>.pdf'],
    bytes: 10 * 1024 * 1024,
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

describe('open and show in folder', () => {
  async function openDone(
    patch: Partial<TransferInfo>,
    gone = false,
    files: () => TransferFileInfo[] = () => [],
  ) {
    const data = sampleData(NOW);
    data.messages.push(offer());
    const opened: unknown[] = [];
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer({ state: 'done', dir: '/home/me/Downloads', ...patch })],
        'files:files': files,
        'files:open': (args) => {
          if (gone)
            throw new IpcFailure('not-found', 'The file was moved or deleted', undefined, 'gone');
          opened.push(args);
          return { path: '/home/me/Downloads/report.pdf' };
        },
      },
    });
    await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
    const card = await screen.findByRole('group', { name: /^Files:/ });
    await within(card).findByText(/^Done/);
    return { ...app, card, opened };
  }

  it('opens a received file, or shows it in its folder, by the transfer’s id only', async () => {
    const { card, user, opened } = await openDone({});
    const name = '<img src=x onerror=alert(1)>.pdf';
    const open = within(card).getByRole('button', { name: `Open: ${name}` });
    expect(open.textContent).toBe('Open');
    await user.click(open);
    await user.click(within(card).getByRole('button', { name: `Show in folder: ${name}` }));
    expect(opened).toEqual([
      { id: ID, reveal: false },
      { id: ID, reveal: true },
    ]);
  });

  it('says Open folder for a folder, and only Show in folder for a sent transfer', async () => {
    const folder = await openDone({ files: 12, names: ['photos'] });
    expect(
      within(folder.card).getByRole('button', { name: 'Open folder: photos' }).textContent,
    ).toBe('Open folder');
    folder.unmount();
    const sent = await openDone({ direction: 'send' });
    expect(within(sent.card).queryByRole('button', { name: /^Open/ })).toBeNull();
    expect(within(sent.card).getByRole('button', { name: /^Show in folder/ })).toBeTruthy();
  });

  it('lists a received folder’s kept files on demand, each with its own Open', async () => {
    let asked = 0;
    const file = (index: number, path: string, more: Partial<TransferFileInfo> = {}) => ({
      index,
      path,
      size: 2048 * (index + 1),
      bytesDone: 2048 * (index + 1),
      state: 'done' as const,
      ...more,
    });
    const { card, user, opened } = await openDone({ files: 3, names: ['photos'] }, false, () => {
      asked += 1;
      return [
        file(0, 'photos/a.jpg'),
        file(1, 'photos/con.txt', { savedAs: 'photos/_con.txt' }),
        file(2, 'photos/x:y.txt', { state: 'skipped', error: 'unsafe-name' }),
      ];
    });
    const before = asked; // the changed-names line asks once for itself
    await user.click(within(card).getByText('Files (3)'));
    const list = await within(card).findByRole('list', { name: 'Files (3)' });
    const rows = within(list).getAllByRole('listitem');
    // Only kept files, by the name they were saved under, with their size.
    expect(rows.map((r) => r.textContent)).toEqual([
      'photos/a.jpg2 KiBOpen',
      'photos/_con.txt4 KiBOpen',
    ]);
    expect(asked).toBe(before + 1);
    await user.click(within(list).getByRole('button', { name: 'Open: photos/_con.txt' }));
    expect(opened).toEqual([{ id: ID, reveal: false, file: 1 }]);
  });

  it('says why the list of files cannot be shown', async () => {
    const { card, user } = await openDone({ files: 3, names: ['photos'] }, false, () => {
      throw new IpcFailure('not-found', 'no such transfer');
    });
    await user.click(within(card).getByText('Files (3)'));
    expect((await within(card).findByRole('alert')).textContent).toBe(
      'Could not do that: no such transfer',
    );
  });

  it('has no open buttons before the transfer is done', async () => {
    const { card, fake } = await openWithOffer();
    expect(within(card).queryByRole('button', { name: /^(Open|Show in folder)/ })).toBeNull();
    act(() =>
      fake.emit('transfer', {
        transfer: transfer({ state: 'active', bytesDone: 10, updatedAt: NOW + 2 }),
      }),
    );
    expect(within(card).queryByRole('button', { name: /^(Open|Show in folder)/ })).toBeNull();
  });

  it('says so when the file was moved or deleted', async () => {
    const { card, user } = await openDone({}, true);
    await user.click(within(card).getByRole('button', { name: /^Open/ }));
    expect((await within(card).findByRole('alert')).textContent).toBe(
      'The file was moved or deleted',
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

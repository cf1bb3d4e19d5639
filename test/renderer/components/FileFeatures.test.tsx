// @vitest-environment jsdom
// The window's file features (issue 14, section 5): drop on a conversation, paste an image,
// thumbnails, changed names, Accept into the download folder, the transfers view, Settings › Files.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { IpcFailure } from '../../../shared/ipc/contract';
import type { Settings } from '../../../shared/ipc/schemas';
import type { TransferFileInfo, TransferInfo } from '../../../shared/transfers';
import { makeMessage, makeSettings, makeTransfer, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';

const ID = 'b'.repeat(32);
/** The first bytes of a PNG: enough for the renderer, which never judges the type itself. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

// jsdom has no object URLs: each Blob gets a made-up blob: URL, and revoking is recorded.
const revoked: string[] = [];
beforeAll(() => {
  let n = 0;
  Object.assign(URL, {
    createObjectURL: () => `blob:packetchat/${String((n += 1))}`,
    revokeObjectURL: (url: string) => revoked.push(url),
  });
});

const transfer = (patch: Partial<TransferInfo> = {}): TransferInfo =>
  makeTransfer({ id: ID, createdAt: NOW, updatedAt: NOW, ...patch });

const card = (names = ['photo.png'], files = 1): ChatMessage =>
  makeMessage('f1', 'alice', {
    text: names.join(', '),
    receivedAt: NOW,
    file: { transferId: ID, names, files, folders: 0, bytes: 2048 },
  });

function dragEvent(files: File[]) {
  return { dataTransfer: { types: ['Files'], files, dropEffect: 'none' } };
}

async function openAlice(app: ReturnType<typeof renderApp>) {
  await app.user.click(await screen.findByRole('option', { name: /^Alice/ }));
  return screen.findByRole('main', { name: /Alice/ });
}

describe('dropping files on a conversation', () => {
  it('shows where they go while dragging, then offers the dropped files', async () => {
    const app = renderApp({
      handlers: { 'files:drop': () => transfer({ direction: 'send', names: ['report.pdf'] }) },
    });
    const pane = await openAlice(app);
    const file = new File(['%PDF'], 'report.pdf', { type: 'application/pdf' });
    fireEvent.dragEnter(pane, dragEvent([file]));
    expect(within(pane).getByRole('status', { name: '' }).textContent).toBe(
      'Drop to send to Alice',
    );
    fireEvent.dragOver(pane, dragEvent([file]));
    await act(async () => {
      fireEvent.drop(pane, dragEvent([file]));
      await Promise.resolve();
    });
    expect(within(pane).queryByText('Drop to send to Alice')).toBeNull();
    expect(app.fake.calls.filter((c) => c.channel === 'files:drop').map((c) => c.args)).toEqual([
      { peerId: 'alice', paths: ['/dropped/report.pdf'] },
    ]);
    expect(app.store.getState().transfers[ID]?.direction).toBe('send');
  });

  it('hides the overlay when the drag leaves, and ignores drags of text', async () => {
    const app = renderApp();
    const pane = await openAlice(app);
    const file = new File(['x'], 'a.txt');
    fireEvent.dragEnter(pane, dragEvent([file]));
    fireEvent.dragEnter(pane.querySelector('textarea') ?? pane, dragEvent([file]));
    fireEvent.dragLeave(pane.querySelector('textarea') ?? pane, dragEvent([file]));
    expect(within(pane).getByText('Drop to send to Alice')).toBeTruthy();
    fireEvent.dragLeave(pane, dragEvent([file]));
    expect(within(pane).queryByText('Drop to send to Alice')).toBeNull();
    fireEvent.dragEnter(pane, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(within(pane).queryByText('Drop to send to Alice')).toBeNull();
  });

  it('says why a drop failed', async () => {
    const app = renderApp({
      handlers: {
        'files:drop': () => {
          throw new IpcFailure('invalid-argument', '/dropped/gone is not there', 'paths');
        },
      },
    });
    const pane = await openAlice(app);
    const file = new File(['x'], 'gone');
    fireEvent.dragEnter(pane, dragEvent([file]));
    fireEvent.drop(pane, dragEvent([file]));
    expect((await within(pane).findByRole('alert')).textContent).toBe(
      'Could not send what was dropped: /dropped/gone is not there',
    );
  });
});

describe('pasting an image into the composer', () => {
  it('shows a preview and sends nothing until Send; Cancel drops it', async () => {
    const sent: string[] = [];
    const app = renderApp({
      handlers: {
        'files:sendImage': ({ data }) => {
          sent.push(data);
          return transfer({ direction: 'send', names: ['Screenshot 2026-11-25 19.40.12.png'] });
        },
      },
    });
    await openAlice(app);
    const input = screen.getByRole('textbox', { name: /Alice/ });
    const image = new File([PNG], 'image.png', { type: 'image/png' });
    fireEvent.paste(input, { clipboardData: { files: [image], types: ['Files'] } });
    const preview = await screen.findByRole('group', { name: 'Pasted image to send to Alice' });
    expect(within(preview).getByText('11 B')).toBeTruthy();
    expect(preview.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/);
    expect(sent).toEqual([]);
    await app.user.click(within(preview).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: /Pasted image/ })).toBeNull();
    expect(app.fake.calls.some((c) => c.channel === 'files:sendImage')).toBe(false);

    fireEvent.paste(input, { clipboardData: { files: [image], types: ['Files'] } });
    const again = await screen.findByRole('group', { name: 'Pasted image to send to Alice' });
    await app.user.click(within(again).getByRole('button', { name: 'Send image' }));
    expect(sent).toEqual([Buffer.from(PNG).toString('base64')]);
    expect(screen.queryByRole('group', { name: /Pasted image/ })).toBeNull();
  });

  it('leaves a paste of text alone, and says when main refuses the image', async () => {
    const app = renderApp({
      handlers: {
        'files:sendImage': () => {
          throw new IpcFailure('invalid-argument', 'only PNG, JPEG, GIF and WebP', 'data');
        },
      },
    });
    await openAlice(app);
    const input = screen.getByRole('textbox', { name: /Alice/ });
    fireEvent.paste(input, { clipboardData: { files: [], types: ['text/plain'] } });
    expect(screen.queryByRole('group', { name: /Pasted image/ })).toBeNull();
    const image = new File([PNG], 'image.png', { type: 'image/png' });
    fireEvent.paste(input, { clipboardData: { files: [image], types: ['Files'] } });
    const preview = await screen.findByRole('group', { name: /Pasted image/ });
    await app.user.click(within(preview).getByRole('button', { name: 'Send image' }));
    expect((await within(preview).findByRole('alert')).textContent).toBe(
      'Could not send the image: only PNG, JPEG, GIF and WebP',
    );
  });
});

describe('a received transfer’s card', () => {
  it('shows a received image inline through a blob: URL', async () => {
    const data = sampleData(NOW);
    data.messages.push(card());
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer({ state: 'done', dir: '/home/me/Downloads' })],
        'files:thumbnail': () => ({
          mime: 'image/png',
          base64: Buffer.from(PNG).toString('base64'),
        }),
        'files:files': () => [],
      },
    });
    await openAlice(app);
    const img = await screen.findByRole('img', { name: 'Picture photo.png' });
    expect(img.getAttribute('src')).toMatch(/^blob:packetchat\//);
    expect(
      app.fake.calls.filter((c) => c.channel === 'files:thumbnail').map((c) => c.args),
    ).toEqual([{ id: ID, index: 0 }]);
  });

  it('opens the image when its thumbnail is clicked or pressed with the keyboard', async () => {
    const data = sampleData(NOW);
    data.messages.push(card());
    const opened: unknown[] = [];
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer({ state: 'done', dir: '/home/me/Downloads' })],
        'files:thumbnail': () => ({
          mime: 'image/png',
          base64: Buffer.from(PNG).toString('base64'),
        }),
        'files:files': () => [],
        'files:open': (args) => {
          opened.push(args);
          return { path: '/home/me/Downloads/photo.png' };
        },
      },
    });
    await openAlice(app);
    const img = await screen.findByRole('img', { name: 'Picture photo.png' });
    const button = img.closest('button');
    expect(button?.getAttribute('title')).toBe('Open: photo.png');
    await app.user.click(img);
    button?.focus();
    await app.user.keyboard('{Enter}');
    expect(opened).toEqual([
      { id: ID, file: 0, reveal: false },
      { id: ID, file: 0, reveal: false },
    ]);
  });

  it('shows no thumbnail when main has none (not an image), and none before done', async () => {
    const data = sampleData(NOW);
    data.messages.push(card());
    const app = renderApp({
      data,
      handlers: { 'files:list': () => [transfer({ state: 'active', bytesDone: 10 })] },
    });
    const pane = await openAlice(app);
    await within(pane).findByRole('group', { name: /^Files:/ });
    expect(app.fake.calls.some((c) => c.channel === 'files:thumbnail')).toBe(false);
    act(() =>
      app.fake.emit('transfer', {
        transfer: transfer({ state: 'done', bytesDone: 2048, updatedAt: NOW + 1 }),
      }),
    );
    await within(pane).findByText('Done, verified');
    expect(within(pane).queryByRole('img', { name: /Picture/ })).toBeNull();
  });

  it('lists the names the engine changed or did not save', async () => {
    const data = sampleData(NOW);
    data.messages.push(card(['project'], 3));
    const files: TransferFileInfo[] = [
      {
        index: 0,
        path: 'project/a.txt',
        savedAs: 'project/a (1).txt',
        size: 1,
        bytesDone: 1,
        state: 'done',
      },
      {
        index: 1,
        path: 'project/CON',
        savedAs: 'project/CON_',
        size: 1,
        bytesDone: 1,
        state: 'done',
      },
      { index: 2, path: 'project/b.txt', size: 1, bytesDone: 1, state: 'done' },
      {
        index: 3,
        path: 'project/x:y',
        size: 1,
        bytesDone: 0,
        state: 'skipped',
        error: 'unsafe-name',
      },
    ];
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer({ state: 'done', files: 4, names: ['project'] })],
        'files:files': () => files,
      },
    });
    const pane = await openAlice(app);
    const summary = await within(pane).findByText('3 names were changed');
    const list = summary.closest('details')?.querySelector('ul');
    expect([...(list?.querySelectorAll('li') ?? [])].map((li) => li.textContent)).toEqual([
      'project/a.txt → project/a (1).txt',
      'project/CON → project/CON_',
      'project/x:y: not saved (unsafe name)',
    ]);
  });

  it('lists the names changed inside an IPMsg folder in the same list, and counts the rest', async () => {
    const data = sampleData(NOW);
    data.messages.push(card(['project']));
    const files: TransferFileInfo[] = [
      {
        index: 0,
        path: 'project',
        savedAs: 'project (1)',
        size: 2,
        bytesDone: 2,
        state: 'done',
        renamedInside: {
          names: [
            { path: 'project/a:b', reasons: ['bad-character'], renamedTo: 'project (1)/a_b' },
            { path: 'project/a_b', reasons: ['clash'], renamedTo: 'project (1)/a_b (1)' },
          ],
          more: 40,
        },
      },
    ];
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer({ state: 'done', files: 1, names: ['project'] })],
        'files:files': () => files,
      },
    });
    const pane = await openAlice(app);
    const summary = await within(pane).findByText('43 names were changed');
    const details = summary.closest('details');
    expect([...(details?.querySelectorAll('li') ?? [])].map((li) => li.textContent)).toEqual([
      'project → project (1)',
      'project/a:b → project (1)/a_b',
      'project/a_b → project (1)/a_b (1)',
    ]);
    expect(within(details!).getByText('and 40 more inside the folder')).toBeTruthy();
  });

  it('accepts into the download folder without asking; Save elsewhere asks main’s dialog', async () => {
    const data = sampleData(NOW);
    data.settings = makeSettings({ downloadDir: '/home/me/Downloads' });
    data.messages.push(card());
    const accepted: string[] = [];
    const app = renderApp({
      data,
      handlers: {
        'files:list': () => [transfer()],
        'files:pick': () => ({ paths: ['/mnt/usb'] }),
        'files:accept': ({ dir }) => {
          accepted.push(dir);
          return transfer({
            state: accepted.length === 1 ? 'offered' : 'accepted',
            dir,
            updatedAt: NOW,
          });
        },
      },
    });
    const pane = await openAlice(app);
    const offer = await within(pane).findByRole('group', { name: /^Files:/ });
    await app.user.click(
      within(offer).getByRole('button', { name: 'Accept and save into /home/me/Downloads' }),
    );
    expect(accepted).toEqual(['/home/me/Downloads']);
    expect(app.fake.calls.some((c) => c.channel === 'files:pick')).toBe(false);
    await app.user.click(within(offer).getByRole('button', { name: 'Save elsewhere…' }));
    expect(accepted).toEqual(['/home/me/Downloads', '/mnt/usb']);
  });
});

describe('the transfers view', () => {
  const failedFolder = transfer({
    id: 'c'.repeat(32),
    state: 'failed',
    reason: 'files-failed',
    names: ['photos'],
    files: 10,
    filesDone: 7,
    filesFailed: 3,
    createdAt: NOW + 5,
  });
  const sent = transfer({
    id: 'd'.repeat(32),
    direction: 'send',
    state: 'done',
    names: ['notes.txt'],
    bytesDone: 2048,
  });

  it('lists every transfer, filters the failed ones, and retries only failed files', async () => {
    const retried: string[] = [];
    const app = renderApp({
      handlers: {
        'files:list': () => [sent, failedFolder],
        'files:files': () => [],
        'files:open': () => ({ path: '/home/me/notes.txt' }),
        'files:retry': ({ id }) => {
          retried.push(id);
          const { reason: _reason, ...rest } = failedFolder;
          return { ...rest, state: 'active', updatedAt: NOW + 9 };
        },
      },
    });
    await app.user.click(await screen.findByRole('button', { name: 'Transfers' }));
    const dialog = await screen.findByRole('dialog', { name: 'Transfers' });
    const list = await within(dialog).findByRole('list', { name: 'Transfers' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual(['photos', 'notes.txt']);
    expect(within(rows[0] as HTMLElement).getByText('From Alice')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText('3 of 10 files failed')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('To Alice')).toBeTruthy();

    await app.user.click(within(dialog).getByRole('radio', { name: 'Failed' }));
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((r) => r.getAttribute('aria-label')),
    ).toEqual(['photos']);
    await app.user.click(within(dialog).getByRole('radio', { name: 'All' }));
    // The sent, done transfer can be shown in its folder; the failed one has nothing to open.
    await app.user.click(within(dialog).getByRole('button', { name: 'Show in folder: notes.txt' }));
    expect(app.fake.calls.filter((c) => c.channel === 'files:open').map((c) => c.args)).toEqual([
      { id: sent.id, reveal: true },
    ]);
    expect(within(dialog).queryByRole('button', { name: /photos/ })).toBeNull();
    await app.user.click(within(dialog).getByRole('button', { name: 'Retry failed files' }));
    expect(retried).toEqual([failedFolder.id]);
    await within(dialog).findByText('Transferring');
    await app.user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog', { name: 'Transfers' })).toBeNull();
  });

  it('has empty and error states', async () => {
    let fail = true;
    const app = renderApp({
      handlers: {
        'files:list': () => {
          if (fail) throw new IpcFailure('unavailable', 'the node is not running');
          return [];
        },
      },
    });
    await app.user.click(await screen.findByRole('button', { name: 'Transfers' }));
    const dialog = await screen.findByRole('dialog', { name: 'Transfers' });
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'Could not load the transfers: the node is not running',
    );
    fail = false;
    await app.user.click(within(dialog).getByRole('button', { name: /Retry|Try again/ }));
    expect(
      await within(dialog).findByText(
        'No transfers yet. Drop files on a conversation to send them.',
      ),
    ).toBeTruthy();
    await app.user.click(within(dialog).getByRole('radio', { name: 'Failed' }));
    expect(within(dialog).getByText('No failed transfers.')).toBeTruthy();
  });
});

describe('Settings › Files', () => {
  it('picks the download folder in main’s dialog and saves it with auto-accept', async () => {
    const saved: unknown[] = [];
    const app = renderApp({
      handlers: {
        'files:pick': () => ({ paths: ['/home/me/Downloads'] }),
        'settings:set': (patch) => {
          saved.push(patch);
          return makeSettings(patch as Partial<Settings>);
        },
      },
    });
    await app.user.click(await screen.findByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    const auto = within(dialog).getByRole('switch', {
      name: 'Accept files from verified contacts automatically',
    });
    expect(auto.getAttribute('aria-checked')).toBe('false');
    expect(within(dialog).getByText('Choose a download folder first')).toBeTruthy();
    await app.user.click(auto); // no folder: stays off
    expect(auto.getAttribute('aria-checked')).toBe('false');
    await app.user.click(within(dialog).getByRole('button', { name: 'Choose…' }));
    expect(within(dialog).getByText('/home/me/Downloads')).toBeTruthy();
    await app.user.click(auto);
    expect(auto.getAttribute('aria-checked')).toBe('true');
    await app.user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(saved).toEqual([{ downloadDir: '/home/me/Downloads', autoAcceptVerified: true }]);
  });
});

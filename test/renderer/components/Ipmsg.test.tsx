// @vitest-environment jsdom
// IP Messenger peers (IP Messenger, FeiQ, iptux) in the window: their protocol badge and "not
// encrypted" in the list and the header, absence as status, the bridge on my card, a peer merged
// into its PacketChat self, offers as cards, the composer's IPMsg size and sealed messages read
// (docs/IPMSG.md, "In the app").
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, Contact } from '../../../shared/domain';
import type { TransferInfo } from '../../../shared/transfers';
import {
  makeContact,
  makeMessage,
  makePacket,
  makeSelf,
  makeSettings,
  makeTransfer,
  sampleData,
  type FakeData,
} from '../fake-backend';
import { NOW, renderApp, type RenderOptions } from '../render-app';

const list = () => screen.getByRole('listbox', { name: 'Contacts' });

function ipmsgPeer(ip: string, patch: Partial<Contact> = {}): Contact {
  return makeContact(`ipmsg:${ip}`, {
    trust: 'not-encrypted',
    protocol: 'ipmsg',
    badge: 'IPMsg',
    nick: 'Wang',
    host: 'wang-pc',
    address: ip,
    port: 2425,
    tcpPort: 2425,
    lastSeen: NOW,
    ...patch,
  });
}

function withIpmsgPeers() {
  const data = sampleData(NOW);
  data.contacts.push(
    ipmsgPeer('192.168.1.60'),
    ipmsgPeer('192.168.1.61', {
      nick: '李雷',
      badge: 'FeiQ',
      status: 'away',
      statusText: '开会',
    }),
  );
  data.messages.push(
    makeMessage('i1', 'ipmsg:192.168.1.60', { text: '你好，我用 iptux', receivedAt: NOW - 1_000 }),
  );
  data.self = makeSelf({ ipmsg: { port: 2425 } });
  return data;
}

function inChinese(data: FakeData): FakeData {
  data.settings = makeSettings({ language: 'zh-CN' });
  return data;
}

function transfer(patch: Partial<TransferInfo>): TransferInfo {
  return makeTransfer({
    id: 'ipmsg:192.168.1.60#42',
    peerId: 'ipmsg:192.168.1.60',
    files: 2,
    names: ['报告.pdf', 'photos'],
    bytes: 4_096,
    createdAt: NOW,
    updatedAt: NOW,
    ...patch,
  });
}

describe('IPMsg peers', () => {
  it('show their protocol badge, IP:2425 and "Not encrypted" in the list; PacketChat peers do not', async () => {
    renderApp({ data: withIpmsgPeers() });
    const wang = await screen.findByRole('option', { name: /^Wang/ });
    // The row shows "Not encrypted" as the trust badge's open padlock; its name says the words.
    expect(wang.getAttribute('aria-label')).toMatch(
      /^Wang IPMsg 192\.168\.1\.60:2425 .*, Online, Not encrypted$/,
    );
    expect(within(wang).getByText('IPMsg').className).toBe('protocol-badge');
    expect(wang.querySelector('.trust-badge.trust-not-encrypted')).not.toBeNull();
    expect(within(wang).getByText('192.168.1.60:2425')).toBeTruthy();
    const feiq = within(list()).getByRole('option', { name: /^李雷/ });
    expect(within(feiq).getByText('FeiQ')).toBeTruthy();
    const alice = within(list()).getByRole('option', { name: /^Alice/ });
    expect(within(alice).queryByTitle('Not encrypted')).toBeNull();
    expect(alice.getAttribute('aria-label')).not.toContain('Not encrypted');
    expect(alice.querySelector('.protocol-badge')).toBeNull();
  });

  it('show the badge, "Not encrypted" and the protocol in the conversation header', async () => {
    const { user } = renderApp({ data: withIpmsgPeers() });
    await user.click(await screen.findByRole('option', { name: /^Wang/ }));
    const header = screen.getByRole('region', { name: 'About Wang' });
    expect(within(header).getByText('IPMsg')).toBeTruthy();
    expect(within(header).getByText('Not encrypted')).toBeTruthy();
    expect(within(header).getByText('192.168.1.60:2425')).toBeTruthy();
    expect(
      within(header).getByText(
        'IP Messenger protocol: messages and files cross the LAN unencrypted',
      ),
    ).toBeTruthy();
    expect(within(header).getByText('Online')).toBeTruthy();
    await user.click(within(list()).getByRole('option', { name: /^Alice/ }));
    const alice = screen.getByRole('region', { name: 'About Alice' });
    expect(within(alice).queryByText('Not encrypted')).toBeNull();
    expect(within(alice).queryByText(/IP Messenger protocol/)).toBeNull();
  });

  it('show absence as Away with its text, and follow BR_ABSENCE and BR_EXIT as they come', async () => {
    const { fake, user } = renderApp({ data: withIpmsgPeers() });
    const feiq = await screen.findByRole('option', { name: /^李雷/ });
    expect(within(feiq).getByText('开会')).toBeTruthy();
    expect(feiq.getAttribute('aria-label')).toMatch(/ 开会 .*, Away, Not encrypted$/);
    await user.click(feiq);
    const header = screen.getByRole('region', { name: 'About 李雷' });
    expect(within(header).getByText('Away')).toBeTruthy();
    act(() =>
      fake.emit('contact', {
        change: 'updated',
        kind: 'peer',
        peer: ipmsgPeer('192.168.1.61', { nick: '李雷', badge: 'FeiQ', status: 'busy' }),
      }),
    );
    expect(within(header).getByText('Busy')).toBeTruthy();
    expect(within(header).queryByText('开会')).toBeNull();
    act(() =>
      fake.emit('contact', {
        change: 'offline',
        kind: 'peer',
        peer: ipmsgPeer('192.168.1.61', { nick: '李雷', badge: 'FeiQ', online: false }),
      }),
    );
    expect(within(header).getByText('Offline')).toBeTruthy();
    expect(within(header).getByText('FeiQ')).toBeTruthy();
  });

  it('are shown in Chinese: 飞秋, 未加密', async () => {
    renderApp({ data: inChinese(withIpmsgPeers()), language: 'zh-CN' });
    const feiq = await screen.findByRole('option', { name: /^李雷/ });
    expect(within(feiq).getByText('飞秋')).toBeTruthy();
    expect(within(feiq).getByText('未加密')).toBeTruthy();
    const wang = screen.getByRole('option', { name: /^Wang/ });
    expect(within(wang).getByText('IPMsg')).toBeTruthy();
    expect(wang.getAttribute('aria-label')).toMatch(
      /^Wang IPMsg 192\.168\.1\.60:2425 .*, 在线, 未加密$/,
    );
  });

  it('leave the list when they turn out to be a PacketChat peer, and the open chat follows', async () => {
    const data = withIpmsgPeers();
    const { fake, user } = renderApp({ data });
    await user.click(await screen.findByRole('option', { name: /^Wang/ }));
    act(() =>
      fake.emit('contact', {
        change: 'offline',
        kind: 'peer',
        peer: ipmsgPeer('192.168.1.60', { online: false }),
        mergedInto: 'alice',
      }),
    );
    await waitFor(() => expect(within(list()).queryByRole('option', { name: /^Wang/ })).toBeNull());
    expect(screen.getByRole('region', { name: 'About Alice' })).toBeTruthy();
  });
});

describe('IPMsg packets in the inspector', () => {
  it('say which protocol they are, with their decoded fields', async () => {
    const data = withIpmsgPeers();
    data.packets = [
      makePacket(1, {
        protocol: 'ipmsg',
        kind: 'SENDMSG',
        summary: 'SENDMSG #1700000001 你好',
        peerId: 'ipmsg:192.168.1.60',
        remote: '192.168.1.60:2425',
        fields: {
          packetNo: 1_700_000_001,
          options: 'SENDCHECKOPT|UTF8OPT',
          text: '你好',
          encoding: 'utf-8',
        },
      }),
      makePacket(2, { kind: 'announce', summary: 'hello from Alice', peerId: 'alice' }),
    ];
    const { user } = renderApp({ data });
    await screen.findByRole('option', { name: /^Wang/ });
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    const table = await screen.findByRole('table', { name: 'Packets' });
    await user.click(within(table).getByText('SENDMSG #1700000001 你好'));
    const detail = screen.getByRole('complementary', { name: 'Packet details' });
    expect(within(detail).getByText((_, node) => node?.textContent === 'Peer: Wang')).toBeTruthy();
    expect(
      within(detail).getByText(/IP Messenger packet \(port 2425\): plain text on the wire/),
    ).toBeTruthy();
    const rows = within(detail)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(rows).toEqual([
      'packetNo1700000001',
      'optionsSENDCHECKOPT|UTF8OPT',
      'text你好',
      'encodingutf-8',
    ]);
    await user.click(within(table).getByText('hello from Alice'));
    const other = screen.getByRole('complementary', { name: 'Packet details' });
    expect(within(other).queryByText(/IP Messenger packet/)).toBeNull();
  });
});

describe('the IPMsg bridge on my card', () => {
  it('shows the port it holds', async () => {
    renderApp({ data: withIpmsgPeers() });
    const card = await screen.findByRole('region', { name: 'My card' });
    expect(within(card).getByText('IPMsg 2425')).toBeTruthy();
  });

  it('shows that it is off, with the reason as the title', async () => {
    const data = sampleData(NOW);
    const reason = 'UDP port 2425 is taken by profile work, pid 4242';
    data.self = makeSelf({ ipmsg: { port: null, reason } });
    renderApp({ data });
    const card = await screen.findByRole('region', { name: 'My card' });
    expect(within(card).getByText('IPMsg off').getAttribute('title')).toBe(reason);
  });

  it('shows nothing where the app runs without a bridge', async () => {
    renderApp();
    const card = await screen.findByRole('region', { name: 'My card' });
    expect(within(card).queryByText(/IPMsg/)).toBeNull();
  });
});

/** An IPMsg offer's card as the backend sends it (a message with `file`). */
function offerCard(patch: Partial<ChatMessage> = {}): ChatMessage {
  return makeMessage('card1', 'ipmsg:192.168.1.60', {
    text: '报告.pdf, photos',
    receivedAt: NOW,
    file: {
      transferId: 'ipmsg:192.168.1.60#42',
      names: ['报告.pdf', 'photos'],
      files: 1,
      folders: 1,
      bytes: 4_096,
    },
    ...patch,
  });
}

async function openWang(data: FakeData, handlers: RenderOptions['handlers'] = {}) {
  const app = renderApp({ data, handlers });
  await app.user.click(await screen.findByRole('option', { name: /^Wang/ }));
  const log = await screen.findByRole('log', { name: 'Conversation with Wang' });
  return { ...app, log };
}

describe('IPMsg file transfers', () => {
  it('keep every transfer event in the store; an offer is no notice (it is a card), its end is one', async () => {
    const { fake, store } = renderApp({ data: withIpmsgPeers() });
    await screen.findByRole('option', { name: /^Wang/ });
    act(() => fake.emit('transfer', { transfer: transfer({}) }));
    expect(screen.queryByText(/offers|cannot be accepted/)).toBeNull();
    act(() => {
      fake.emit('transfer', { transfer: transfer({ state: 'active', bytesDone: 1_000 }) });
      fake.emit('transfer', { transfer: transfer({ state: 'active', bytesDone: 3_000 }) });
    });
    expect(store.getState().transfers['ipmsg:192.168.1.60#42']?.bytesDone).toBe(3_000);
    act(() =>
      fake.emit('transfer', {
        transfer: transfer({ state: 'done', bytesDone: 4_096, filesDone: 2 }),
        files: [{ path: '报告.pdf', size: 96, sha256: 'a'.repeat(64) }],
      }),
    );
    expect(screen.getByText('Received 报告.pdf, photos from Wang')).toBeTruthy();
    // Done is the only notice: none for the offer or the progress.
    expect(screen.getAllByRole('status').filter((s) => s.classList.contains('toast'))).toHaveLength(
      1,
    );
    expect(store.getState().transfers['ipmsg:192.168.1.60#42']?.state).toBe('done');
  });

  it('show an offer as its card: Accept into a picked folder, no Pause or Cancel while fetching, done unverified', async () => {
    const data = withIpmsgPeers();
    data.messages.push(offerCard());
    const { log, user, fake } = await openWang(data, {
      'files:list': () => [transfer({})],
      'files:pick': () => ({ paths: ['/home/lin/收件'] }),
      'files:accept': ({ id, dir }) => transfer({ id, dir, state: 'accepted', updatedAt: NOW + 1 }),
    });
    const card = await within(log).findByRole('group', { name: 'Files: 报告.pdf, photos' });
    expect(within(card).getByText('1 file · 4 KiB · 1 folder')).toBeTruthy();
    await within(card).findByRole('button', { name: 'Decline' });
    await user.click(
      within(card).getByRole('button', { name: 'Accept and choose a folder to save into' }),
    );
    expect(fake.calls.find((c) => c.channel === 'files:accept')?.args).toEqual({
      id: 'ipmsg:192.168.1.60#42',
      dir: '/home/lin/收件',
    });
    act(() =>
      fake.emit('transfer', {
        transfer: transfer({ state: 'active', bytesDone: 2_048, updatedAt: NOW + 2 }),
      }),
    );
    expect(within(card).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    // IPMsg cannot pause, and cannot stop a download under way.
    expect(within(card).queryAllByRole('button')).toEqual([]);
    act(() =>
      fake.emit('transfer', {
        transfer: transfer({ state: 'done', bytesDone: 4_096, updatedAt: NOW + 3 }),
      }),
    );
    expect(within(card).getByText('Done (IPMsg sends no checksum to verify)')).toBeTruthy();
  });

  it('offer Retry for a failed download, and Cancel (withdraw) for an offer of ours', async () => {
    const data = withIpmsgPeers();
    data.messages.push(
      offerCard(),
      offerCard({
        id: 'card2',
        direction: 'out',
        state: 'delivered',
        file: {
          transferId: 'ipmsg:192.168.1.60#out-x',
          names: ['a.txt'],
          files: 1,
          folders: 0,
          bytes: 3,
        },
      }),
    );
    const { log } = await openWang(data, {
      'files:list': () => [
        transfer({ state: 'failed', reason: 'files-failed', filesFailed: 1, dir: '/tmp/in' }),
        transfer({ id: 'ipmsg:192.168.1.60#out-x', direction: 'send', names: ['a.txt'] }),
      ],
    });
    const failed = await within(log).findByRole('group', { name: 'Files: 报告.pdf, photos' });
    await within(failed).findByRole('button', { name: 'Retry failed files' });
    expect(within(failed).getByRole('alert').textContent).toBe('Failed: some files failed');
    const ours = within(log).getByRole('group', { name: 'Files: a.txt' });
    expect(
      within(ours)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Cancel']);
  });

  it('are said in Chinese', async () => {
    const { fake } = renderApp({ data: inChinese(withIpmsgPeers()), language: 'zh-CN' });
    await screen.findByRole('option', { name: /^Wang/ });
    act(() =>
      fake.emit('transfer', { transfer: transfer({ state: 'declined', direction: 'send' }) }),
    );
    expect(screen.getByText('Wang 拒绝了 报告.pdf, photos')).toBeTruthy();
  });
});

describe('writing to an IPMsg peer', () => {
  it('counts bytes in the peer’s encoding and says how many IPMsg messages a long text goes as', async () => {
    const data = withIpmsgPeers();
    data.contacts = data.contacts.map((c) =>
      c.id === 'ipmsg:192.168.1.60' ? { ...c, textEncoding: 'gb18030' } : c,
    );
    const { user } = await openWang(data);
    const input = screen.getByRole('textbox', { name: 'Message to Wang' });
    // 3,100 Chinese characters: 6,200 bytes in GB18030 (9,300 in UTF-8): one message.
    await user.click(input);
    fireEvent.change(input, { target: { value: '汉'.repeat(3_100) } });
    const size = screen.getByRole('status', { name: 'Message size' });
    expect(size.textContent).toContain('6,200 B / 8,000 B in GB18030');
    expect(size.textContent).toContain('one IPMsg message');
    fireEvent.change(input, { target: { value: '汉'.repeat(9_000) } });
    expect(screen.getByRole('status', { name: 'Message size' }).textContent).toContain(
      'sent as 3 IPMsg messages',
    );
    expect(screen.getByRole('button', { name: 'Send message' }).hasAttribute('disabled')).toBe(
      false,
    );
    // Above what the module takes (64 KiB of UTF-8): blocked.
    fireEvent.change(input, { target: { value: '汉'.repeat(22_000) } });
    expect(screen.getByRole('status', { name: 'Message size' }).textContent).toContain(
      'Too long for IPMsg',
    );
    expect(screen.getByRole('button', { name: 'Send message' }).hasAttribute('disabled')).toBe(
      true,
    );
  });

  it('sends sealed when asked, and shows Read only once the peer said so', async () => {
    const data = withIpmsgPeers();
    const { user, fake } = await openWang(data, {
      'messages:send': ({ peerId, text }) =>
        makeMessage('out1', peerId, { text, direction: 'out', state: 'delivered' }),
    });
    await user.click(screen.getByRole('checkbox', { name: 'Sealed' }));
    await user.type(screen.getByRole('textbox', { name: 'Message to Wang' }), '看完告诉我{Enter}');
    expect(fake.calls.find((c) => c.channel === 'messages:send')?.args).toEqual({
      peerId: 'ipmsg:192.168.1.60',
      text: '看完告诉我',
      sealed: true,
    });
    const bubble = await screen.findByText('看完告诉我');
    const message = bubble.closest('.message') as HTMLElement;
    expect(within(message).queryByText('Read')).toBeNull();
    expect(within(message).getByTitle('Delivered')).toBeTruthy();
    act(() =>
      fake.emit('message-read', { messageId: 'out1', peerId: 'ipmsg:192.168.1.60', at: NOW }),
    );
    expect(within(message).getByText('Read')).toBeTruthy();
  });
});

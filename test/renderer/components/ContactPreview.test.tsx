// @vitest-environment jsdom
// The last message of a conversation in the contact list when it is a file offer: its card in
// words (names, size or count), never the text it travelled as (a control message's JSON).
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, FileCard, GroupInfo } from '../../../shared/domain';
import { makeContact, makeMessage, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';

const GID = 'c'.repeat(32);
const IPMSG = 'ipmsg:192.168.1.60';

const group: GroupInfo = {
  id: GID,
  name: 'Team',
  creator: 'alice',
  admins: ['alice'],
  members: ['a'.repeat(32), 'alice'].map((id) => ({
    id,
    signingKey: 'f'.repeat(64),
    admin: false,
  })),
  version: 1,
  status: 'member',
  updatedAt: NOW,
};

let n = 0;
function offer(peerId: string, card: Partial<FileCard>, patch: Partial<ChatMessage> = {}) {
  n += 1;
  return makeMessage(`m${String(n)}`, peerId, {
    text: card.names?.join(', ') ?? '',
    receivedAt: NOW + n * 1_000,
    file: { transferId: `t${String(n)}`, names: [], files: 1, folders: 0, bytes: 0, ...card },
    ...patch,
  });
}

async function setUp() {
  const data = sampleData(NOW);
  data.contacts.push(
    makeContact(IPMSG, {
      nick: 'Wang',
      protocol: 'ipmsg',
      trust: 'not-encrypted',
      address: '192.168.1.60',
      port: 2425,
      lastSeen: NOW,
    }),
  );
  const app = renderApp({ data, handlers: { 'groups:list': () => [group] } });
  await screen.findByRole('option', { name: /^Alice/ });
  const list = screen.getByRole('listbox', { name: 'Contacts' });
  const preview = async (name: RegExp, message: ChatMessage) => {
    act(() => app.fake.emit('message', message));
    const row = await within(list).findByRole('option', { name });
    return row.querySelector('.preview')?.textContent;
  };
  return { ...app, preview };
}

describe('a file offer as the last message in the contact list', () => {
  it('shows each kind as its card, never the offer’s JSON', async () => {
    const { preview } = await setUp();
    // The sender's own offer, even if its text were the control message it travelled as.
    const sent = offer(
      'alice',
      { names: ['report.pdf'], bytes: 2_200_000 },
      { direction: 'out', state: 'sending', text: '{"type":"file-offer","v":1}' },
    );
    expect(await preview(/^Alice/, sent)).toBe('Me: 📎 report.pdf (2.1 MiB)');
    expect(
      await preview(
        /^Alice/,
        offer('alice', { names: ['Screenshot 2026-11-25.png'], bytes: 81_920 }),
      ),
    ).toBe('🖼️ Screenshot 2026-11-25.png (80 KiB)');
    expect(
      await preview(/^Alice/, offer('alice', { names: ['photos'], files: 120, bytes: 9e6 })),
    ).toBe('📁 photos (120 files)');
    expect(
      await preview(
        /^Alice/,
        offer('alice', { names: ['a.txt', 'b.txt', 'c.txt', 'd.txt'], files: 4, bytes: 4_096 }),
      ),
    ).toBe('📎 a.txt, b.txt +2 (4 KiB)');
  });

  it('shows an IPMsg offer of a file and of a folder', async () => {
    const { preview } = await setUp();
    expect(
      await preview(/^Wang/, offer(IPMSG, { names: ['报告.doc'], files: 1, bytes: 1_024 })),
    ).toBe('📎 报告.doc (1 KiB)');
    // IPMsg counts a folder as an item: its files are not known before it is fetched.
    expect(
      await preview(/^Wang/, offer(IPMSG, { names: ['资料'], files: 0, folders: 1, bytes: 0 })),
    ).toBe('📁 资料');
  });

  it('shows a file in a group conversation with its writer', async () => {
    const { preview } = await setUp();
    const posted = offer(
      `group:${GID}`,
      { names: ['plan.xlsx'], bytes: 10_240 },
      { group: { groupId: GID, sender: 'alice', gap: false } },
    );
    expect(await preview(/^Team/, posted)).toBe('Alice: 📎 plan.xlsx (10 KiB)');
  });
});

// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, GroupInfo, MemberDelivery } from '../../../shared/domain';
import { IpcFailure, type CallHandlers } from '../../../shared/ipc/contract';
import { makeContact, makeMessage, makeTransfer, sampleData } from '../fake-backend';
import { NOW, renderApp } from '../render-app';
import type { TransferInfo, TransferState } from '../../../shared/transfers';

function transfer(id: string, peerId: string, state: TransferState): TransferInfo {
  return makeTransfer({
    id,
    peerId,
    direction: 'send',
    state,
    filesDone: state === 'done' ? 1 : 0,
    names: ['report 报告.pdf'],
    bytes: 4_096,
    bytesDone: state === 'done' ? 4_096 : 0,
    createdAt: NOW,
    updatedAt: NOW,
  });
}

/** Handlers a test may replace after the setup. */
type Handlers = { -readonly [K in keyof CallHandlers]?: CallHandlers[K] };

const ME = 'a'.repeat(32);
const GID = 'c'.repeat(32);
const CONV = `group:${GID}`;

function makeGroup(patch: Partial<GroupInfo> = {}): GroupInfo {
  const ids = [ME, 'alice', 'bob'];
  return {
    id: GID,
    name: 'Team',
    creator: ME,
    admins: [ME],
    members: ids.map((id) => ({ id, signingKey: 'f'.repeat(64), admin: id === ME })),
    version: 1,
    status: 'member',
    updatedAt: NOW,
    ...patch,
  };
}

const post = (id: string, sender: string, patch: Partial<ChatMessage> = {}): ChatMessage =>
  makeMessage(id, CONV, {
    text: `${sender} says ${id}`,
    receivedAt: NOW - 60_000,
    group: { groupId: GID, sender, gap: false },
    ...patch,
  });

/** The sample data with a group conversation, and handlers that answer as a node in it. */
function groupSetup(group = makeGroup()) {
  const data = sampleData(NOW);
  data.contacts = data.contacts.map((c) =>
    c.id === 'alice' ? makeContact('alice', { ...c, trust: 'verified' }) : c,
  );
  data.messages.push(
    post('g1', 'alice'),
    post('g2', 'bob', {
      receivedAt: NOW - 50_000,
      group: { groupId: GID, sender: 'bob', gap: true },
    }),
  );
  const state = { group };
  const calls: { channel: string; args: unknown }[] = [];
  const deliveries: Record<string, MemberDelivery[]> = {};
  const change = (channel: string, update: (g: GroupInfo, member?: string) => GroupInfo) =>
    ((args: { groupId: string; member?: string }) => {
      calls.push({ channel, args });
      if (args.groupId !== GID) throw new IpcFailure('not-found', 'no such group');
      state.group = update(state.group, args.member);
      return state.group;
    }) as never;
  const handlers: Handlers = {
    'groups:list': () => [state.group],
    'conversations:list': () => [
      {
        peerId: CONV,
        unread: 0,
        firstUnreadId: null,
        lastMessage: data.messages.find((m) => m.id === 'g2') ?? null,
        mentions: 0,
      },
    ],
    'groups:remove': change('remove', (g, member) => ({
      ...g,
      version: g.version + 1,
      members: g.members.filter((m) => m.id !== member),
    })),
    'groups:add': change('add', (g, member) => ({
      ...g,
      version: g.version + 1,
      members: [...g.members, { id: member ?? '', signingKey: 'e'.repeat(64), admin: false }],
    })),
    'groups:leave': change('leave', (g) => ({ ...g, version: g.version + 1, status: 'left' })),
    'groups:create': ({ name, members }) => {
      calls.push({ channel: 'create', args: { name, members } });
      return makeGroup({
        id: 'd'.repeat(32),
        name,
        members: [ME, ...members].map((id) => ({
          id,
          signingKey: 'f'.repeat(64),
          admin: id === ME,
        })),
      });
    },
    'groups:deliveries': ({ messageId }) => deliveries[messageId] ?? [],
    'messages:send': ({ peerId, text }) => {
      const message: ChatMessage = {
        ...makeMessage('mine', peerId, { direction: 'out', state: 'sending', text }),
        receivedAt: NOW,
        group: { groupId: GID, sender: ME, gap: false },
      };
      data.messages.push(message);
      return message;
    },
  };
  return { data, handlers, calls, deliveries, state };
}

async function openGroup(setup = groupSetup()) {
  const app = renderApp({ data: setup.data, handlers: setup.handlers });
  await app.user.click(await screen.findByRole('option', { name: /^Team \d+ members/ }));
  const log = await screen.findByRole('log', { name: 'Conversation with Team' });
  return { ...app, ...setup, log };
}

describe('groups', () => {
  it('lists the group beside the contacts with its member count and last writer', async () => {
    renderApp({ data: groupSetup().data, handlers: groupSetup().handlers });
    const row = await screen.findByRole('option', { name: /^Team 3 members/ });
    expect(row.getAttribute('aria-label')).toContain('Bob: bob says g2');
    const options = screen.getAllByRole('option').map((o) => o.getAttribute('aria-label') ?? '');
    // The Groups section comes before Online.
    expect(options.findIndex((o) => o.startsWith('Groups'))).toBeLessThan(
      options.findIndex((o) => o.startsWith('Online')),
    );
  });

  it('shows each message with its writer and trust state, and a gap marker where one is', async () => {
    const { log } = await openGroup();
    const first = (await within(log).findByText('alice says g1')).closest<HTMLElement>('.message')!;
    expect(within(first).getByText('Alice')).toBeTruthy();
    expect(within(first).getByText('Verified')).toBeTruthy();
    const second = within(log).getByText('bob says g2').closest<HTMLElement>('.message')!;
    expect(within(second).getByText('Bob')).toBeTruthy();
    expect(within(second).getByText('Encrypted')).toBeTruthy();
    const gap = within(log).getByRole('separator', { name: /Earlier messages may be missing/ });
    // The marker stands right before Bob's message, not before Alice's.
    expect(gap.parentElement?.nextElementSibling?.textContent).toContain('bob says g2');
    expect(within(log).getAllByRole('separator', { name: /Earlier messages/ })).toHaveLength(1);
    // The menu of a group message: no reply (the protocol carries none), no delete (members may
    // ask this node for it).
    fireEvent.contextMenu(first);
    const menu = await screen.findByRole('menu', { name: 'Message actions' });
    const items = within(menu)
      .getAllByRole('menuitem')
      .map((i) => i.textContent);
    expect(items.some((i) => i.startsWith('Copy'))).toBe(true);
    expect(items.some((i) => i.startsWith('Reply') || i.startsWith('Delete'))).toBe(false);
  });

  it('says how many members have our message, from the node, and who is missing', async () => {
    const { user, fake, log, deliveries } = await openGroup();
    deliveries['mine'] = [
      { peerId: 'alice', state: 'sending', transport: 'udp', attempts: 1 },
      { peerId: 'bob', state: 'sending', transport: 'udp', attempts: 1 },
    ];
    await user.type(screen.getByRole('textbox', { name: 'Message to Team' }), 'hello team{Enter}');
    const mine = (await within(log).findByText('hello team')).closest<HTMLElement>('.message')!;
    expect(
      await within(mine).findByText('Delivered to 0 of 2 · waiting for Alice, Bob'),
    ).toBeTruthy();
    act(() =>
      fake.emit('message-state', {
        id: 'mine',
        peerId: CONV,
        state: 'pending',
        transport: 'udp',
        attempts: 1,
        recipients: { delivered: 1, total: 2, waiting: ['bob'], failed: [] },
      }),
    );
    expect(within(mine).getByText('Delivered to 1 of 2 · waiting for Bob')).toBeTruthy();
    deliveries['mine'] = [
      { peerId: 'alice', state: 'delivered', transport: 'udp', attempts: 1 },
      { peerId: 'bob', state: 'pending', transport: 'udp', attempts: 3 },
    ];
    await user.click(within(mine).getByRole('button', { name: 'Who has it, member by member' }));
    expect(await within(mine).findByText(/waiting until back/)).toBeTruthy();
    expect(within(mine).getByText(/has it/)).toBeTruthy();
    // No reply in groups: the protocol carries none (the hover bar is there, without Reply).
    await user.hover(mine);
    expect(within(mine).getByTitle('Copy')).toBeTruthy();
    expect(within(mine).queryByTitle('Reply')).toBeNull();
  });

  it('opens the member panel: states, IP:port, trust, and remove and add for an admin', async () => {
    const { user, calls } = await openGroup();
    await user.click(screen.getByRole('button', { name: 'Members (3)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Team · 3 members' });
    const list = within(dialog).getByRole('list', { name: 'Members' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.nick')?.textContent)).toEqual([
      'Me (me)',
      'Alice',
      'Bob',
    ]);
    expect(within(rows[0]!).getByText('Admin')).toBeTruthy();
    expect(within(rows[1]!).getByText('192.168.1.31:4000')).toBeTruthy();
    expect(within(rows[2]!).getByText('Offline')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Remove Bob from the group' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(calls).toContainEqual({ channel: 'remove', args: { groupId: GID, member: 'bob' } });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Add a member' }), 'bob');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
  });

  it('gives a member who is not an admin no add or remove, and lets it leave', async () => {
    const setup = groupSetup(makeGroup({ creator: 'alice', admins: ['alice'] }));
    const { user } = await openGroup(setup);
    await user.click(screen.getByRole('button', { name: 'Members (3)' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(within(dialog).queryByRole('combobox')).toBeNull();
    expect(within(dialog).getByText(/Only the creator and admins/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Leave group' }));
    expect(await within(dialog).findByText('You left this group')).toBeTruthy();
    await user.click(within(dialog).getAllByRole('button', { name: 'Close' }).at(-1)!);
    expect(screen.queryByRole('textbox', { name: 'Message to Team' })).toBeNull();
    expect(screen.getByText(/You are no longer a member/)).toBeTruthy();
  });

  it('creates a group from contacts and opens it', async () => {
    const setup = groupSetup();
    const app = renderApp({ data: setup.data, handlers: setup.handlers });
    await app.user.click(await screen.findByRole('button', { name: 'New group' }));
    const dialog = await screen.findByRole('dialog', { name: 'New group' });
    const create = within(dialog).getByRole('button', { name: /^Create/ });
    expect((create as HTMLButtonElement).disabled).toBe(true);
    await app.user.type(within(dialog).getByRole('textbox', { name: 'Group name' }), 'Lunch');
    await app.user.click(within(dialog).getByRole('checkbox', { name: /Alice/ }));
    await app.user.click(within(dialog).getByRole('button', { name: 'Create with 2 members' }));
    expect(await screen.findByRole('log', { name: 'Conversation with Lunch' })).toBeTruthy();
    expect(setup.calls).toContainEqual({
      channel: 'create',
      args: { name: 'Lunch', members: ['alice'] },
    });
  });

  it('shows a refusal to create in the dialog', async () => {
    const setup = groupSetup();
    setup.handlers['groups:create'] = () => {
      throw new IpcFailure('not-found', 'no signing key for bob', 'member', 'unknown-peer');
    };
    const app = renderApp({ data: setup.data, handlers: setup.handlers });
    await app.user.click(await screen.findByRole('button', { name: 'New group' }));
    const dialog = await screen.findByRole('dialog', { name: 'New group' });
    await app.user.type(within(dialog).getByRole('textbox', { name: 'Group name' }), 'X');
    await app.user.click(within(dialog).getByRole('button', { name: /^Create/ }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'no signing key for bob',
    );
  });

  it('sends one text to several contacts and shows the combined tally', async () => {
    const setup = groupSetup();
    const sent: unknown[] = [];
    setup.handlers['messages:sendMany'] = ({ peerIds, text }) => {
      sent.push({ peerIds, text });
      return {
        batch: 'b1',
        messages: peerIds.map((p, i) =>
          makeMessage(`m${i}`, p, { direction: 'out', state: 'sending', text }),
        ),
        failed: [],
        tally: { delivered: 0, total: peerIds.length, waiting: [...peerIds], failed: [] },
      };
    };
    const app = renderApp({ data: setup.data, handlers: setup.handlers });
    await app.user.click(await screen.findByRole('button', { name: 'Send to several' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send to several contacts' });
    await app.user.click(within(dialog).getByRole('button', { name: 'Select everyone online' }));
    await app.user.type(within(dialog).getByRole('textbox', { name: 'Message' }), 'fire drill');
    await app.user.click(within(dialog).getByRole('button', { name: 'Send to 2' }));
    expect(sent).toEqual([{ peerIds: ['alice', 'xiaoming'], text: 'fire drill' }]);
    expect(
      await within(dialog).findByText('Delivered to 0 of 2 · waiting for Alice, 小明'),
    ).toBeTruthy();
    act(() =>
      app.fake.emit('batch', {
        batch: 'b1',
        tally: { delivered: 2, total: 2, waiting: [], failed: [] },
      }),
    );
    expect(within(dialog).getByText('Delivered to 2 of 2')).toBeTruthy();
  });

  it('sends the same files to several contacts as separate transfers and tallies them', async () => {
    const setup = groupSetup();
    const offers: { peerId: string; paths: readonly string[] }[] = [];
    setup.handlers['files:pick'] = () => ({ paths: ['/home/me/report 报告.pdf'] });
    setup.handlers['files:send'] = ({ peerId, paths }) => {
      if (peerId === 'xiaoming')
        throw new IpcFailure('unavailable', 'no route to 小明', 'peerId', 'no-route');
      offers.push({ peerId, paths });
      return transfer(`t-${peerId}`, peerId, 'offered');
    };
    const app = renderApp({ data: setup.data, handlers: setup.handlers });
    await app.user.click(await screen.findByRole('button', { name: 'Send to several' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send to several contacts' });
    await app.user.click(within(dialog).getByRole('button', { name: 'Select everyone online' }));
    await app.user.click(within(dialog).getByRole('button', { name: 'Attach files…' }));
    expect(within(dialog).getByRole('list', { name: 'Attached' }).textContent).toBe(
      'report 报告.pdf',
    );
    await app.user.click(within(dialog).getByRole('button', { name: 'Send to 2' }));
    expect(offers).toEqual([{ peerId: 'alice', paths: ['/home/me/report 报告.pdf'] }]);
    expect(
      await within(dialog).findByText(
        'Files received by 0 of 2 · waiting for Alice · not received by 小明',
      ),
    ).toBeTruthy();
    act(() => app.fake.emit('transfer', { transfer: transfer('t-alice', 'alice', 'done') }));
    expect(
      within(dialog).getByText('Files received by 1 of 2 · not received by 小明'),
    ).toBeTruthy();
  });

  it('the paperclip in a group offers the files to each other member, one transfer each', async () => {
    const setup = groupSetup();
    const offers: string[] = [];
    setup.handlers['files:pick'] = () => ({ paths: ['/home/me/plan.pdf'] });
    setup.handlers['files:send'] = ({ peerId, paths }) => {
      offers.push(`${peerId} ${paths.join(',')}`);
      return transfer(`t-${peerId}`, peerId, 'offered');
    };
    const { user } = await openGroup(setup);
    await user.click(screen.getByRole('button', { name: 'Send files to Team' }));
    expect(
      await screen.findByText('Offered to 2 of 2 members, each in their own chat'),
    ).toBeTruthy();
    expect(offers.sort()).toEqual(['alice /home/me/plan.pdf', 'bob /home/me/plan.pdf']);
  });

  it('a pasted image in a group shows its preview, then goes to each other member like the paperclip', async () => {
    const setup = groupSetup();
    const calls: { peerIds: string[]; data: string }[] = [];
    setup.handlers['files:sendImage'] = () => {
      throw new IpcFailure('not-found', 'no route to group:…');
    };
    setup.handlers['files:sendImageMany'] = ({ peerIds, data }) => {
      calls.push({ peerIds, data });
      return {
        sent: [transfer('t-alice', 'alice', 'offered')],
        failed: [{ peerId: 'bob', message: 'bob is offline' }],
      };
    };
    const { user } = await openGroup(setup);
    const input = screen.getByRole('textbox', { name: /Team/ });
    const image = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'image.png', {
      type: 'image/png',
    });
    fireEvent.paste(input, { clipboardData: { files: [image], types: ['Files'] } });
    const preview = await screen.findByRole('group', { name: 'Pasted image to send to Team' });
    expect(calls).toEqual([]);
    await user.click(within(preview).getByRole('button', { name: 'Send image' }));
    expect(
      await screen.findByText('Offered to 1 of 2 members, each in their own chat'),
    ).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Could not send files: bob is offline');
    expect(calls).toEqual([{ peerIds: ['alice', 'bob'], data: 'iVBORw==' }]);
    expect(screen.queryByRole('group', { name: /Pasted image/ })).toBeNull();
  });

  it('@ opens the members to mention: arrows, Enter, Tab and Esc; the message carries their ids', async () => {
    const { user, fake } = await openGroup();
    const box = screen.getByRole('textbox', { name: 'Message to Team' });
    await user.type(box, 'hi @');
    const list = await screen.findByRole('listbox', { name: 'Members to mention' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Alice', 'Bob']);
    expect(box.getAttribute('aria-controls')).toBe(list.id);
    expect(box.getAttribute('aria-activedescendant')).toBe(
      within(list).getByRole('option', { name: 'Alice' }).id,
    );
    await user.keyboard('{ArrowDown}');
    expect(within(list).getByRole('option', { name: 'Bob' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await user.keyboard('{Enter}');
    expect((box as HTMLTextAreaElement).value).toBe('hi @Bob ');
    expect(screen.queryByRole('listbox', { name: 'Members to mention' })).toBeNull();
    // Typing narrows the list; Tab picks; Esc closes it without sending.
    await user.type(box, 'and @al', { skipClick: true });
    expect(
      within(await screen.findByRole('listbox', { name: 'Members to mention' }))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Alice']);
    await user.keyboard('{Tab}');
    expect((box as HTMLTextAreaElement).value).toBe('hi @Bob and @Alice ');
    await user.type(box, '@', { skipClick: true });
    expect(await screen.findByRole('listbox', { name: 'Members to mention' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox', { name: 'Members to mention' })).toBeNull();
    await user.keyboard('{Backspace}');
    expect(screen.queryByRole('listbox', { name: 'Members to mention' })).toBeNull();
    await user.keyboard('{Enter}');
    // What the renderer asked for (the fake's ids are no node ids: main's schema refuses them).
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.channel === 'messages:send')).toEqual([
        {
          channel: 'messages:send',
          args: { peerId: CONV, text: 'hi @Bob and @Alice ', mentions: ['alice', 'bob'] },
        },
      ]),
    );
  });

  it('two members named Bob: the list tells them apart, and @ mentions only the one picked', async () => {
    const other = 'b0b2'.repeat(8);
    const setup = groupSetup(
      makeGroup({
        members: [ME, 'alice', 'bob', other].map((id) => ({
          id,
          signingKey: 'f'.repeat(64),
          admin: id === ME,
        })),
      }),
    );
    setup.data.contacts.push(makeContact(other, { nick: 'Bob' }));
    const { user, fake } = await openGroup(setup);
    const box = screen.getByRole('textbox', { name: 'Message to Team' });
    await user.type(box, '@bo');
    const list = await screen.findByRole('listbox', { name: 'Members to mention' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Bob#b0b2', 'Bob#bob']);
    await user.keyboard('{Enter}');
    expect((box as HTMLTextAreaElement).value).toBe('@Bob#b0b2 ');
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.channel === 'messages:send')).toEqual([
        { channel: 'messages:send', args: { peerId: CONV, text: '@Bob#b0b2 ', mentions: [other] } },
      ]),
    );
  });

  it('highlights a message that mentions me, and marks the row of a muted group only then', async () => {
    const setup = groupSetup();
    setup.handlers['conversations:mutes'] = () => [CONV];
    const app = renderApp({ data: setup.data, handlers: setup.handlers });
    const row = await screen.findByRole('option', { name: /^Team 3 members.*Muted/ });
    const g3 = post('g3', 'alice', { receivedAt: NOW });
    setup.data.messages.push(g3);
    act(() => app.fake.emit('message', g3));
    await waitFor(() => expect(row.querySelector('.unread-badge')?.textContent).toBe('1'));
    expect(row.querySelector('.unread-badge')?.classList.contains('quiet')).toBe(true);
    // The title (and the tray) leave the muted group's message out.
    expect(document.title).toBe('PacketChat');
    const g4 = post('g4', 'bob', {
      text: '@Me look',
      receivedAt: NOW,
      group: { groupId: GID, sender: 'bob', gap: false, mentions: [ME] },
    });
    setup.data.messages.push(g4);
    act(() => app.fake.emit('message', g4));
    await waitFor(() => expect(row.querySelector('.unread-badge')?.textContent).toBe('@ 2'));
    expect(row.querySelector('.unread-badge')?.classList.contains('quiet')).toBe(false);
    expect(row.getAttribute('aria-label')).toContain('Mentions you');
    expect(document.title).toBe('(1) PacketChat');
    await app.user.click(row);
    const log = await screen.findByRole('log', { name: 'Conversation with Team' });
    const mention = (await within(log).findByText('@Me look')).closest<HTMLElement>('.message')!;
    expect(mention.classList.contains('mentions-me')).toBe(true);
    expect(within(mention).getByText('@ you')).toBeTruthy();
    const other = within(log).getByText('alice says g3').closest<HTMLElement>('.message')!;
    expect(other.classList.contains('mentions-me')).toBe(false);
    // Unmute from the header.
    await app.user.click(screen.getByRole('button', { name: 'Unmute Team' }));
    expect(await screen.findByRole('button', { name: /^Mute Team/ })).toBeTruthy();
    await waitFor(() => expect(row.getAttribute('aria-label')).not.toContain('Muted'));
  });

  it('shows an unread mention stored before a restart ("@ 2"), and counts it in the title though muted', async () => {
    const setup = groupSetup();
    setup.handlers['conversations:mutes'] = () => [CONV];
    setup.handlers['conversations:list'] = () => [
      {
        peerId: CONV,
        unread: 2,
        firstUnreadId: 'g1',
        lastMessage: setup.data.messages.find((m) => m.id === 'g2') ?? null,
        mentions: 1,
      },
    ];
    renderApp({ data: setup.data, handlers: setup.handlers });
    const row = await screen.findByRole('option', { name: /^Team 3 members.*Muted/ });
    await waitFor(() => expect(row.querySelector('.unread-badge')?.textContent).toBe('@ 2'));
    expect(row.getAttribute('aria-label')).toContain('Mentions you');
    expect(document.title).toBe('(1) PacketChat');
  });

  it('gives the creator and admins rename and make-admin, and no one else', async () => {
    const { user, calls, state } = await (async () => {
      const setup = groupSetup();
      setup.handlers['groups:rename'] = ({ groupId, name }) => {
        setup.calls.push({ channel: 'rename', args: { groupId, name } });
        setup.state.group = { ...setup.state.group, name, version: setup.state.group.version + 1 };
        return setup.state.group;
      };
      setup.handlers['groups:makeAdmin'] = ({ groupId, member }) => {
        setup.calls.push({ channel: 'admin', args: { groupId, member } });
        setup.state.group = {
          ...setup.state.group,
          admins: [...setup.state.group.admins, member],
          members: setup.state.group.members.map((m) =>
            m.id === member ? { ...m, admin: true } : m,
          ),
        };
        return setup.state.group;
      };
      return openGroup(setup);
    })();
    await user.click(screen.getByRole('button', { name: 'Members (3)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Team · 3 members' });
    await user.click(within(dialog).getByRole('button', { name: 'Make admin: Alice' }));
    await waitFor(() =>
      expect(within(dialog).queryByRole('button', { name: 'Make admin: Alice' })).toBeNull(),
    );
    expect(state.group.admins).toContain('alice');
    const field = within(dialog).getByRole('textbox', { name: 'New name for the group' });
    await user.clear(field);
    await user.type(field, 'Lunch team');
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    expect(await screen.findByRole('dialog', { name: 'Lunch team · 3 members' })).toBeTruthy();
    expect(calls).toContainEqual({ channel: 'rename', args: { groupId: GID, name: 'Lunch team' } });
    expect(calls).toContainEqual({ channel: 'admin', args: { groupId: GID, member: 'alice' } });
  });

  it('shows a member who is no admin neither rename nor make-admin', async () => {
    const { user } = await openGroup(
      groupSetup(makeGroup({ creator: 'alice', admins: ['alice'] })),
    );
    await user.click(screen.getByRole('button', { name: 'Members (3)' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByRole('textbox', { name: 'New name for the group' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /^Make admin/ })).toBeNull();
  });
});

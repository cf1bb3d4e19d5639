import { describe, expect, it } from 'vitest';
import { buildMessageRows, GROUP_GAP_MS } from '../../../renderer/src/components/message-rows';
import type { ChatMessage } from '../../../shared/domain';
import { makeMessage } from '../fake-backend';

const NOW = new Date(2024, 5, 1, 12, 0).getTime();
const byId = (list: ChatMessage[]) => Object.fromEntries(list.map((m) => [m.id, m]));
const shape = (rows: ReturnType<typeof buildMessageRows>) =>
  rows.map((r) =>
    r.kind === 'message' ? `${r.id}${r.first ? '^' : ''}${r.last ? '$' : ''}` : r.kind,
  );

describe('message rows: groups', () => {
  it('groups consecutive messages from one side within five minutes', () => {
    const messages = [
      makeMessage('a', 'p', { receivedAt: NOW }),
      makeMessage('b', 'p', { receivedAt: NOW + GROUP_GAP_MS }),
      makeMessage('c', 'p', { receivedAt: NOW + 2 * GROUP_GAP_MS + 1 }), // gap: new group
      makeMessage('d', 'p', { direction: 'out', receivedAt: NOW + 2 * GROUP_GAP_MS + 2 }),
      makeMessage('e', 'p', { direction: 'out', receivedAt: NOW + 2 * GROUP_GAP_MS + 3 }),
      makeMessage('f', 'p', { receivedAt: NOW + 2 * GROUP_GAP_MS + 4 }), // the other side
    ];
    const rows = buildMessageRows(
      messages.map((m) => m.id),
      byId(messages),
      {},
    );
    expect(shape(rows)).toEqual(['top', 'day', 'a^', 'b$', 'c^$', 'd^', 'e$', 'f^$']);
  });

  it('breaks a group at a new day, a notice and the unread divider', () => {
    const tomorrow = NOW + 24 * 3_600_000;
    const messages = [
      makeMessage('a', 'p', { receivedAt: NOW }),
      makeMessage('b', 'p', { receivedAt: NOW + 1 }),
      makeMessage('c', 'p', { receivedAt: NOW + 2 }),
      makeMessage('d', 'p', { receivedAt: tomorrow }),
    ];
    const notice = {
      id: 'notice:1',
      peerId: 'p',
      at: NOW + 1,
      kind: 'moved' as const,
      from: 'x',
      to: 'y',
    };
    const items = ['a', 'notice:1', 'b', 'c', 'd'];
    const rows = buildMessageRows(items, byId(messages), { 'notice:1': notice }, 'c');
    expect(shape(rows)).toEqual([
      'top',
      'day',
      'a^$',
      'notice',
      'b^$',
      'unread',
      'c^$',
      'day',
      'd^$',
    ]);
  });
});

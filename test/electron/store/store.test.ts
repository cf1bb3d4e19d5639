import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../electron/net/persistence';
import { openStore } from '../../../electron/store/open-store';
import type { Store } from '../../../electron/store/store';
import type { PeerInfo } from '../../../shared/domain';
import { useTempDirs } from '../../helpers/temp-dir';
import { incoming } from './records';

const tempDir = useTempDirs();

function outgoing(id: string, seq: number, peerId = 'bob'): OutgoingRecord {
  return {
    id,
    peerId,
    epoch: 'o1',
    seq,
    text: `out ${id}`,
    sentAt: seq,
    remote: '10.0.0.2:4000',
    state: 'sending',
    transport: 'udp',
    attempts: 0,
  };
}

function withStore(run: (store: Store, dir: string) => void): void {
  const dir = tempDir();
  const { store } = openStore(dir);
  try {
    run(store, dir);
  } finally {
    store.close();
  }
}

/** Saves group `groupId` ("team", version 1) with `writer` as its admin and `member` in it. */
function saveTeam(store: Store, groupId: string, writer: string, member: string): void {
  store.groups.saveGroup({
    id: groupId,
    name: 'team',
    creator: writer,
    version: 1,
    stateHash: 'h'.repeat(32),
    admins: [writer],
    members: [
      [writer, 'k'.repeat(64)],
      [member, 'l'.repeat(64)],
    ],
    status: 'member',
    leaving: false,
    nextSeq: 1,
    lastVersion: 0,
    joinedVersion: 1,
    createdAt: 1,
    updatedAt: 1,
  });
}

/** A group with this profile (saved as the identity) and one writer in it. */
function groupWithMe(store: Store): { me: string; writer: string; groupId: string } {
  const [me, writer, groupId] = ['m', 'w', 'g'].map((c) => c.repeat(32)) as [
    string,
    string,
    string,
  ];
  store.saveIdentity({ nodeId: me, nick: 'me', status: 'online' });
  saveTeam(store, groupId, writer, me);
  return { me, writer, groupId };
}

/** An incoming message of the writer of `groupWithMe`, with its mentions. */
function post(store: Store, groupId: string, mid: string, seq: number, mentions?: string[]): void {
  const inserted = store.groups.insertPost(
    {
      groupId,
      mid,
      origin: 'w'.repeat(32),
      seq,
      v: 1,
      pv: 0,
      deps: [],
      ...(mentions === undefined ? {} : { mentions }),
      sig: 's',
      ts: seq,
      text: `post ${seq}`,
      direction: 'in',
      receivedAt: seq,
      remote: '127.0.0.1:4000',
      transport: 'udp',
    },
    { at: seq, gap: false },
    'received',
  );
  expect(inserted).toBe('inserted');
}

describe('Store', () => {
  it('stores a message once: the same id again is a duplicate with no second row', () => {
    withStore((store) => {
      expect(store.insertIncoming(incoming('a', 1))).toBe('inserted');
      expect(store.insertIncoming(incoming('a', 1))).toBe('duplicate');
      expect(store.reads.history('bob', { limit: 10 }).messages.map((m) => m.id)).toEqual(['a']);
    });
  });

  it('keeps held messages out of history until released, then shows them in delivery order', () => {
    withStore((store) => {
      store.insertIncoming(incoming('m3', 3, 'three', true));
      store.insertIncoming(incoming('m2', 2, 'two', true));
      expect(store.reads.history('bob', { limit: 10 }).messages).toEqual([]);
      expect(store.listHeld().map((m) => m.id)).toEqual(['m2', 'm3']);
      store.insertIncoming(incoming('m1', 1, 'one'));
      store.releaseHeld('bob', ['m2', 'm3'], 99);
      expect(store.reads.history('bob', { limit: 10 }).messages.map((m) => m.text)).toEqual([
        'one',
        'two',
        'three',
      ]);
      expect(store.listHeld()).toEqual([]);
    });
  });

  it('pages history newest first with a cursor, oldest first within a page', () => {
    withStore((store) => {
      for (let i = 1; i <= 7; i += 1) store.insertIncoming(incoming(`m${String(i)}`, i));
      const first = store.reads.history('bob', { limit: 3 });
      expect(first.messages.map((m) => m.id)).toEqual(['m5', 'm6', 'm7']);
      const second = store.reads.history('bob', { limit: 3, before: first.nextCursor ?? '' });
      expect(second.messages.map((m) => m.id)).toEqual(['m2', 'm3', 'm4']);
      const last = store.reads.history('bob', { limit: 3, before: second.nextCursor ?? '' });
      expect(last.messages.map((m) => m.id)).toEqual(['m1']);
      expect(last.nextCursor).toBeNull();
      expect(store.reads.history('nobody', { limit: 3 })).toEqual({
        messages: [],
        nextCursor: null,
      });
    });
  });

  it('keeps the outbox: undelivered messages survive a reopen in sequence order', () => {
    const dir = tempDir();
    const first = openStore(dir).store;
    first.insertOutgoing(outgoing('o2', 2));
    first.insertOutgoing(outgoing('o1', 1));
    first.insertOutgoing(outgoing('x1', 1, 'carol'));
    first.saveOutboundStream('bob', 'o1', 3);
    first.updateOutgoing({
      id: 'x1',
      peerId: 'carol',
      state: 'delivered',
      transport: 'udp',
      attempts: 1,
      rttMs: 4,
    });
    first.updateOutgoing({
      id: 'o2',
      peerId: 'bob',
      state: 'pending',
      transport: 'tcp',
      attempts: 9,
    });
    first.close();
    const second = openStore(dir).store;
    expect(second.listOutbox().map((m) => [m.id, m.state, m.transport])).toEqual([
      ['o1', 'sending', 'udp'],
      ['o2', 'pending', 'tcp'],
    ]);
    expect(second.getOutboundStream('bob')).toEqual({ epoch: 'o1', nextSeq: 3 });
    expect(second.reads.getMessage('x1')).toMatchObject({ state: 'delivered', rttMs: 4 });
    second.close();
  });

  it('counts unread per conversation and clears it when read', () => {
    withStore((store) => {
      store.insertIncoming(incoming('a', 1));
      store.insertIncoming(incoming('b', 2));
      store.insertOutgoing(outgoing('c', 1));
      store.insertIncoming({ ...incoming('d', 1), peerId: 'carol' });
      expect(store.reads.unreadTotal()).toBe(3);
      const conversations = store.reads.conversations();
      expect(conversations.map((c) => [c.peerId, c.unread, c.lastMessage?.id])).toEqual([
        ['carol', 1, 'd'],
        ['bob', 2, 'c'],
      ]);
      store.markRead('bob');
      expect(store.reads.unreadTotal()).toBe(1);
      store.insertIncoming(incoming('e', 3));
      expect(store.reads.conversations().find((c) => c.peerId === 'bob')?.unread).toBe(1);
    });
  });

  it('gives when each conversation last had a shown message, as the conversation list does', () => {
    withStore((store) => {
      expect(store.reads.lastActivity()).toEqual([]);
      store.insertIncoming({ ...incoming('a', 1), receivedAt: 500 });
      store.insertOutgoing(outgoing('c', 1));
      store.insertIncoming({ ...incoming('d', 1), peerId: 'carol', receivedAt: 300 });
      // Held (waiting for an earlier one): not shown yet, so it is no conversation's newest.
      store.insertIncoming({ ...incoming('h', 5, 'held', true), peerId: 'dave', receivedAt: 900 });
      store.insertIncoming({ ...incoming('h2', 3, 'later', true), receivedAt: 800 });
      const fromList = store.reads
        .conversations()
        .map((c) => ({ peerId: c.peerId, at: c.lastMessage?.receivedAt }));
      expect(store.reads.lastActivity()).toEqual(fromList);
      expect(fromList.map((c) => c.peerId)).toEqual(['carol', 'bob']);
    });
  });

  it('searches with FTS5 (Chinese and English substrings) and short queries with LIKE', () => {
    withStore((store) => {
      store.insertIncoming(incoming('zh', 1, '今天晚上一起吃饭吗'));
      store.insertIncoming(incoming('en', 2, 'Meet at the Packet Café at noon'));
      store.insertIncoming(incoming('pct', 3, '100% sure_thing'));
      store.insertIncoming(incoming('held', 9, 'packet café held', true));
      expect(store.reads.search('一起吃饭', 10).map((h) => h.messageId)).toEqual(['zh']);
      expect(store.reads.search('packet caf', 10)).toEqual([
        { messageId: 'en', peerId: 'bob', snippet: 'Meet at the [Packet Caf]é at noon', at: 2 },
      ]);
      expect(store.reads.search('吃饭', 10).map((h) => h.messageId)).toEqual(['zh']);
      expect(store.reads.search('%', 10).map((h) => h.messageId)).toEqual(['pct']);
      expect(store.reads.search('e_', 10).map((h) => h.messageId)).toEqual(['pct']);
      expect(store.reads.search('"quoted', 10)).toEqual([]);
      expect(store.reads.search('   ', 10)).toEqual([]);
    });
  });

  it('keeps valid settings and reports invalid ones without failing', () => {
    withStore((store) => {
      store.saveSettings({ theme: 'dark', discoveryTargets: ['10.0.0.255'] });
      expect(store.getSettings()).toEqual({
        values: { theme: 'dark', discoveryTargets: ['10.0.0.255'] },
        invalid: [],
      });
      store.saveSettings({ serverPort: 99_999 }); // the store keeps what it is given; reading checks it
      const { values, invalid } = store.getSettings();
      expect(invalid).toEqual(['serverPort']);
      expect(values.theme).toBe('dark');
    });
  });

  it('rolls a failed transaction back completely', () => {
    withStore((store) => {
      expect(() =>
        store.transaction(() => {
          store.insertIncoming(incoming('a', 1));
          throw new Error('disk on fire');
        }),
      ).toThrow('disk on fire');
      expect(store.reads.history('bob', { limit: 5 }).messages).toEqual([]);
      store.insertIncoming(incoming('b', 2));
      expect(store.reads.history('bob', { limit: 5 }).messages.map((m) => m.id)).toEqual(['b']);
    });
  });

  it('remembers peers with their last IP:port, loaded as offline', () => {
    withStore((store) => {
      const peer = {
        id: 'bob',
        nick: 'Bob',
        host: 'bob-pc',
        address: '10.0.0.2',
        port: 4000,
        path: { kind: 'lan' as const, address: '10.0.0.2', port: 4000 },
        tcpPort: 4000,
        status: 'online' as const,
        online: true,
        firstSeen: 1,
        lastSeen: 5,
      };
      store.upsertPeer(peer);
      const moved = { kind: 'lan' as const, address: '10.0.0.9', port: 4001 };
      store.upsertPeer({ ...peer, address: '10.0.0.9', port: 4001, path: moved, lastSeen: 9 });
      expect(store.listPeers()).toEqual([
        { ...peer, address: '10.0.0.9', port: 4001, path: moved, lastSeen: 9, online: false },
      ]);
    });
  });

  it('reads the peers and their trust at once, as listPeers and trust.all give them', () => {
    withStore((store) => {
      const peer = (id: string, lastSeen: number): PeerInfo => ({
        id,
        nick: id,
        host: `${id}-pc`,
        address: '10.0.0.2',
        port: 4000,
        path: { kind: 'lan', address: '10.0.0.2', port: 4000 },
        tcpPort: 4000,
        status: 'online',
        online: false,
        firstSeen: 1,
        lastSeen,
      });
      for (const [id, seen] of [
        ['ann', 3],
        ['bob', 9],
        ['old-bob', 5],
        ['cat', 7],
      ] as const)
        store.upsertPeer(peer(id, seen));
      store.ipmsg.savePeer({ ...peer('ipmsg:10.0.0.8', 8), nick: 'feiq' }, '{}');
      store.trust.pin('bob', 'ab'.repeat(32));
      store.trust.setVerified('bob', true);
      store.trust.markKeyChanged('cat', 'bob');
      store.trust.merge('old-bob', 'bob');
      const { peers, trust } = store.peersAndTrust();
      expect(peers).toEqual(store.listPeers());
      expect(peers.map((p) => p.id)).toEqual(['bob', 'cat', 'ann']);
      const ids = ['ann', 'bob', 'old-bob', 'cat', 'ipmsg:10.0.0.8'];
      expect(trust).toEqual(new Map(ids.map((id) => [id, store.trust.get(id)])));
      expect(trust.get('old-bob')?.aliasOf).toBe('bob');
      expect(trust.get('bob')).toMatchObject({ verified: true, publicKey: 'ab'.repeat(32) });
    });
  });

  it('keeps the broker of a contact known only through the relay', () => {
    withStore((store) => {
      const peer: PeerInfo = {
        id: 'relayonly',
        nick: 'far',
        host: 'far-host',
        address: '',
        port: 0,
        path: { kind: 'relay', broker: 'relay.example.org:8883' },
        tcpPort: null,
        status: 'online',
        online: true,
        firstSeen: 1,
        lastSeen: 5,
      };
      store.upsertPeer(peer);
      expect(store.listPeers()).toEqual([{ ...peer, online: false }]);
      // A later save without a broker name (none known at that moment) keeps the stored one.
      store.upsertPeer({ ...peer, path: { kind: 'relay', broker: '' }, lastSeen: 6 });
      expect(store.listPeers()[0]?.path).toEqual(peer.path);
    });
  });

  it('marks read up to a message, never backwards, and tells the oldest unread', () => {
    withStore((store) => {
      for (let i = 1; i <= 4; i += 1) store.insertIncoming(incoming(`i${i}`, i));
      expect(store.reads.conversations()[0]).toMatchObject({ unread: 4, firstUnreadId: 'i1' });
      expect(store.markReadUpTo('bob', 'i2')).toBe(true);
      expect(store.reads.unreadIn('bob')).toBe(2);
      expect(store.reads.conversations()[0]).toMatchObject({ unread: 2, firstUnreadId: 'i3' });
      expect(store.markReadUpTo('bob', 'i1')).toBe(true);
      expect(store.reads.unreadIn('bob')).toBe(2);
      expect(store.markReadUpTo('carol', 'i4')).toBe(false);
      expect(store.markReadUpTo('bob', 'i4')).toBe(true);
      expect(store.reads.conversations()[0]).toMatchObject({ unread: 0, firstUnreadId: null });
    });
  });

  it('deletes messages for me: gone from history, search and unread counts', () => {
    withStore((store) => {
      store.insertIncoming(incoming('i1', 1, 'keep this one'));
      store.insertIncoming(incoming('i2', 2, 'delete this one'));
      expect(store.deleteMessages(['i2', 'nope'])).toEqual([{ peerId: 'bob', ids: ['i2'] }]);
      expect(store.reads.history('bob', { limit: 10 }).messages.map((m) => m.id)).toEqual(['i1']);
      expect(store.reads.search('delete', 10)).toEqual([]);
      expect(store.reads.unreadTotal()).toBe(1);
      // A group message is kept: members may ask this node for it.
      const post = {
        groupId: 'c'.repeat(32),
        mid: 'g1',
        origin: 'o'.repeat(32),
        seq: 1,
        v: 1,
        pv: 0,
        deps: [],
        sig: 's',
        ts: 1,
        text: 'group text',
        direction: 'in' as const,
        receivedAt: 1,
        remote: '127.0.0.1:4000',
        transport: 'udp' as const,
      };
      expect(store.groups.insertPost(post, { at: 1, gap: false }, 'received')).toBe('inserted');
      expect(store.deleteMessages(['g1'])).toEqual([]);
      expect(store.reads.getMessage('g1')?.group).toEqual({
        groupId: 'c'.repeat(32),
        sender: 'o'.repeat(32),
        gap: false,
      });
    });
  });

  it('keeps a group message’s signed mentions, and shows only those of members', () => {
    withStore((store) => {
      const groupId = 'd'.repeat(32);
      const [writer, member, outsider] = ['a', 'b', 'e'].map((c) => c.repeat(32)) as [
        string,
        string,
        string,
      ];
      saveTeam(store, groupId, writer, member);
      const post = {
        groupId,
        mid: 'gm1',
        origin: writer,
        seq: 1,
        v: 1,
        pv: 0,
        deps: [],
        mentions: [member, outsider],
        sig: 's',
        ts: 1,
        text: '@b and @e',
        direction: 'in' as const,
        receivedAt: 1,
        remote: '127.0.0.1:4000',
        transport: 'udp' as const,
      };
      expect(store.groups.insertPost(post, { at: 1, gap: false }, 'received')).toBe('inserted');
      // As signed, for repair; as shown, members only.
      expect(store.groups.postsInRange(groupId, writer, 1, 1, 1, 10)[0]?.mentions).toEqual([
        member,
        outsider,
      ]);
      expect(store.reads.getMessage('gm1')?.group?.mentions).toEqual([member]);
      expect(store.reads.history(`group:${groupId}`, { limit: 5 }).messages[0]?.group).toEqual({
        groupId,
        sender: writer,
        gap: false,
        mentions: [member],
      });
    });
  });

  it('leaves muted conversations out of the unread total, except messages that mention me', () => {
    withStore((store) => {
      const { me, groupId } = groupWithMe(store);
      post(store, groupId, 'gm1', 1, [me]);
      post(store, groupId, 'gm2', 2);
      post(store, groupId, 'gm3', 3, ['b'.repeat(32)]);
      store.insertIncoming(incoming('i1', 1));
      store.insertIncoming(incoming('i2', 2));
      expect(store.reads.unreadTotal()).toBe(5);
      store.mutes.set(`group:${groupId}`, true, 1);
      expect(store.reads.unreadTotal()).toBe(3);
      store.mutes.set('bob', true, 2);
      expect(store.reads.unreadTotal()).toBe(1);
      store.markRead(`group:${groupId}`);
      expect(store.reads.unreadTotal()).toBe(0);
      store.mutes.set('bob', false, 3);
      expect(store.reads.unreadTotal()).toBe(2);
    });
  });

  it('counts unread mentions of me from the stored posts and the read marker, across a reopen', () => {
    const dir = tempDir();
    const first = openStore(dir).store;
    let conversation = '';
    try {
      const { me, groupId } = groupWithMe(first);
      conversation = `group:${groupId}`;
      post(first, groupId, 'gm1', 1, [me]);
      post(first, groupId, 'gm2', 2, ['b'.repeat(32)]);
      post(first, groupId, 'gm3', 3, [me]);
      expect(first.reads.mentionsIn(conversation)).toBe(2);
      expect(first.markReadUpTo(conversation, 'gm1')).toBe(true);
    } finally {
      first.close();
    }
    const again = openStore(dir).store;
    try {
      expect(again.reads.conversations()).toEqual([
        expect.objectContaining({ peerId: conversation, unread: 2, mentions: 1 }),
      ]);
      expect(again.reads.mentionsIn(conversation)).toBe(1);
      again.markRead(conversation);
      expect(again.reads.conversations()[0]).toMatchObject({ unread: 0, mentions: 0 });
    } finally {
      again.close();
    }
  });

  it('mutes and unmutes conversations, and remembers them across a reopen', () => {
    const dir = tempDir();
    const first = openStore(dir).store;
    try {
      expect(first.mutes.set('group:g', true, 5)).toBe(true);
      expect(first.mutes.set('group:g', true, 6)).toBe(false);
      expect(first.mutes.set('bob', true, 7)).toBe(true);
      expect(first.mutes.set('bob', false, 8)).toBe(true);
      expect(first.mutes.set('bob', false, 9)).toBe(false);
    } finally {
      first.close();
    }
    const again = openStore(dir).store;
    try {
      expect(again.mutes.list()).toEqual(['group:g']);
      expect(again.mutes.isMuted('group:g')).toBe(true);
      expect(again.mutes.isMuted('bob')).toBe(false);
    } finally {
      again.close();
    }
  });

  it('keeps replies, drafts, and leaves cancelled messages out of the outbox', () => {
    withStore((store) => {
      const reply = { id: 'i0', excerpt: 'Lunch?' };
      store.insertIncoming({ ...incoming('i1', 1), reply });
      store.insertOutgoing({ ...outgoing('o1', 1), reply });
      store.insertOutgoing(outgoing('o2', 2));
      store.updateOutgoing({
        id: 'o2',
        peerId: 'bob',
        state: 'cancelled',
        transport: 'udp',
        attempts: 1,
      });
      expect(store.reads.getMessage('i1')?.reply).toEqual(reply);
      expect(store.listOutbox().map((r) => [r.id, r.reply])).toEqual([['o1', reply]]);
      store.setDraft('bob', 'half a thought', 5);
      store.setDraft('carol', 'x', 6);
      store.setDraft('carol', '', 7);
      expect(store.listDrafts()).toEqual([{ peerId: 'bob', text: 'half a thought', updatedAt: 5 }]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommand, peerJson } from '../../../electron/cli/json-protocol';
import { contact } from './cli-fixtures';

describe('parseCommand', () => {
  it.each([
    ['{"cmd":"send","to":"abc","text":"hi"}', { cmd: 'send', to: 'abc', text: 'hi' }],
    ['{"cmd":"peers"}', { cmd: 'peers' }],
    ['{"cmd":"add","address":"10.0.0.2:4000"}', { cmd: 'add', address: '10.0.0.2:4000' }],
    ['{"cmd":"quit","extra":1}', { cmd: 'quit' }],
    ['{"cmd":"directory"}', { cmd: 'directory', query: '', limit: 50 }],
    ['{"cmd":"directory","query":" ann ","limit":5}', { cmd: 'directory', query: 'ann', limit: 5 }],
    // An empty text reaches the node, which refuses it with the code `empty`.
    ['{"cmd":"send","to":"abc","text":""}', { cmd: 'send', to: 'abc', text: '' }],
    ['{"cmd":"groups"}', { cmd: 'groups' }],
    [
      `{"cmd":"send","to":"group:g1","text":"@ann","mentions":["${'a'.repeat(32)}"]}`,
      { cmd: 'send', to: 'group:g1', text: '@ann', mentions: ['a'.repeat(32)] },
    ],
    [
      '{"cmd":"group-create","name":"team","members":["a","b"]}',
      { cmd: 'group-create', name: 'team', members: ['a', 'b'] },
    ],
    // A group is named by its id or by its conversation id.
    ['{"cmd":"group-leave","group":"group:g1"}', { cmd: 'group-leave', group: 'g1' }],
    [
      '{"cmd":"group-add","group":"g1","member":"m"}',
      { cmd: 'group-add', group: 'g1', member: 'm' },
    ],
    [
      '{"cmd":"send-many","to":["a","b"],"text":"hi"}',
      { cmd: 'send-many', to: ['a', 'b'], text: 'hi' },
    ],
    [
      '{"cmd":"send-file","to":"ipmsg:10.0.0.7","paths":["a.txt","/tmp/b"]}',
      { cmd: 'send-file', to: 'ipmsg:10.0.0.7', paths: ['a.txt', '/tmp/b'] },
    ],
    [
      '{"cmd":"accept","id":"ipmsg:10.0.0.7#42","dir":"inbox"}',
      { cmd: 'accept', id: 'ipmsg:10.0.0.7#42', dir: 'inbox' },
    ],
    ['{"cmd":"decline","id":"x"}', { cmd: 'decline', id: 'x' }],
    ['{"cmd":"cancel","id":"x"}', { cmd: 'cancel', id: 'x' }],
  ])('accepts %s', (line, command) => {
    expect(parseCommand(line)).toEqual({ ok: true, command });
  });

  it.each([
    ['hello', /^not JSON/],
    ['{"cmd":"send","to":"abc"}', /^bad command \(text\)/],
    ['{"cmd":"launch"}', /^bad command \(cmd\)/],
    ['null', /^bad command/],
    ['[1]', /^bad command/],
    ['{"cmd":"send-many","to":[],"text":"hi"}', /^bad command \(to\)/],
    ['{"cmd":"group-create","name":"x"}', /^bad command \(members\)/],
    ['{"cmd":"send-file","to":"x","paths":[]}', /^bad command \(paths\)/],
    ['{"cmd":"accept","id":"x"}', /^bad command \(dir\)/],
    ['{"cmd":"send","to":"g","text":"x","mentions":["ann"]}', /^bad command \(mentions/],
  ])('rejects %s with a clear message', (line, message) => {
    const result = parseCommand(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('peerJson', () => {
  it('reads offline when the peer is not online, and keeps its status while it is', () => {
    expect(peerJson(contact('a', { status: 'away', online: false }))).toMatchObject({
      status: 'offline',
      online: false,
    });
    expect(peerJson(contact('a', { status: 'away' }))).toMatchObject({
      status: 'away',
      online: true,
    });
  });

  it('names the path: the LAN address, or the relay broker', () => {
    expect(peerJson(contact('a')).path).toEqual({
      kind: 'lan',
      address: '192.168.1.5',
      port: 4000,
    });
    const relayed = contact('b', {
      address: '',
      port: 0,
      path: { kind: 'relay', broker: 'relay.example.org:8883' },
    });
    expect(peerJson(relayed)).toMatchObject({
      address: '',
      port: 0,
      path: { kind: 'relay', broker: 'relay.example.org:8883' },
    });
  });

  it('says which protocol a peer speaks (pchat unless the contact says ipmsg) and its badge', () => {
    expect(peerJson(contact('a'))).toMatchObject({ protocol: 'pchat' });
    expect(peerJson(contact('a')).badge).toBeUndefined();
    expect(
      peerJson(
        contact('ipmsg:10.0.0.7', { protocol: 'ipmsg', badge: 'FeiQ', trust: 'not-encrypted' }),
      ),
    ).toMatchObject({ protocol: 'ipmsg', badge: 'FeiQ', encrypted: false, verified: false });
  });
});

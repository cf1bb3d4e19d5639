import { describe, expect, it } from 'vitest';
import {
  decodeRelayNotice,
  encodeRelayNotice,
  MAX_RELAY_NOTICE_BYTES,
  parseRelayTopic,
  relayTopics,
} from '../../../shared/protocol/relay';

const A = 'a'.repeat(32);
const B = '0123456789abcdef0123456789abcdef';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('relay topics', () => {
  it('round-trips every topic a node uses', () => {
    expect(parseRelayTopic(relayTopics.presence(A))).toEqual({ kind: 'presence', nodeId: A });
    expect(parseRelayTopic(relayTopics.directory(B))).toEqual({ kind: 'directory', nodeId: B });
    expect(parseRelayTopic(relayTopics.inbox(A, B))).toEqual({ kind: 'inbox', to: A, from: B });
    expect(relayTopics.inboxFilter(A)).toBe(`pchat/v2/inbox/${A}/+`);
  });

  it.each([
    ['another prefix', `pchat/v1/presence/${A}`],
    ['a short id', 'pchat/v2/presence/abc'],
    ['upper-case hex', `pchat/v2/presence/${A.toUpperCase()}`],
    ['an extra level', `pchat/v2/presence/${A}/x`],
    ['an inbox without a sender', `pchat/v2/inbox/${A}`],
    ['an inbox with a bad sender', `pchat/v2/inbox/${A}/+`],
    ['an unknown kind', `pchat/v2/group/${A}`],
    ['nothing', ''],
  ])('refuses %s', (_name, topic) => {
    expect(parseRelayTopic(topic)).toBeUndefined();
  });
});

describe('relay notices', () => {
  const presence = { proto: 'pchat', v: 2, kind: 'presence', from: A, state: 'online' } as const;
  const directory = {
    proto: 'pchat',
    v: 2,
    kind: 'directory',
    from: A,
    nick: 'alice',
    key: 'c'.repeat(64),
  } as const;

  it('round-trips presence and directory entries', () => {
    expect(decodeRelayNotice(encodeRelayNotice(presence))).toEqual(presence);
    expect(decodeRelayNotice(encodeRelayNotice(directory))).toEqual(directory);
  });

  it('removes invisible characters from a directory nick as on the LAN', () => {
    const decoded = decodeRelayNotice(
      encodeRelayNotice({ ...directory, nick: 'bob\u202etxt.exe' }),
    );
    expect(decoded).toMatchObject({ nick: 'bobtxt.exe' });
  });

  it.each([
    ['empty', new Uint8Array()],
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x7b])],
    ['not JSON', bytes('online')],
    ['another version', bytes(JSON.stringify({ ...presence, v: 1 }))],
    ['an unknown state', bytes(JSON.stringify({ ...presence, state: 'maybe' }))],
    ['a bad sender', bytes(JSON.stringify({ ...presence, from: 'x' }))],
    ['a control character in the nick', bytes(JSON.stringify({ ...directory, nick: 'a\u0007b' }))],
    ['a short key', bytes(JSON.stringify({ ...directory, key: 'cc' }))],
    ['too large', bytes(JSON.stringify({ ...presence, pad: 'x'.repeat(MAX_RELAY_NOTICE_BYTES) }))],
  ])('refuses %s', (_name, payload) => {
    expect(decodeRelayNotice(payload)).toBeUndefined();
  });
});

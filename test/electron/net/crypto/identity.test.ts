import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  generateIdentity,
  isNodeIdOf,
  nodeIdOf,
  parseIdentity,
  serializeIdentity,
  shortFingerprintOf,
} from '../../../../electron/net/crypto/identity';
import { RFC7748_X25519 } from '../../../../electron/net/crypto/known-answers';
import { NODE_ID_HEX_LENGTH } from '../../../../shared/protocol/constants';
import { hex, nobleProvider, nodeProvider as provider } from './providers';

const alice = { publicKey: RFC7748_X25519.alicePublic, privateKey: RFC7748_X25519.alicePrivate };

describe('identity', () => {
  it('derives the node id and the fingerprint from SHA-256 of the public key', () => {
    const digest = hex(provider.sha256(alice.publicKey));
    const id = nodeIdOf(alice.publicKey, provider);
    expect(id).toBe(digest.slice(0, 32));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id).toHaveLength(NODE_ID_HEX_LENGTH);
    expect(fingerprintOf(alice.publicKey, provider)).toBe(digest.match(/.{4}/g)!.join(' '));
    expect(fingerprintOf(alice.publicKey, provider).replaceAll(' ', '').startsWith(id)).toBe(true);
    expect(shortFingerprintOf(alice.publicKey, provider)).toBe(digest.slice(0, 6));
    expect(nodeIdOf(alice.publicKey, nobleProvider)).toBe(id);
  });

  it('pins the values for the RFC 7748 Alice key, so the format cannot drift', () => {
    expect(nodeIdOf(alice.publicKey, provider)).toBe('300c9c9603b92a4b39ed3958bf924011');
    expect(fingerprintOf(alice.publicKey, provider)).toBe(
      '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae',
    );
    expect(shortFingerprintOf(alice.publicKey, provider)).toBe('300c9c');
    expect(isNodeIdOf(nodeIdOf(alice.publicKey, provider), alice.publicKey, provider)).toBe(true);
    expect(isNodeIdOf('0'.repeat(32), alice.publicKey, provider)).toBe(false);
    expect(isNodeIdOf(nodeIdOf(alice.publicKey, provider), new Uint8Array(31), provider)).toBe(
      false,
    );
    expect(() => nodeIdOf(new Uint8Array(33), provider)).toThrow(RangeError);
  });

  it('serialises to a JSON-safe object and parses it back', () => {
    const keyPair = generateIdentity(provider);
    const json = JSON.parse(JSON.stringify(serializeIdentity(keyPair))) as unknown;
    expect(json).toEqual({
      version: 1,
      type: 'x25519',
      publicKey: hex(keyPair.publicKey),
      privateKey: hex(keyPair.privateKey),
    });
    const parsed = parseIdentity(json, provider);
    expect(parsed.ok && hex(parsed.keyPair.privateKey)).toBe(hex(keyPair.privateKey));
    expect(parsed.ok && hex(parsed.keyPair.publicKey)).toBe(hex(keyPair.publicKey));
  });

  const good = serializeIdentity(alice);
  it.each<[string, unknown, string]>([
    ['null', null, 'not-an-object'],
    ['a string', 'x25519', 'not-an-object'],
    ['another version', { ...good, version: 2 }, 'unsupported-version'],
    ['another key type', { ...good, type: 'ed25519' }, 'wrong-type'],
    ['a short public key', { ...good, publicKey: good.publicKey.slice(2) }, 'bad-public-key'],
    ['upper-case hex', { ...good, publicKey: good.publicKey.toUpperCase() }, 'bad-public-key'],
    [
      'a non-hex private key',
      { ...good, privateKey: 'z' + good.privateKey.slice(1) },
      'bad-private-key',
    ],
    ['a long private key', { ...good, privateKey: good.privateKey + '00' }, 'bad-private-key'],
    ['a number as key', { ...good, privateKey: 7 }, 'bad-private-key'],
    [
      'keys of two different pairs',
      { ...good, publicKey: hex(RFC7748_X25519.bobPublic) },
      'key-mismatch',
    ],
  ])('rejects %s', (_label, value, code) => {
    const result = parseIdentity(value, provider);
    expect(result.ok ? 'ok' : result.code).toBe(code);
  });
});

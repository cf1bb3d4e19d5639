import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GCM_CASE_16,
  RFC4231_CASE_2,
  RFC5869_CASE_1,
  RFC7748_X25519,
  RFC8032_ED25519,
  SHA_ABC,
} from '../../../../electron/net/crypto/known-answers';
import { noiseHkdf } from '../../../../electron/net/crypto/primitives';
import { bytes, hex, nobleProvider, nodeProvider, PROVIDERS } from './providers';

/** Low-order and non-canonical X25519 inputs whose DH output is all zeros (RFC 7748 section 7). */
const LOW_ORDER_POINTS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(bytes);

describe.each(PROVIDERS)('%s provider', (_name, provider) => {
  it('computes the RFC 7748 section 6.1 keys and shared secret', () => {
    const v = RFC7748_X25519;
    expect(hex(provider.keyPairFromPrivateKey(v.alicePrivate).publicKey)).toBe(hex(v.alicePublic));
    expect(hex(provider.keyPairFromPrivateKey(v.bobPrivate).publicKey)).toBe(hex(v.bobPublic));
    expect(hex(provider.dh(v.alicePrivate, v.bobPublic)!)).toBe(hex(v.shared));
    expect(hex(provider.dh(v.bobPrivate, v.alicePublic)!)).toBe(hex(v.shared));
  });

  it('refuses every low-order point and wrong key lengths with undefined', () => {
    const { privateKey } = provider.generateKeyPair();
    for (const point of LOW_ORDER_POINTS) expect(provider.dh(privateKey, point)).toBeUndefined();
    expect(provider.dh(privateKey, new Uint8Array(31))).toBeUndefined();
    expect(provider.dh(new Uint8Array(33), RFC7748_X25519.bobPublic)).toBeUndefined();
    expect(() => provider.keyPairFromPrivateKey(new Uint8Array(31))).toThrow(RangeError);
  });

  it('generates distinct key pairs that agree', () => {
    const a = provider.generateKeyPair();
    const b = provider.generateKeyPair();
    expect(hex(a.privateKey)).not.toBe(hex(b.privateKey));
    expect(a.publicKey).toHaveLength(32);
    expect(hex(provider.dh(a.privateKey, b.publicKey)!)).toBe(
      hex(provider.dh(b.privateKey, a.publicKey)!),
    );
  });

  it('follows the bytes of a key array, not its identity (a wiped key is a different key)', () => {
    const pair = provider.generateKeyPair();
    const peer = provider.generateKeyPair().publicKey;
    const before = hex(provider.dh(pair.privateKey, peer)!);
    expect(hex(provider.dh(pair.privateKey, peer)!)).toBe(before);
    pair.privateKey.fill(7);
    expect(hex(provider.dh(pair.privateKey, peer)!)).toBe(
      hex(nobleProvider.dh(new Uint8Array(32).fill(7), peer)!),
    );
    peer.fill(9);
    expect(hex(provider.dh(pair.privateKey, peer)!)).toBe(
      hex(nobleProvider.dh(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9))!),
    );
  });

  it('seals and opens GCM test case 16', () => {
    const v = GCM_CASE_16;
    const key = provider.aesGcm(v.key);
    expect(hex(key.seal(v.nonce, v.associatedData, v.plaintext))).toBe(hex(v.sealed));
    expect(hex(key.open(v.nonce, v.associatedData, v.sealed)!)).toBe(hex(v.plaintext));
  });

  it('seals behind a prefix into one array: the prefix, then exactly what seal returns', () => {
    const v = GCM_CASE_16;
    const key = provider.aesGcm(v.key);
    const prefix = new Uint8Array([0xfb, 1, 2, 3]);
    expect(hex(key.seal(v.nonce, v.associatedData, v.plaintext, prefix))).toBe(
      hex(prefix) + hex(v.sealed),
    );
  });

  it('copies the AES key, so wiping the caller array changes nothing', () => {
    const raw = new Uint8Array(GCM_CASE_16.key);
    const key = provider.aesGcm(raw);
    raw.fill(0);
    const v = GCM_CASE_16;
    expect(hex(key.seal(v.nonce, v.associatedData, v.plaintext))).toBe(hex(v.sealed));
  });

  it('open returns undefined and never throws on any malformed input', () => {
    const key = provider.aesGcm(GCM_CASE_16.key);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 16 }),
        fc.uint8Array({ maxLength: 4 }),
        fc.uint8Array({ maxLength: 80 }),
        (nonce, ad, ciphertext) => key.open(nonce, ad, ciphertext) === undefined,
      ),
      { numRuns: 300 },
    );
    expect(() => provider.aesGcm(new Uint8Array(16))).toThrow(RangeError);
    expect(() => key.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(1))).toThrow(
      RangeError,
    );
  });

  it('hashes, MACs and derives the published answers', () => {
    expect(hex(provider.sha256(SHA_ABC.message))).toBe(hex(SHA_ABC.sha256));
    expect(hex(provider.sha512(SHA_ABC.message))).toBe(hex(SHA_ABC.sha512));
    expect(hex(provider.hmacSha256(RFC4231_CASE_2.key, RFC4231_CASE_2.data))).toBe(
      hex(RFC4231_CASE_2.mac),
    );
    const { salt, ikm, info, length, okm } = RFC5869_CASE_1;
    expect(hex(provider.hkdfSha256(salt, ikm, info, length))).toBe(hex(okm));
  });

  it("noiseHkdf is Noise's HMAC construction for 2 and 3 outputs", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 32 }),
        (ck, ikm) => {
          const temp = provider.hmacSha256(ck, ikm);
          const o1 = provider.hmacSha256(temp, new Uint8Array([1]));
          const o2 = provider.hmacSha256(temp, Buffer.concat([o1, new Uint8Array([2])]));
          const o3 = provider.hmacSha256(temp, Buffer.concat([o2, new Uint8Array([3])]));
          const two = noiseHkdf(provider, ck, ikm, 2);
          const three = noiseHkdf(provider, ck, ikm, 3);
          return (
            two.map(hex).join() === [o1, o2].map(hex).join() &&
            three.map(hex).join() === [o1, o2, o3].map(hex).join()
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('draws random bytes of the asked length', () => {
    expect(provider.randomBytes(0)).toHaveLength(0);
    expect(provider.randomBytes(1000)).toHaveLength(1000);
    expect(hex(provider.randomBytes(16))).not.toBe(hex(provider.randomBytes(16)));
  });
});

describe('node:crypto calls given raw keys (node-crypto.ts `quietly`)', () => {
  it('turn stack traces off only for the call, and a failing call still has one', () => {
    const limit = Error.stackTraceLimit;
    const key = new Uint8Array(32).fill(7);
    expect(nodeProvider.hkdfSha256(key, key, new Uint8Array(0), 64)).toHaveLength(64);
    expect(Error.stackTraceLimit).toBe(limit);
    let failure: unknown;
    try {
      nodeProvider.hkdfSha256(key, key, new Uint8Array(0), 255 * 32 + 1); // beyond RFC 5869
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).stack).toMatch(/primitives\.test\.ts/);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});

describe('node:crypto and @noble agree', () => {
  const bytesOf = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

  it('on X25519 for random keys', () => {
    fc.assert(
      fc.property(bytesOf(32), bytesOf(32), (a, b) => {
        const pair = nodeProvider.keyPairFromPrivateKey(a);
        expect(hex(pair.publicKey)).toBe(hex(nobleProvider.keyPairFromPrivateKey(a).publicKey));
        const peer = nobleProvider.keyPairFromPrivateKey(b).publicKey;
        expect(hex(nodeProvider.dh(a, peer)!)).toBe(hex(nobleProvider.dh(a, peer)!));
      }),
      { numRuns: 40 },
    );
  });

  it('on AES-256-GCM, SHA-2, HMAC and HKDF for random inputs', () => {
    fc.assert(
      fc.property(
        bytesOf(32),
        bytesOf(12),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 255 }),
        (key, nonce, ad, data, length) => {
          const sealed = nodeProvider.aesGcm(key).seal(nonce, ad, data);
          expect(hex(sealed)).toBe(hex(nobleProvider.aesGcm(key).seal(nonce, ad, data)));
          expect(hex(nobleProvider.aesGcm(key).open(nonce, ad, sealed)!)).toBe(hex(data));
          expect(hex(nodeProvider.sha256(data))).toBe(hex(nobleProvider.sha256(data)));
          expect(hex(nodeProvider.sha512(data))).toBe(hex(nobleProvider.sha512(data)));
          expect(hex(nodeProvider.hmacSha256(key, data))).toBe(
            hex(nobleProvider.hmacSha256(key, data)),
          );
          expect(hex(nodeProvider.hkdfSha256(ad, data, nonce, length))).toBe(
            hex(nobleProvider.hkdfSha256(ad, data, nonce, length)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe.each(PROVIDERS)('%s Ed25519', (_name, provider) => {
  it('computes the RFC 8032 section 7.1 keys and signatures, and verifies them', () => {
    for (const v of RFC8032_ED25519) {
      expect(hex(provider.signingKeyPairFromSeed(v.seed).publicKey)).toBe(hex(v.publicKey));
      expect(hex(provider.sign(v.seed, v.message))).toBe(hex(v.signature));
      expect(provider.verify(v.publicKey, v.message, v.signature)).toBe(true);
    }
  });

  it('refuses any change to the message, the signature or the key, and malformed input, with false', () => {
    const [v] = RFC8032_ED25519;
    const flip = (b: Uint8Array, i: number) => {
      const c = new Uint8Array(b);
      c[i] = (c[i] ?? 0) ^ 0x01;
      return c;
    };
    expect(provider.verify(v.publicKey, new Uint8Array([0]), v.signature)).toBe(false);
    for (const i of [0, 31, 32, 63])
      expect(provider.verify(v.publicKey, v.message, flip(v.signature, i))).toBe(false);
    expect(provider.verify(flip(v.publicKey, 0), v.message, v.signature)).toBe(false);
    expect(provider.verify(v.publicKey, v.message, v.signature.subarray(0, 63))).toBe(false);
    expect(provider.verify(v.publicKey.subarray(0, 31), v.message, v.signature)).toBe(false);
    // Not a point on the curve (y = 2 has no x): no signature can be valid.
    expect(provider.verify(bytes('02'.padEnd(64, '0')), v.message, v.signature)).toBe(false);
    expect(() => provider.sign(new Uint8Array(31), v.message)).toThrow(RangeError);
  });

  it('signs with fresh keys what the other implementation verifies', () => {
    const other = provider === nodeProvider ? nobleProvider : nodeProvider;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (message) => {
        const pair = provider.generateSigningKeyPair();
        const signature = provider.sign(pair.privateKey, message);
        expect(other.verify(pair.publicKey, message, signature)).toBe(true);
        expect(hex(other.sign(pair.privateKey, message))).toBe(hex(signature));
      }),
      { numRuns: 50 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../../../../electron/net/crypto/primitives';
import {
  checkPrimitive,
  FallbackNotLoadedError,
  runSelfTest,
  selectProvider,
  SelfTestError,
  type PrimitiveChoice,
} from '../../../../electron/net/crypto/self-test';
import { hex, nobleProvider, nodeProvider } from './providers';

const sourceOf = (choices: readonly PrimitiveChoice[], primitive: PrimitiveChoice['primitive']) =>
  choices.find((choice) => choice.primitive === primitive);

function select(node?: Partial<CryptoProvider>) {
  const lines: string[] = [];
  const selection = selectProvider(
    (line) => lines.push(line),
    node === undefined ? { noble: nobleProvider } : { node, noble: nobleProvider },
  );
  return { ...selection, lines };
}

describe('runSelfTest', () => {
  it('passes on both real providers', () => {
    expect(runSelfTest(nodeProvider)).toEqual([]);
    expect(runSelfTest(nobleProvider)).toEqual([]);
  });

  it('names each broken primitive and never throws', () => {
    const throwing: CryptoProvider = {
      ...nodeProvider,
      sha512: () => {
        throw new Error('boom');
      },
    };
    expect(checkPrimitive(throwing, 'sha512')).toBe('threw: boom');
    expect(runSelfTest(throwing)).toEqual(['sha512: threw: boom']);
  });
});

describe('selectProvider', () => {
  it('uses node:crypto for everything on a healthy machine and logs each choice', () => {
    const { choices, lines, provider } = select();
    expect(choices.map((c) => `${c.primitive}:${c.source}`)).toEqual([
      'random:node',
      'sha256:node',
      'sha512:node',
      'hmac-sha256:node',
      'hkdf-sha256:node',
      'x25519:node',
      'aes-256-gcm:node',
      'ed25519:node',
      'noise-xx:node',
    ]);
    expect(lines).toHaveLength(9);
    expect(lines[5]).toBe('crypto: x25519 from node:crypto (known answers match)');
    expect(runSelfTest(provider)).toEqual([]);
  });

  it('falls back to @noble for one primitive whose node version gives wrong answers', () => {
    let calls = 0;
    const broken: CryptoProvider = {
      ...nodeProvider,
      sha256: (data) => {
        calls += 1;
        const digest = nodeProvider.sha256(data);
        digest[0] = (digest[0] ?? 0) ^ 1;
        return digest;
      },
    };
    const { choices, provider, lines } = select(broken);
    expect(sourceOf(choices, 'sha256')).toEqual({
      primitive: 'sha256',
      source: 'noble',
      reason: 'node:crypto: SHA-256("abc")',
    });
    expect(choices.filter((c) => c.source === 'noble')).toHaveLength(1);
    const before = calls;
    expect(hex(provider.sha256(new Uint8Array([1])))).toBe(
      hex(nobleProvider.sha256(new Uint8Array([1]))),
    );
    expect(calls).toBe(before);
    expect(lines).toContain('crypto: sha256 from @noble (node:crypto: SHA-256("abc"))');
  });

  it.each<[string, Partial<CryptoProvider>, string, string]>([
    [
      'an AES-GCM that skips the tag check',
      {
        aesGcm: (key) => {
          const real = nodeProvider.aesGcm(key);
          return {
            seal: real.seal,
            open: (nonce, ad, sealed) =>
              real.open(nonce, ad, sealed) ??
              nobleProvider
                .aesGcm(key)
                .seal(nonce, ad, sealed)
                .subarray(0, sealed.length - 16),
          };
        },
      },
      'aes-256-gcm',
      'accepts a forged tag',
    ],
    [
      'an X25519 that accepts low-order points',
      { dh: (priv, pub) => nodeProvider.dh(priv, pub) ?? new Uint8Array(32) },
      'x25519',
      'accepts a low-order point',
    ],
    [
      'an Ed25519 that accepts any signature',
      { verify: () => true },
      'ed25519',
      'RFC 8032 test 1: accepts a forged signature',
    ],
    [
      'an Ed25519 that signs wrong',
      { sign: (seed, message) => nodeProvider.sign(seed, new Uint8Array([...message, 1])) },
      'ed25519',
      'RFC 8032 test 1 signature',
    ],
    [
      'a random source stuck at zero',
      { randomBytes: (n) => new Uint8Array(n) },
      'random',
      'output repeats',
    ],
    [
      'a wrong HKDF',
      { hkdfSha256: (s, i, f, n) => nodeProvider.hkdfSha256(i, s, f, n) },
      'hkdf-sha256',
      'RFC 5869 case 1',
    ],
    [
      'a wrong HMAC',
      { hmacSha256: (k, d) => nodeProvider.hmacSha256(d, k) },
      'hmac-sha256',
      'RFC 4231 case 2',
    ],
    [
      'a wrong SHA-512',
      { sha512: (d) => nodeProvider.sha512(d).reverse() },
      'sha512',
      'SHA-512("abc")',
    ],
  ])('replaces %s', (_label, override, primitive, reason) => {
    const { choices } = select({ ...nodeProvider, ...override });
    expect(sourceOf(choices, primitive as PrimitiveChoice['primitive'])).toEqual({
      primitive,
      source: 'noble',
      reason: `node:crypto: ${reason}`,
    });
    expect(sourceOf(choices, 'noise-xx')?.source).toBe('node');
  });

  it('treats missing node primitives as failed', () => {
    const {
      generateKeyPair: _g,
      keyPairFromPrivateKey: _k,
      dh: _d,
      ...withoutX25519
    } = nodeProvider;
    const { choices, provider } = select(withoutX25519);
    expect(sourceOf(choices, 'x25519')).toEqual({
      primitive: 'x25519',
      source: 'noble',
      reason: 'node:crypto: threw: node:crypto has no keyPairFromPrivateKey',
    });
    expect(provider.generateKeyPair().publicKey).toHaveLength(32);
  });

  it('drops to @noble for everything when the mix passes each check but not the Noise vector', () => {
    // Right for the RFC 5869 vector (non-empty info) but wrong for Noise's empty info.
    const subtle: CryptoProvider = {
      ...nodeProvider,
      hkdfSha256: (salt, ikm, info, length) =>
        nodeProvider.hkdfSha256(salt, ikm, info.length === 0 ? new Uint8Array([0]) : info, length),
    };
    const { choices, provider } = select(subtle);
    expect(choices.every((c) => c.source === 'noble')).toBe(true);
    expect(sourceOf(choices, 'sha256')?.reason).toMatch(/^noise vector failed with the chosen mix/);
    expect(provider).not.toBe(subtle);
  });

  it('needs no @noble on a healthy machine, and asks for it when node:crypto fails', () => {
    // default-provider.ts loads @noble (its own chunk in the CLI bundle) only on this error.
    const healthy = selectProvider(() => undefined);
    expect(healthy.choices.every((c) => c.source === 'node')).toBe(true);
    const wrong = { sha256: () => new Uint8Array(32) };
    expect(() => selectProvider(() => undefined, { node: { ...nodeProvider, ...wrong } })).toThrow(
      FallbackNotLoadedError,
    );
  });

  it('throws SelfTestError when a primitive works in neither implementation', () => {
    const zero = { randomBytes: (n: number) => new Uint8Array(n) };
    expect(() =>
      selectProvider(() => undefined, {
        node: { ...nodeProvider, ...zero },
        noble: { ...nobleProvider, ...zero },
      }),
    ).toThrow(SelfTestError);
  });
});

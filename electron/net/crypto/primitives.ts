/**
 * The cryptographic primitives protocol v2 is built from, behind one small interface, so that the
 * start-up self-test (self-test.ts) can pick, per primitive, `node:crypto` (BoringSSL inside
 * Electron, OpenSSL under plain Node) or the pure-JS `@noble/*` fallback. docs/CRYPTO.md explains
 * the choices. Everything here is synchronous: a datagram is sealed or opened inside one event.
 */

/** X25519 key and DH output size (RFC 7748). */
export const X25519_KEY_BYTES = 32;
/** AES-256 key size. */
export const AES_KEY_BYTES = 32;
/** AES-GCM nonce (IV) size used everywhere: 96 bits, as NIST SP 800-38D recommends. */
export const AEAD_NONCE_BYTES = 12;
/** AES-GCM tag size: always the full 128 bits. */
export const AEAD_TAG_BYTES = 16;
export const SHA256_BYTES = 32;
/** Ed25519 public key and private key (the RFC 8032 seed) size. */
export const ED25519_KEY_BYTES = 32;
/** Ed25519 signature size (RFC 8032). */
export const ED25519_SIGNATURE_BYTES = 64;
export const SHA512_BYTES = 64;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

/** One AES-256-GCM key, prepared once (a cached KeyObject makes node's AES-GCM ~4x faster). */
export interface AeadKey {
  /**
   * Ciphertext followed by the 16-byte tag, after `prefix` when one is given (a record's header:
   * one array, no second copy). Throws only on a wrong nonce length (a bug).
   */
  seal(
    nonce: Uint8Array,
    associatedData: Uint8Array,
    plaintext: Uint8Array,
    prefix?: Uint8Array,
  ): Uint8Array;
  /**
   * The same as `seal`, as the ciphertext and the tag apart, so a caller writing them out (a TCP
   * frame) need not join them: `seal` is `sealParts` concatenated. Optional: without it, callers
   * cut `seal`'s result.
   */
  sealParts?(
    nonce: Uint8Array,
    associatedData: Uint8Array,
    plaintext: Uint8Array,
  ): readonly [ciphertext: Uint8Array, tag: Uint8Array];
  /** The plaintext, or undefined when authentication fails or any input is malformed. Never throws. */
  open(
    nonce: Uint8Array,
    associatedData: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array | undefined;
}

/** A record of plain functions (no `this`), so a provider can be mixed per primitive. */
export interface CryptoProvider {
  /** A fresh X25519 key pair from the system's secure random source. */
  readonly generateKeyPair: () => KeyPair;
  /** The key pair of a 32-byte X25519 private key (X25519 clamps it). Throws on a wrong length. */
  readonly keyPairFromPrivateKey: (privateKey: Uint8Array) => KeyPair;
  /**
   * X25519(privateKey, publicKey), or undefined when the result would be all zeros (a low-order
   * public key) or an input has the wrong length. Noise rev 34 section 12.1 allows signalling an
   * error here; both implementations do, so they behave the same.
   */
  readonly dh: (privateKey: Uint8Array, publicKey: Uint8Array) => Uint8Array | undefined;
  /** Prepares a 32-byte AES-256-GCM key (copied: the caller may wipe its array). Throws on a wrong length. */
  readonly aesGcm: (key: Uint8Array) => AeadKey;
  readonly sha256: (data: Uint8Array) => Uint8Array;
  readonly sha512: (data: Uint8Array) => Uint8Array;
  readonly hmacSha256: (key: Uint8Array, data: Uint8Array) => Uint8Array;
  /**
   * RFC 5869 HKDF-SHA256 (extract then expand). Noise's HKDF(ck, ikm, n) is exactly this with
   * salt = ck, info = empty and length = 32·n (Noise rev 34 section 4.3); see noiseHkdf().
   */
  readonly hkdfSha256: (
    salt: Uint8Array,
    ikm: Uint8Array,
    info: Uint8Array,
    length: number,
  ) => Uint8Array;
  readonly randomBytes: (length: number) => Uint8Array;
  /** A fresh Ed25519 signing key pair (RFC 8032): the private key is the 32-byte seed. */
  readonly generateSigningKeyPair: () => KeyPair;
  /** The Ed25519 key pair of a 32-byte seed. Throws RangeError on a wrong length. */
  readonly signingKeyPairFromSeed: (seed: Uint8Array) => KeyPair;
  /** The 64-byte Ed25519 signature of `message` by the key pair of `seed`. Throws on a wrong length. */
  readonly sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array;
  /**
   * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. False (never a
   * throw) for any malformed input: a wrong length, a point not on the curve.
   */
  readonly verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

/** The units the self-test checks and chooses a source for, each covering some provider methods. */
export const PRIMITIVES = [
  'random',
  'sha256',
  'sha512',
  'hmac-sha256',
  'hkdf-sha256',
  'x25519',
  'aes-256-gcm',
  'ed25519',
] as const;
export type PrimitiveName = (typeof PRIMITIVES)[number];

/** A provider whose methods for each primitive come from the provider chosen for that primitive. */
export function composeProvider(sources: {
  readonly [P in PrimitiveName]: CryptoProvider;
}): CryptoProvider {
  const { random, sha256, sha512, x25519, ed25519 } = sources;
  return {
    generateKeyPair: x25519.generateKeyPair,
    keyPairFromPrivateKey: x25519.keyPairFromPrivateKey,
    dh: x25519.dh,
    aesGcm: sources['aes-256-gcm'].aesGcm,
    sha256: sha256.sha256,
    sha512: sha512.sha512,
    hmacSha256: sources['hmac-sha256'].hmacSha256,
    hkdfSha256: sources['hkdf-sha256'].hkdfSha256,
    randomBytes: random.randomBytes,
    generateSigningKeyPair: ed25519.generateSigningKeyPair,
    signingKeyPairFromSeed: ed25519.signingKeyPairFromSeed,
    sign: ed25519.sign,
    verify: ed25519.verify,
  };
}

/**
 * Noise's HKDF(chaining_key, input_key_material, num_outputs) (rev 34 section 4.3): RFC 5869
 * with the chaining key as salt and empty info, cut into 32-byte outputs.
 */
export function noiseHkdf(
  provider: Pick<CryptoProvider, 'hkdfSha256'>,
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  outputs: 2,
): readonly [Uint8Array, Uint8Array];
export function noiseHkdf(
  provider: Pick<CryptoProvider, 'hkdfSha256'>,
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  outputs: 3,
): readonly [Uint8Array, Uint8Array, Uint8Array];
export function noiseHkdf(
  provider: Pick<CryptoProvider, 'hkdfSha256'>,
  chainingKey: Uint8Array,
  inputKeyMaterial: Uint8Array,
  outputs: 2 | 3,
): readonly Uint8Array[] {
  const okm = provider.hkdfSha256(chainingKey, inputKeyMaterial, new Uint8Array(0), 32 * outputs);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < okm.length; offset += 32) {
    parts.push(new Uint8Array(okm.subarray(offset, offset + 32)));
  }
  return parts;
}

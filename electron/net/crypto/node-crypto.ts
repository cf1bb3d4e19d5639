/**
 * CryptoProvider over `node:crypto`: OpenSSL under plain Node, BoringSSL inside Electron. Only
 * primitives BoringSSL has are used (no ChaCha20-Poly1305). X25519 keys cross the API as raw 32
 * bytes: private keys wrapped in the fixed DER prefixes of RFC 8410, public keys as JWK (RFC 8037)
 * to become KeyObjects, read back as JWK.
 * KeyObjects are cached (AES keys per AeadKey, X25519 keys per array), which measured 2-4x faster
 * than importing the key on every call (docs/CRYPTO.md, "Benchmarks").
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign as nodeSign,
  timingSafeEqual,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { isAllZero, plain } from './bytes';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  AES_KEY_BYTES,
  ED25519_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  type AeadKey,
  type CryptoProvider,
  type KeyPair,
} from './primitives';

/** RFC 8410 PKCS#8 PrivateKeyInfo for X25519 (OID 1.3.101.110), up to the 32 key bytes. */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** RFC 8410 PKCS#8 PrivateKeyInfo for Ed25519 (OID 1.3.101.112), up to the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Verification keys kept as KeyObjects (a group's members sign every message). */
const MAX_CACHED_VERIFY_KEYS = 1_024;

/**
 * Runs a node:crypto call that is given key material other than a KeyObject, without capturing
 * stack traces meanwhile. Node 24 tells a KeyObject from other input by catching the TypeError of
 * a private-field check (`isKeyObject` in lib/internal/crypto/keys.js), and capturing that
 * error's stack trace is most of the call's cost: per call, createPublicKey 33-50 → 10-13 µs,
 * hkdfSync 16-19 → 8-11 µs, createHmac 19-21 → 5-9 µs (docs/CRYPTO.md, "Benchmarks"). An error
 * of the call itself gets its stack trace here, once the limit is back.
 */
function quietly<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } catch (error) {
    Error.stackTraceLimit = limit;
    if (error instanceof Error) Error.captureStackTrace(error, quietly);
    throw error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  return quietly(() =>
    createPrivateKey({
      key: Buffer.concat([PKCS8_X25519_PREFIX, privateKey]),
      format: 'der',
      type: 'pkcs8',
    }),
  );
}

/** From JWK (RFC 8037): a raw key import, cheaper than parsing DER. */
function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength);
  return quietly(() =>
    createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: x.toString('base64url') },
      format: 'jwk',
    }),
  );
}

/** The raw private and public key of an X25519 KeyObject (JWK "d" and "x", RFC 8037). */
function rawKeys(privateKey: KeyObject): { readonly d: Uint8Array; readonly x: Uint8Array } {
  const jwk = privateKey.export({ format: 'jwk' });
  const raw = (field: string | undefined) => new Uint8Array(Buffer.from(field ?? '', 'base64url'));
  return { d: raw(jwk.d), x: raw(jwk.x) };
}

/**
 * KeyObjects of key arrays seen before. Importing a raw X25519 private key costs a scalar
 * multiplication (the DER parser derives the public key), so a handshake that wraps its static
 * and ephemeral keys anew for every DH runs at a quarter of the speed. Each entry keeps a copy of
 * the bytes and is used only while the array still holds them: a wiped or reused array misses.
 */
class KeyObjectCache {
  private readonly entries = new WeakMap<
    Uint8Array,
    { readonly bytes: Uint8Array; readonly key: KeyObject }
  >();

  constructor(private readonly create: (bytes: Uint8Array) => KeyObject) {}

  get(bytes: Uint8Array): KeyObject {
    const hit = this.entries.get(bytes);
    if (hit !== undefined && timingSafeEqual(hit.bytes, bytes)) return hit.key;
    const key = this.create(bytes);
    this.remember(bytes, key);
    return key;
  }

  remember(bytes: Uint8Array, key: KeyObject): void {
    this.entries.set(bytes, { bytes: new Uint8Array(bytes), key });
  }
}

function x25519(): Pick<CryptoProvider, 'generateKeyPair' | 'keyPairFromPrivateKey' | 'dh'> {
  const privateKeys = new KeyObjectCache(privateKeyObject);
  const publicKeys = new KeyObjectCache(publicKeyObject);
  const keyPairOf = (privateKey: Uint8Array, privateKeyObject: KeyObject): KeyPair => {
    privateKeys.remember(privateKey, privateKeyObject);
    return { publicKey: rawKeys(privateKeyObject).x, privateKey };
  };
  return {
    generateKeyPair() {
      const { privateKey } = generateKeyPairSync('x25519');
      const { d, x } = rawKeys(privateKey);
      privateKeys.remember(d, privateKey);
      return { publicKey: x, privateKey: d };
    },
    keyPairFromPrivateKey(privateKey) {
      if (privateKey.length !== X25519_KEY_BYTES) {
        throw new RangeError('X25519 private key: 32 bytes');
      }
      const copy = new Uint8Array(privateKey);
      return keyPairOf(copy, privateKeyObject(copy));
    },
    dh(privateKey, publicKey) {
      if (privateKey.length !== X25519_KEY_BYTES || publicKey.length !== X25519_KEY_BYTES) {
        return undefined;
      }
      try {
        const shared = diffieHellman({
          privateKey: privateKeys.get(privateKey),
          publicKey: publicKeys.get(publicKey),
        });
        return isAllZero(shared) ? undefined : new Uint8Array(shared);
      } catch {
        // OpenSSL and BoringSSL refuse low-order points ("failed during derivation"): same answer.
        return undefined;
      }
    },
  };
}

/**
 * Ed25519 (RFC 8032) through KeyObjects: the own seed is imported once, and the public keys of
 * the people whose signatures are checked are kept in a bounded map by their hex.
 */
function ed25519(): Pick<
  CryptoProvider,
  'generateSigningKeyPair' | 'signingKeyPairFromSeed' | 'sign' | 'verify'
> {
  const seeds = new KeyObjectCache((seed) =>
    quietly(() =>
      createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      }),
    ),
  );
  const publicKeys = new Map<string, KeyObject>();
  const publicKeyOf = (key: Uint8Array): KeyObject => {
    const id = Buffer.from(key).toString('hex');
    let object = publicKeys.get(id);
    if (object === undefined) {
      const x = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64url');
      object = quietly(() =>
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }),
      );
      if (publicKeys.size >= MAX_CACHED_VERIFY_KEYS) publicKeys.clear();
      publicKeys.set(id, object);
    }
    return object;
  };
  const keyPairOf = (seed: Uint8Array): KeyPair => {
    if (seed.length !== ED25519_KEY_BYTES) throw new RangeError('Ed25519 seed: 32 bytes');
    const copy = new Uint8Array(seed);
    const jwk = seeds.get(copy).export({ format: 'jwk' });
    return { publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')), privateKey: copy };
  };
  return {
    generateSigningKeyPair: () => keyPairOf(plain(randomBytes(ED25519_KEY_BYTES))),
    signingKeyPairFromSeed: keyPairOf,
    sign(seed, message) {
      if (seed.length !== ED25519_KEY_BYTES) throw new RangeError('Ed25519 seed: 32 bytes');
      return plain(nodeSign(null, message, seeds.get(seed)));
    },
    verify(publicKey, message, signature) {
      if (publicKey.length !== ED25519_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES)
        return false;
      try {
        return nodeVerify(null, message, publicKeyOf(publicKey), signature);
      } catch {
        // A public key that is no point on the curve does not import: no signature is valid.
        return false;
      }
    },
  };
}

/** AES-256-GCM with the key held in a KeyObject: createCipheriv with a raw Buffer key re-imports it every call. */
function aesGcm(key: Uint8Array): AeadKey {
  if (key.length !== AES_KEY_BYTES) throw new RangeError('AES-256-GCM key: 32 bytes');
  const keyObject = createSecretKey(key);
  const sealParts = (
    nonce: Uint8Array,
    associatedData: Uint8Array,
    plaintext: Uint8Array,
  ): readonly [Uint8Array, Uint8Array] => {
    if (nonce.length !== AEAD_NONCE_BYTES) throw new RangeError('AES-GCM nonce: 12 bytes');
    const cipher = createCipheriv('aes-256-gcm', keyObject, nonce, {
      authTagLength: AEAD_TAG_BYTES,
    });
    cipher.setAAD(associatedData);
    const body = cipher.update(plaintext);
    const tail = cipher.final(); // empty for GCM, which is a stream mode
    return [tail.length === 0 ? body : Buffer.concat([body, tail]), cipher.getAuthTag()];
  };
  return {
    seal(nonce, associatedData, plaintext, prefix) {
      // A GCM cipher object takes one nonce (node has no re-init), so one per record; the
      // output is written once into its final array (docs/BENCHMARKS.md, "Crypto per record").
      const [body, tag] = sealParts(nonce, associatedData, plaintext);
      const start = prefix?.length ?? 0;
      const out = new Uint8Array(start + body.length + tag.length);
      if (prefix !== undefined) out.set(prefix);
      out.set(body, start);
      out.set(tag, start + body.length);
      return out;
    },
    sealParts,
    open(nonce, associatedData, ciphertext) {
      if (nonce.length !== AEAD_NONCE_BYTES || ciphertext.length < AEAD_TAG_BYTES) return undefined;
      const split = ciphertext.length - AEAD_TAG_BYTES;
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyObject, nonce, {
          authTagLength: AEAD_TAG_BYTES,
        });
        decipher.setAAD(associatedData);
        decipher.setAuthTag(ciphertext.subarray(split));
        const body = decipher.update(ciphertext.subarray(0, split));
        // final() throws when the tag does not verify; the plaintext is released only after it.
        const tail = decipher.final();
        return plain(tail.length === 0 ? body : Buffer.concat([body, tail]));
      } catch {
        return undefined;
      }
    },
  };
}

export function createNodeCryptoProvider(): CryptoProvider {
  return {
    ...x25519(),
    ...ed25519(),
    aesGcm,
    sha256: (data) => plain(createHash('sha256').update(data).digest()),
    sha512: (data) => plain(createHash('sha512').update(data).digest()),
    hmacSha256: (key, data) =>
      plain(
        quietly(() => createHmac('sha256', key))
          .update(data)
          .digest(),
      ),
    hkdfSha256: (salt, ikm, info, length) =>
      new Uint8Array(quietly(() => hkdfSync('sha256', ikm, salt, info, length))),
    randomBytes: (length) => plain(randomBytes(length)),
  };
}

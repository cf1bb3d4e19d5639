/**
 * CryptoProvider over `node:crypto`: OpenSSL under plain Node, BoringSSL inside Electron. Only
 * primitives BoringSSL has are used (no ChaCha20-Poly1305). X25519 keys cross the API as raw 32
 * bytes and are wrapped in the fixed DER prefixes of RFC 8410 to become KeyObjects.
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
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { isAllZero, plain } from './bytes';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  AES_KEY_BYTES,
  X25519_KEY_BYTES,
  type AeadKey,
  type CryptoProvider,
  type KeyPair,
} from './primitives';

/** RFC 8410 PKCS#8 PrivateKeyInfo for X25519 (OID 1.3.101.110), up to the 32 key bytes. */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** RFC 8410 SubjectPublicKeyInfo for X25519, up to the 32 key bytes. */
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, privateKey]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_X25519_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_X25519_PREFIX.length));
}

function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  if (privateKey.length !== X25519_KEY_BYTES) throw new RangeError('X25519 private key: 32 bytes');
  const copy = new Uint8Array(privateKey);
  return { publicKey: rawPublicKey(privateKeyObject(copy)), privateKey: copy };
}

function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  if (privateKey.length !== X25519_KEY_BYTES || publicKey.length !== X25519_KEY_BYTES) {
    return undefined;
  }
  try {
    const shared = diffieHellman({
      privateKey: privateKeyObject(privateKey),
      publicKey: publicKeyObject(publicKey),
    });
    return isAllZero(shared) ? undefined : new Uint8Array(shared);
  } catch {
    // OpenSSL and BoringSSL refuse low-order points ("failed during derivation"): same answer.
    return undefined;
  }
}

/** AES-256-GCM with the key held in a KeyObject: createCipheriv with a raw Buffer key re-imports it every call. */
function aesGcm(key: Uint8Array): AeadKey {
  if (key.length !== AES_KEY_BYTES) throw new RangeError('AES-256-GCM key: 32 bytes');
  const keyObject = createSecretKey(key);
  return {
    seal(nonce, associatedData, plaintext) {
      if (nonce.length !== AEAD_NONCE_BYTES) throw new RangeError('AES-GCM nonce: 12 bytes');
      const cipher = createCipheriv('aes-256-gcm', keyObject, nonce, {
        authTagLength: AEAD_TAG_BYTES,
      });
      cipher.setAAD(associatedData);
      const body = cipher.update(plaintext);
      const tail = cipher.final();
      return plain(Buffer.concat([body, tail, cipher.getAuthTag()]));
    },
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
    generateKeyPair: () => keyPairFromPrivateKey(randomBytes(X25519_KEY_BYTES)),
    keyPairFromPrivateKey,
    dh,
    aesGcm,
    sha256: (data) => plain(createHash('sha256').update(data).digest()),
    sha512: (data) => plain(createHash('sha512').update(data).digest()),
    hmacSha256: (key, data) => plain(createHmac('sha256', key).update(data).digest()),
    hkdfSha256: (salt, ikm, info, length) =>
      new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
    randomBytes: (length) => plain(randomBytes(length)),
  };
}

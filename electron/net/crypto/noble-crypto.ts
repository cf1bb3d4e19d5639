/**
 * CryptoProvider over the audited pure-JS `@noble/*` libraries: the fallback for any primitive
 * whose `node:crypto` version is missing or fails the start-up self-test. Slower (see
 * docs/CRYPTO.md, "Benchmarks"), but the same bytes in and out.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, isAllZero } from './bytes';
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

function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  if (privateKey.length !== X25519_KEY_BYTES) throw new RangeError('X25519 private key: 32 bytes');
  const copy = new Uint8Array(privateKey);
  return { publicKey: x25519.getPublicKey(copy), privateKey: copy };
}

function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  if (privateKey.length !== X25519_KEY_BYTES || publicKey.length !== X25519_KEY_BYTES) {
    return undefined;
  }
  try {
    const shared = x25519.getSharedSecret(privateKey, publicKey);
    return isAllZero(shared) ? undefined : shared;
  } catch {
    // noble rejects low-order public keys by throwing; the interface says undefined.
    return undefined;
  }
}

function signingKeyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.length !== ED25519_KEY_BYTES) throw new RangeError('Ed25519 seed: 32 bytes');
  const copy = new Uint8Array(seed);
  return { publicKey: ed25519.getPublicKey(copy), privateKey: copy };
}

function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES)
    return false;
  try {
    // zip215: false is RFC 8032's strict rule, which node:crypto (OpenSSL, BoringSSL) applies too.
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    // noble throws on a public key that is no point on the curve; the interface says false.
    return false;
  }
}

function aesGcm(key: Uint8Array): AeadKey {
  if (key.length !== AES_KEY_BYTES) throw new RangeError('AES-256-GCM key: 32 bytes');
  const copy = new Uint8Array(key);
  return {
    seal(nonce, associatedData, plaintext, prefix) {
      if (nonce.length !== AEAD_NONCE_BYTES) throw new RangeError('AES-GCM nonce: 12 bytes');
      const sealed = gcm(copy, nonce, associatedData).encrypt(plaintext);
      return prefix === undefined ? sealed : concatBytes(prefix, sealed);
    },
    open(nonce, associatedData, ciphertext) {
      if (nonce.length !== AEAD_NONCE_BYTES || ciphertext.length < AEAD_TAG_BYTES) return undefined;
      try {
        return gcm(copy, nonce, associatedData).decrypt(ciphertext);
      } catch {
        // noble throws on a tag mismatch; the interface says undefined.
        return undefined;
      }
    },
  };
}

export function createNobleCryptoProvider(): CryptoProvider {
  return {
    generateKeyPair: () => keyPairFromPrivateKey(randomBytes(X25519_KEY_BYTES)),
    keyPairFromPrivateKey,
    dh,
    aesGcm,
    sha256: (data) => sha256(data),
    sha512: (data) => sha512(data),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    hkdfSha256: (salt, ikm, info, length) => hkdf(sha256, ikm, salt, info, length),
    randomBytes: (length) => randomBytes(length),
    generateSigningKeyPair: () => signingKeyPairFromSeed(randomBytes(ED25519_KEY_BYTES)),
    signingKeyPairFromSeed,
    sign: (seed, message) => {
      if (seed.length !== ED25519_KEY_BYTES) throw new RangeError('Ed25519 seed: 32 bytes');
      return ed25519.sign(message, seed);
    },
    verify,
  };
}

/**
 * Long-term identity: an X25519 key pair per profile, and what is derived from its public key.
 * The node id is self-certifying (like Syncthing's device ids): the first 16 bytes of
 * SHA-256(publicKey) as 32 lower-case hex digits, the v1 id format, so nothing else changes. The
 * fingerprint is the whole SHA-256 in groups of four, so the node id is its first eight groups.
 * docs/CRYPTO.md, "Identity".
 */
import { NODE_ID_HEX_LENGTH } from '../../../shared/protocol/constants';
import { constantTimeEqual, fromHex, toHex } from './bytes';
import { SHORT_FINGERPRINT_HEX } from '../../../shared/names';
import {
  ED25519_KEY_BYTES,
  X25519_KEY_BYTES,
  type CryptoProvider,
  type KeyPair,
} from './primitives';

export const IDENTITY_FORMAT_VERSION = 1;
export const IDENTITY_KEY_TYPE = 'x25519';
export const SIGNING_KEY_TYPE = 'ed25519';

type Hasher = Pick<CryptoProvider, 'sha256'>;

/** The JSON-safe form of a key pair (the identity file stores this object). */
export interface SerializedIdentity {
  readonly version: typeof IDENTITY_FORMAT_VERSION;
  readonly type: typeof IDENTITY_KEY_TYPE;
  /** 64 lower-case hex digits. */
  readonly publicKey: string;
  /** 64 lower-case hex digits. Secret. */
  readonly privateKey: string;
}

/** The JSON-safe form of the Ed25519 signing key pair (group messages are signed with it). */
export interface SerializedSigningKey {
  readonly version: typeof IDENTITY_FORMAT_VERSION;
  readonly type: typeof SIGNING_KEY_TYPE;
  /** 64 lower-case hex digits. */
  readonly publicKey: string;
  /** The 32-byte seed, 64 lower-case hex digits. Secret. */
  readonly privateKey: string;
}

export type IdentityErrorCode =
  | 'not-an-object'
  | 'unsupported-version'
  | 'wrong-type'
  | 'bad-public-key'
  | 'bad-private-key'
  | 'key-mismatch';

export type ParseIdentityResult =
  | { readonly ok: true; readonly keyPair: KeyPair }
  | { readonly ok: false; readonly code: IdentityErrorCode; readonly message: string };

export function generateIdentity(provider: Pick<CryptoProvider, 'generateKeyPair'>): KeyPair {
  return provider.generateKeyPair();
}

/** The 32-hex node id of a public key. Throws RangeError on a wrong key length. */
export function nodeIdOf(publicKey: Uint8Array, provider: Hasher): string {
  return fingerprintHex(publicKey, provider).slice(0, NODE_ID_HEX_LENGTH);
}

/** Whether `nodeId` is the id of `publicKey`: the check every authenticated peer must pass. */
export function isNodeIdOf(nodeId: string, publicKey: Uint8Array, provider: Hasher): boolean {
  return publicKey.length === X25519_KEY_BYTES && nodeId === nodeIdOf(publicKey, provider);
}

/** SHA-256(publicKey) as 16 groups of 4 lower-case hex digits, e.g. "3f9a 01bc …". */
export function fingerprintOf(publicKey: Uint8Array, provider: Hasher): string {
  return fingerprintHex(publicKey, provider).replace(/(.{4})(?!$)/g, '$1 ');
}

/**
 * The first six hex digits of the fingerprint: tells two contacts called "alice" apart at a
 * glance. Not a security check (24 bits can be ground out); the safety number is.
 */
export function shortFingerprintOf(publicKey: Uint8Array, provider: Hasher): string {
  return fingerprintHex(publicKey, provider).slice(0, SHORT_FINGERPRINT_HEX);
}

export function serializeIdentity(keyPair: KeyPair): SerializedIdentity {
  return {
    version: IDENTITY_FORMAT_VERSION,
    type: IDENTITY_KEY_TYPE,
    publicKey: toHex(keyPair.publicKey),
    privateKey: toHex(keyPair.privateKey),
  };
}

/**
 * Validates a stored identity: shape, version, exact 32-byte lower-case hex keys, and that the
 * public key really belongs to the private key (a damaged file must not yield a wrong identity).
 */
export function parseIdentity(
  value: unknown,
  provider: Pick<CryptoProvider, 'keyPairFromPrivateKey'>,
): ParseIdentityResult {
  if (typeof value !== 'object' || value === null) return fail('not-an-object', 'not an object');
  const record = value as Readonly<Record<string, unknown>>;
  if (record.version !== IDENTITY_FORMAT_VERSION) {
    return fail('unsupported-version', `version ${String(record.version)}`);
  }
  if (record.type !== IDENTITY_KEY_TYPE) return fail('wrong-type', `type ${String(record.type)}`);
  const publicKey = keyFromHex(record.publicKey);
  if (publicKey === undefined) return fail('bad-public-key', 'publicKey: 64 lower-case hex digits');
  const privateKey = keyFromHex(record.privateKey);
  if (privateKey === undefined)
    return fail('bad-private-key', 'privateKey: 64 lower-case hex digits');
  const derived = provider.keyPairFromPrivateKey(privateKey);
  if (!constantTimeEqual(derived.publicKey, publicKey)) {
    return fail('key-mismatch', 'publicKey does not belong to privateKey');
  }
  return { ok: true, keyPair: { publicKey, privateKey } };
}

export function serializeSigningKey(keyPair: KeyPair): SerializedSigningKey {
  return {
    version: IDENTITY_FORMAT_VERSION,
    type: SIGNING_KEY_TYPE,
    publicKey: toHex(keyPair.publicKey),
    privateKey: toHex(keyPair.privateKey),
  };
}

/** Validates a stored signing key like parseIdentity(): shape, 32-byte keys, and that they match. */
export function parseSigningKey(
  value: unknown,
  provider: Pick<CryptoProvider, 'signingKeyPairFromSeed'>,
): ParseIdentityResult {
  if (typeof value !== 'object' || value === null) return fail('not-an-object', 'not an object');
  const record = value as Readonly<Record<string, unknown>>;
  if (record.version !== IDENTITY_FORMAT_VERSION) {
    return fail('unsupported-version', `version ${String(record.version)}`);
  }
  if (record.type !== SIGNING_KEY_TYPE) return fail('wrong-type', `type ${String(record.type)}`);
  const publicKey = keyFromHex(record.publicKey, ED25519_KEY_BYTES);
  if (publicKey === undefined) return fail('bad-public-key', 'publicKey: 64 lower-case hex digits');
  const seed = keyFromHex(record.privateKey, ED25519_KEY_BYTES);
  if (seed === undefined) return fail('bad-private-key', 'privateKey: 64 lower-case hex digits');
  if (!constantTimeEqual(provider.signingKeyPairFromSeed(seed).publicKey, publicKey)) {
    return fail('key-mismatch', 'publicKey does not belong to privateKey');
  }
  return { ok: true, keyPair: { publicKey, privateKey: seed } };
}

function fingerprintHex(publicKey: Uint8Array, provider: Hasher): string {
  if (publicKey.length !== X25519_KEY_BYTES) throw new RangeError('X25519 public key: 32 bytes');
  return toHex(provider.sha256(publicKey));
}

function keyFromHex(value: unknown, length = X25519_KEY_BYTES): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = fromHex(value);
  return bytes?.length === length ? bytes : undefined;
}

function fail(code: IdentityErrorCode, message: string): ParseIdentityResult {
  return { ok: false, code, message };
}

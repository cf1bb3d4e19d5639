/**
 * Start-up known-answer self-test and provider selection. Every primitive is checked against a
 * published vector (known-answers.ts); `node:crypto` is used for each one that passes and
 * `@noble/*` for each one that fails or is missing; then the chosen mix must reproduce a full
 * Noise_XX_25519_AESGCM_SHA256 vector byte for byte. docs/CRYPTO.md, "Self-test".
 */
import { constantTimeEqual, isAllZero } from './bytes';
import {
  CACOPHONY_XX_AESGCM_SHA256,
  GCM_CASE_16,
  RFC4231_CASE_2,
  RFC5869_CASE_1,
  RFC7748_X25519,
  RFC8032_ED25519,
  SHA_ABC,
} from './known-answers';
import { createNodeCryptoProvider } from './node-crypto';
import { checkNoiseVector } from './noise-vector';
import { composeProvider, PRIMITIVES, type CryptoProvider, type PrimitiveName } from './primitives';

export type ProviderSource = 'node' | 'noble';

export interface PrimitiveChoice {
  readonly primitive: PrimitiveName | 'noise-xx';
  readonly source: ProviderSource;
  /** Why this source: "known answers match", or what the node:crypto version got wrong. */
  readonly reason: string;
}

export interface ProviderSelection {
  readonly provider: CryptoProvider;
  readonly choices: readonly PrimitiveChoice[];
}

/** Neither implementation passes: protocol v2 must not run on this machine. */
export class SelfTestError extends Error {
  override readonly name = 'SelfTestError';
  readonly code = 'self-test-failed';
}

/**
 * A node:crypto primitive failed and no @noble provider was given: the caller loads @noble
 * (`import('./noble-crypto')`, default-provider.ts) and selects again. @noble is loaded only then,
 * so a machine whose node:crypto passes never evaluates it.
 */
export class FallbackNotLoadedError extends Error {
  override readonly name = 'FallbackNotLoadedError';
  readonly code = 'fallback-not-loaded';
}

export interface SelectOptions {
  /** Replaces `node:crypto` (tests inject a broken or partial one). */
  readonly node?: Partial<CryptoProvider>;
  /** The `@noble/*` provider; without it a failing node:crypto primitive throws FallbackNotLoadedError. */
  readonly noble?: Partial<CryptoProvider>;
}

type Check = (provider: CryptoProvider) => string | undefined;

const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && constantTimeEqual(a, b);

const CHECKS: { readonly [P in PrimitiveName]: Check } = {
  random(p) {
    const a = p.randomBytes(32);
    const b = p.randomBytes(32);
    if (a.length !== 32 || p.randomBytes(0).length !== 0) return 'wrong length';
    return isAllZero(a) || constantTimeEqual(a, b) ? 'output repeats' : undefined;
  },
  sha256: (p) => (same(p.sha256(SHA_ABC.message), SHA_ABC.sha256) ? undefined : 'SHA-256("abc")'),
  sha512: (p) => (same(p.sha512(SHA_ABC.message), SHA_ABC.sha512) ? undefined : 'SHA-512("abc")'),
  'hmac-sha256': (p) =>
    same(p.hmacSha256(RFC4231_CASE_2.key, RFC4231_CASE_2.data), RFC4231_CASE_2.mac)
      ? undefined
      : 'RFC 4231 case 2',
  'hkdf-sha256': (p) => {
    const { salt, ikm, info, length, okm } = RFC5869_CASE_1;
    return same(p.hkdfSha256(salt, ikm, info, length), okm) ? undefined : 'RFC 5869 case 1';
  },
  x25519: checkX25519,
  'aes-256-gcm': checkAesGcm,
  ed25519: checkEd25519,
};

function checkEd25519(p: CryptoProvider): string | undefined {
  for (const [index, v] of RFC8032_ED25519.entries()) {
    const test = `RFC 8032 test ${String(index + 1)}`;
    if (!same(p.signingKeyPairFromSeed(v.seed).publicKey, v.publicKey)) return `${test} public key`;
    if (!same(p.sign(v.seed, v.message), v.signature)) return `${test} signature`;
    if (!p.verify(v.publicKey, v.message, v.signature)) return `${test} does not verify`;
    const forged = new Uint8Array(v.signature);
    forged[0] = (forged[0] ?? 0) ^ 1;
    if (p.verify(v.publicKey, v.message, forged)) return `${test}: accepts a forged signature`;
    if (p.verify(v.publicKey, new Uint8Array([...v.message, 0]), v.signature))
      return `${test}: accepts another message`;
  }
  const fresh = p.generateSigningKeyPair();
  const message = new Uint8Array([1, 2, 3]);
  if (!same(p.signingKeyPairFromSeed(fresh.privateKey).publicKey, fresh.publicKey))
    return 'generated key pair does not match its seed';
  return p.verify(fresh.publicKey, message, p.sign(fresh.privateKey, message))
    ? undefined
    : 'generated key pair does not verify its own signature';
}

function checkX25519(p: CryptoProvider): string | undefined {
  const v = RFC7748_X25519;
  if (!same(p.keyPairFromPrivateKey(v.alicePrivate).publicKey, v.alicePublic))
    return 'Alice public';
  if (!same(p.keyPairFromPrivateKey(v.bobPrivate).publicKey, v.bobPublic)) return 'Bob public';
  if (!same(p.dh(v.alicePrivate, v.bobPublic), v.shared)) return 'RFC 7748 shared secret (Alice)';
  if (!same(p.dh(v.bobPrivate, v.alicePublic), v.shared)) return 'RFC 7748 shared secret (Bob)';
  if (p.dh(v.alicePrivate, new Uint8Array(32)) !== undefined) return 'accepts a low-order point';
  const fresh = p.generateKeyPair();
  if (!same(p.keyPairFromPrivateKey(fresh.privateKey).publicKey, fresh.publicKey)) {
    return 'generated key pair does not match its private key';
  }
  const ours = p.dh(fresh.privateKey, v.alicePublic);
  const theirs = p.dh(v.alicePrivate, fresh.publicKey);
  return theirs !== undefined && same(ours, theirs)
    ? undefined
    : 'generated key pair does not agree';
}

function checkAesGcm(p: CryptoProvider): string | undefined {
  const v = GCM_CASE_16;
  const key = p.aesGcm(v.key);
  if (!same(key.seal(v.nonce, v.associatedData, v.plaintext), v.sealed)) return 'GCM case 16 seal';
  if (!same(key.open(v.nonce, v.associatedData, v.sealed), v.plaintext)) return 'GCM case 16 open';
  const forged = new Uint8Array(v.sealed);
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
  if (key.open(v.nonce, v.associatedData, forged) !== undefined) return 'accepts a forged tag';
  if (key.open(v.nonce, new Uint8Array(0), v.sealed) !== undefined)
    return 'ignores associated data';
  return key.open(v.nonce, v.associatedData, v.sealed.subarray(0, 15)) === undefined
    ? undefined
    : 'accepts a short ciphertext';
}

/** The known-answer result for one primitive: undefined when it passes. Never throws. */
export function checkPrimitive(
  provider: CryptoProvider,
  primitive: PrimitiveName,
): string | undefined {
  try {
    return CHECKS[primitive](provider);
  } catch (error) {
    return `threw: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Every primitive, then the Noise vector, on one provider: the failures (empty when all pass). */
export function runSelfTest(provider: CryptoProvider): readonly string[] {
  const failures: string[] = [];
  for (const primitive of PRIMITIVES) {
    const failure = checkPrimitive(provider, primitive);
    if (failure !== undefined) failures.push(`${primitive}: ${failure}`);
  }
  const noise = checkNoiseVector(provider, CACOPHONY_XX_AESGCM_SHA256);
  if (noise !== undefined) failures.push(`noise-xx: ${noise}`);
  return failures;
}

/**
 * The provider protocol v2 should use on this machine, and why. Logs one line per primitive.
 * Throws SelfTestError only when a primitive works in neither implementation, and
 * FallbackNotLoadedError when one fails in node:crypto and `options.noble` is missing.
 */
export function selectProvider(
  log: (message: string) => void,
  options: SelectOptions = {},
): ProviderSelection {
  const node = complete(options.node ?? tryCreate(createNodeCryptoProvider), 'node:crypto');
  const fallback = options.noble === undefined ? undefined : complete(options.noble, '@noble');
  const noble = (reason: string): CryptoProvider => {
    if (fallback === undefined) throw new FallbackNotLoadedError(reason);
    return fallback;
  };
  const choices = PRIMITIVES.map((primitive) => choose(primitive, node, noble));
  const sources = Object.fromEntries(
    choices.map(({ primitive, source }) => [
      primitive,
      source === 'node' ? node : noble(`${primitive} from @noble`),
    ]),
  ) as { readonly [P in PrimitiveName]: CryptoProvider };
  let selection: ProviderSelection = { provider: composeProvider(sources), choices };
  const mixed = checkNoiseVector(selection.provider, CACOPHONY_XX_AESGCM_SHA256);
  if (mixed === undefined) {
    selection = { ...selection, choices: [...choices, noiseChoice('node', 'vector matches')] };
  } else {
    const reason = `noise vector failed with the chosen mix: ${mixed}`;
    selection = allNoble(noble(reason), reason);
  }
  for (const { primitive, source, reason } of selection.choices) {
    log(`crypto: ${primitive} from ${source === 'node' ? 'node:crypto' : '@noble'} (${reason})`);
  }
  return selection;
}

function choose(
  primitive: PrimitiveName,
  node: CryptoProvider,
  noble: (reason: string) => CryptoProvider,
): PrimitiveChoice {
  const nodeFailure = checkPrimitive(node, primitive);
  if (nodeFailure === undefined)
    return { primitive, source: 'node', reason: 'known answers match' };
  const nobleFailure = checkPrimitive(noble(`${primitive}: ${nodeFailure}`), primitive);
  if (nobleFailure !== undefined) {
    throw new SelfTestError(
      `${primitive} fails in node:crypto (${nodeFailure}) and @noble (${nobleFailure})`,
    );
  }
  return { primitive, source: 'noble', reason: `node:crypto: ${nodeFailure}` };
}

function allNoble(noble: CryptoProvider, reason: string): ProviderSelection {
  const failure = checkNoiseVector(noble, CACOPHONY_XX_AESGCM_SHA256);
  if (failure !== undefined)
    throw new SelfTestError(`noise vector fails with @noble too: ${failure}`);
  const choices = PRIMITIVES.map((primitive) => ({ primitive, source: 'noble' as const, reason }));
  return { provider: noble, choices: [...choices, noiseChoice('noble', 'vector matches')] };
}

function noiseChoice(source: ProviderSource, reason: string): PrimitiveChoice {
  return { primitive: 'noise-xx', source, reason };
}

function tryCreate(create: () => CryptoProvider): Partial<CryptoProvider> {
  try {
    return create();
  } catch {
    // A runtime without node:crypto: every primitive is "missing" and falls back below.
    return {};
  }
}

/** Missing methods become ones that throw, so the check reports "missing" instead of crashing. */
function complete(partial: Partial<CryptoProvider>, name: string): CryptoProvider {
  const missing = (method: string) => () => {
    throw new Error(`${name} has no ${method}`);
  };
  return {
    generateKeyPair: partial.generateKeyPair ?? missing('generateKeyPair'),
    keyPairFromPrivateKey: partial.keyPairFromPrivateKey ?? missing('keyPairFromPrivateKey'),
    dh: partial.dh ?? missing('dh'),
    aesGcm: partial.aesGcm ?? missing('aesGcm'),
    sha256: partial.sha256 ?? missing('sha256'),
    sha512: partial.sha512 ?? missing('sha512'),
    hmacSha256: partial.hmacSha256 ?? missing('hmacSha256'),
    hkdfSha256: partial.hkdfSha256 ?? missing('hkdfSha256'),
    randomBytes: partial.randomBytes ?? missing('randomBytes'),
    generateSigningKeyPair: partial.generateSigningKeyPair ?? missing('generateSigningKeyPair'),
    signingKeyPairFromSeed: partial.signingKeyPairFromSeed ?? missing('signingKeyPairFromSeed'),
    sign: partial.sign ?? missing('sign'),
    verify: partial.verify ?? missing('verify'),
  };
}

/**
 * The Noise CipherState and SymmetricState objects (Noise Protocol Framework rev 34, sections
 * 5.1 and 5.2) for the AESGCM cipher and the SHA256 hash. HandshakeState is in noise.ts.
 */
import { concatBytes } from './bytes';
import { AEAD_TAG_BYTES, noiseHkdf, type AeadKey, type CryptoProvider } from './primitives';

/** Largest Noise message (rev 34 section 3). */
export const NOISE_MAX_MESSAGE_BYTES = 65_535;
/** n = 2^64 - 1 is reserved (rev 34 section 5.1): a CipherState refuses to use it. */
export const NOISE_RESERVED_NONCE = 2n ** 64n - 1n;
const HASH_BYTES = 32;

export type NoiseErrorCode =
  /** readMessage/writeMessage called when it is the other one's turn, or after the end. */
  | 'out-of-turn'
  /** The handshake failed earlier; it is dead and must be discarded. */
  | 'failed'
  | 'too-short'
  | 'too-large'
  /** An AEAD tag did not verify (a forged, corrupted or mismatched message, or another prologue). */
  | 'decrypt-failed'
  /** DH gave all zeros: the remote sent a low-order X25519 point (rev 34 section 12.1). */
  | 'bad-public-key'
  | 'not-complete'
  | 'already-split'
  | 'nonce-exhausted'
  | 'invalid-argument';

/** A Noise failure. Thrown only for caller bugs; failures a peer can cause are returned as values. */
export class NoiseError extends Error {
  override readonly name = 'NoiseError';
  constructor(
    readonly code: NoiseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The AESGCM nonce for counter n: 32 zero bits, then n as 64-bit big-endian (rev 34 section 12.4). */
export function noiseNonce(n: bigint): Uint8Array {
  return writeNonce(new Uint8Array(12), n);
}

/** Writes nonce n into `into` (12 bytes, the first 4 zero); returns it. */
function writeNonce(into: Uint8Array, n: bigint): Uint8Array {
  const high = Number(n >> 32n);
  const low = Number(n & 0xffff_ffffn);
  into[4] = high >>> 24;
  into[5] = (high >>> 16) & 0xff;
  into[6] = (high >>> 8) & 0xff;
  into[7] = high & 0xff;
  into[8] = low >>> 24;
  into[9] = (low >>> 16) & 0xff;
  into[10] = (low >>> 8) & 0xff;
  into[11] = low & 0xff;
  return into;
}

/** A key `k` (possibly empty) and a 64-bit nonce `n` (rev 34 section 5.1). */
export class CipherState {
  private key: AeadKey | undefined;
  private n = 0n;
  /** Reused for every record: both AEAD implementations read the nonce only during the call. */
  private readonly nonceBytes = new Uint8Array(12);

  constructor(provider: Pick<CryptoProvider, 'aesGcm'>, key?: Uint8Array) {
    this.key = key === undefined ? undefined : provider.aesGcm(key);
  }

  hasKey(): boolean {
    return this.key !== undefined;
  }

  /** The nonce the next encryption or decryption will use. */
  get nonce(): bigint {
    return this.n;
  }

  /** For out-of-order transport messages with an explicit counter (rev 34 section 11.4). */
  setNonce(n: bigint): void {
    if (n < 0n || n > NOISE_RESERVED_NONCE) throw new NoiseError('invalid-argument', 'nonce range');
    this.n = n;
  }

  /** Throws NoiseError('nonce-exhausted') once n reaches the reserved value. */
  encryptWithAd(
    associatedData: Uint8Array,
    plaintext: Uint8Array,
    prefix?: Uint8Array,
  ): Uint8Array {
    if (this.key === undefined) {
      return prefix === undefined ? plaintext : concatBytes(prefix, plaintext);
    }
    if (this.n >= NOISE_RESERVED_NONCE) throw new NoiseError('nonce-exhausted', 'nonce exhausted');
    const ciphertext = this.key.seal(
      writeNonce(this.nonceBytes, this.n),
      associatedData,
      plaintext,
      prefix,
    );
    this.n += 1n;
    return ciphertext;
  }

  /**
   * encryptWithAd with the ciphertext and tag apart (a transport record written as parts).
   * Only for a keyed state: transport records are always sealed.
   */
  encryptWithAdParts(
    associatedData: Uint8Array,
    plaintext: Uint8Array,
  ): readonly [Uint8Array, Uint8Array] {
    const key = this.key;
    if (key === undefined) throw new NoiseError('invalid-argument', 'no key');
    if (this.n >= NOISE_RESERVED_NONCE) throw new NoiseError('nonce-exhausted', 'nonce exhausted');
    const nonce = writeNonce(this.nonceBytes, this.n);
    let parts: readonly [Uint8Array, Uint8Array];
    if (key.sealParts !== undefined) parts = key.sealParts(nonce, associatedData, plaintext);
    else {
      const sealed = key.seal(nonce, associatedData, plaintext);
      const split = sealed.length - AEAD_TAG_BYTES;
      parts = [sealed.subarray(0, split), sealed.subarray(split)];
    }
    this.n += 1n;
    return parts;
  }

  /** The plaintext, or undefined on an authentication failure (then n is not incremented). */
  decryptWithAd(associatedData: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    if (this.key === undefined) return ciphertext;
    if (this.n >= NOISE_RESERVED_NONCE) return undefined;
    const plaintext = this.key.open(
      writeNonce(this.nonceBytes, this.n),
      associatedData,
      ciphertext,
    );
    if (plaintext !== undefined) this.n += 1n;
    return plaintext;
  }
}

/** A CipherState plus the chaining key `ck` and the handshake hash `h` (rev 34 section 5.2). */
export class SymmetricState {
  private readonly provider: CryptoProvider;
  private cipher: CipherState;
  private ck: Uint8Array;
  private h: Uint8Array;

  constructor(provider: CryptoProvider, protocolName: string) {
    this.provider = provider;
    const name = new TextEncoder().encode(protocolName);
    // InitializeSymmetric: a name of at most HASHLEN bytes is zero-padded, a longer one hashed.
    this.h =
      name.length <= HASH_BYTES
        ? concatBytes(name, new Uint8Array(HASH_BYTES - name.length))
        : provider.sha256(name);
    this.ck = new Uint8Array(this.h);
    this.cipher = new CipherState(provider);
  }

  /** The handshake hash h: a copy, so callers cannot change the state through it. */
  get handshakeHash(): Uint8Array {
    return new Uint8Array(this.h);
  }

  hasKey(): boolean {
    return this.cipher.hasKey();
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const [ck, tempKey] = noiseHkdf(this.provider, this.ck, inputKeyMaterial, 2);
    this.ck = ck;
    this.cipher = new CipherState(this.provider, tempKey);
    tempKey.fill(0);
  }

  mixHash(data: Uint8Array): void {
    this.h = this.provider.sha256(concatBytes(this.h, data));
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cipher.encryptWithAd(this.h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  /** The plaintext, or undefined when the tag does not verify (h is then left unchanged). */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array | undefined {
    const plaintext = this.cipher.decryptWithAd(this.h, ciphertext);
    if (plaintext !== undefined) this.mixHash(ciphertext);
    return plaintext;
  }

  /** The two transport CipherStates (initiator to responder, responder to initiator); wipes ck. */
  split(): readonly [CipherState, CipherState] {
    const [k1, k2] = noiseHkdf(this.provider, this.ck, new Uint8Array(0), 2);
    this.ck.fill(0);
    const pair = [new CipherState(this.provider, k1), new CipherState(this.provider, k2)] as const;
    k1.fill(0);
    k2.fill(0);
    return pair;
  }
}

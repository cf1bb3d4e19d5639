/**
 * Noise_XX_25519_AESGCM_SHA256 (Noise Protocol Framework rev 34, section 5.3 and pattern XX of
 * section 7.5):
 *
 *     -> e
 *     <- e, ee, s, es
 *     -> s, se
 *
 * Error rule (docs/CRYPTO.md, "Noise"): what a peer can cause is returned as a value
 * (`{ ok: false, code }`) and never thrown; a caller bug (writing out of turn, splitting twice, a
 * wrong key length) throws NoiseError. Any failed readMessage or writeMessage, except a call out
 * of turn, leaves the handshake `failed` for good: it must be discarded and a new one started.
 */
import { concatBytes } from './bytes';
import { X25519_KEY_BYTES, type CryptoProvider, type KeyPair } from './primitives';
import {
  CipherState,
  NOISE_MAX_MESSAGE_BYTES,
  NoiseError,
  SymmetricState,
  type NoiseErrorCode,
} from './noise-symmetric';

export { CipherState, NoiseError, SymmetricState, noiseNonce } from './noise-symmetric';
export type { NoiseErrorCode } from './noise-symmetric';

export const NOISE_PROTOCOL_NAME = 'Noise_XX_25519_AESGCM_SHA256';
/** The prologue PacketChat v2 uses: both sides must agree on it or message 2 fails to decrypt. */
export const PACKETCHAT_PROLOGUE: Uint8Array = new TextEncoder().encode('PacketChat v2');
const TAG_BYTES = 16;

type Token = 'e' | 's' | 'ee' | 'es' | 'se';
const XX_PATTERN: readonly (readonly Token[])[] = [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']];

export type Role = 'initiator' | 'responder';
/** What the handshake expects next. */
export type HandshakeStatus = 'write' | 'read' | 'complete' | 'failed';

export interface HandshakeOptions {
  readonly provider: CryptoProvider;
  readonly role: Role;
  /** This node's long-term identity key pair. */
  readonly staticKeyPair: KeyPair;
  /** Defaults to PACKETCHAT_PROLOGUE. */
  readonly prologue?: Uint8Array;
  /**
   * TEST VECTORS ONLY. A fixed ephemeral key makes two handshakes with the same peer derive the
   * same transport keys, which would reuse AES-GCM nonces. Production code never passes this.
   */
  readonly fixedEphemeralKeyPair?: KeyPair;
}

export type ReadCode = Exclude<
  NoiseErrorCode,
  'not-complete' | 'already-split' | 'invalid-argument'
>;
export type ReadResult =
  | { readonly ok: true; readonly payload: Uint8Array }
  | { readonly ok: false; readonly code: ReadCode };
export type WriteResult =
  | { readonly ok: true; readonly message: Uint8Array }
  | { readonly ok: false; readonly code: 'bad-public-key' };

/** The transport CipherStates of a finished handshake, per Noise's Split(). */
export interface SplitResult {
  readonly initiatorToResponder: CipherState;
  readonly responderToInitiator: CipherState;
}

/** Thrown inside the token loop to leave it; turned into a result value before it escapes. */
class PeerFault extends Error {
  constructor(readonly code: 'too-short' | 'decrypt-failed' | 'bad-public-key') {
    super(code);
  }
}

export class HandshakeState {
  readonly role: Role;
  private readonly provider: CryptoProvider;
  private readonly symmetric: SymmetricState;
  private readonly s: KeyPair;
  private readonly fixedEphemeral: KeyPair | undefined;
  private e: KeyPair | undefined;
  private re: Uint8Array | undefined;
  private rs: Uint8Array | undefined;
  private messageIndex = 0;
  private failed = false;
  private splitDone = false;

  constructor(options: HandshakeOptions) {
    checkKeyPair(options.staticKeyPair, 'static');
    if (options.fixedEphemeralKeyPair !== undefined) {
      checkKeyPair(options.fixedEphemeralKeyPair, 'ephemeral');
    }
    this.role = options.role;
    this.provider = options.provider;
    this.s = options.staticKeyPair;
    this.fixedEphemeral = options.fixedEphemeralKeyPair;
    this.symmetric = new SymmetricState(options.provider, NOISE_PROTOCOL_NAME);
    this.symmetric.mixHash(options.prologue ?? PACKETCHAT_PROLOGUE);
  }

  get status(): HandshakeStatus {
    if (this.failed) return 'failed';
    if (this.messageIndex >= XX_PATTERN.length) return 'complete';
    const initiatorWrites = this.messageIndex % 2 === 0;
    return initiatorWrites === (this.role === 'initiator') ? 'write' : 'read';
  }

  /** The peer's static public key: the initiator learns it from message 2, the responder from 3. */
  get remoteStaticKey(): Uint8Array | undefined {
    return this.rs === undefined ? undefined : new Uint8Array(this.rs);
  }

  /** The handshake hash h for channel binding (rev 34 section 11.2); only once complete. */
  get handshakeHash(): Uint8Array | undefined {
    return this.status === 'complete' ? this.symmetric.handshakeHash : undefined;
  }

  /** Next handshake message carrying `payload`. Throws NoiseError when it is not our turn. */
  writeMessage(payload: Uint8Array = new Uint8Array(0)): WriteResult {
    this.expect('write');
    const parts: Uint8Array[] = [];
    try {
      for (const token of this.currentPattern()) this.writeToken(token, parts);
      parts.push(this.symmetric.encryptAndHash(payload));
    } catch (error) {
      this.failed = true;
      if (error instanceof PeerFault && error.code === 'bad-public-key')
        return { ok: false, code: error.code };
      throw error;
    }
    const message = concatBytes(...parts);
    if (message.length > NOISE_MAX_MESSAGE_BYTES) {
      this.failed = true;
      throw new NoiseError('too-large', `handshake message of ${message.length} bytes`);
    }
    this.messageIndex += 1;
    return { ok: true, message };
  }

  /** Processes a handshake message from the network. Never throws. */
  readMessage(message: Uint8Array): ReadResult {
    const status = this.status;
    if (status === 'failed') return { ok: false, code: 'failed' };
    if (status !== 'read') return { ok: false, code: 'out-of-turn' };
    const result = this.read(message);
    if (result.ok) this.messageIndex += 1;
    else this.failed = true;
    return result;
  }

  /**
   * The transport CipherStates. Only once complete, and only once: the keys exist in exactly one
   * place, so two senders can never share a key (docs/CRYPTO.md, "Nonces").
   */
  split(): SplitResult {
    if (this.status !== 'complete')
      throw new NoiseError('not-complete', `handshake is ${this.status}`);
    if (this.splitDone) throw new NoiseError('already-split', 'split() may be called once');
    this.splitDone = true;
    const [initiatorToResponder, responderToInitiator] = this.symmetric.split();
    this.e?.privateKey.fill(0);
    return { initiatorToResponder, responderToInitiator };
  }

  private read(message: Uint8Array): ReadResult {
    if (message.length > NOISE_MAX_MESSAGE_BYTES) return { ok: false, code: 'too-large' };
    const reader = { message, offset: 0 };
    try {
      for (const token of this.currentPattern()) this.readToken(token, reader);
      const rest = message.subarray(reader.offset);
      if (this.symmetric.hasKey() && rest.length < TAG_BYTES) throw new PeerFault('too-short');
      const payload = this.symmetric.decryptAndHash(rest);
      if (payload === undefined) throw new PeerFault('decrypt-failed');
      return { ok: true, payload: new Uint8Array(payload) };
    } catch (error) {
      if (error instanceof PeerFault) return { ok: false, code: error.code };
      // Not a peer's doing, but readMessage promises not to throw; the handshake is dead anyway.
      return { ok: false, code: 'failed' };
    }
  }

  private writeToken(token: Token, parts: Uint8Array[]): void {
    switch (token) {
      case 'e': {
        this.e =
          this.fixedEphemeral === undefined
            ? this.provider.generateKeyPair()
            : copyKeyPair(this.fixedEphemeral);
        parts.push(this.e.publicKey);
        this.symmetric.mixHash(this.e.publicKey);
        return;
      }
      case 's':
        parts.push(this.symmetric.encryptAndHash(this.s.publicKey));
        return;
      default:
        this.mixDh(token);
    }
  }

  private readToken(token: Token, reader: { message: Uint8Array; offset: number }): void {
    switch (token) {
      case 'e': {
        this.re = take(reader, X25519_KEY_BYTES);
        this.symmetric.mixHash(this.re);
        return;
      }
      case 's': {
        const sealed = take(reader, X25519_KEY_BYTES + (this.symmetric.hasKey() ? TAG_BYTES : 0));
        const rs = this.symmetric.decryptAndHash(sealed);
        if (rs === undefined) throw new PeerFault('decrypt-failed');
        this.rs = new Uint8Array(rs);
        return;
      }
      default:
        this.mixDh(token);
    }
  }

  /** ee, es, se: which local and remote keys meet depends on the role (rev 34 section 5.3). */
  private mixDh(token: 'ee' | 'es' | 'se'): void {
    const initiator = this.role === 'initiator';
    const useEphemeral = token === 'ee' || (token === 'es' ? initiator : !initiator);
    const remoteEphemeral = token === 'ee' || (token === 'es' ? !initiator : initiator);
    const local = useEphemeral ? this.e : this.s;
    const remote = remoteEphemeral ? this.re : this.rs;
    if (local === undefined || remote === undefined)
      throw new NoiseError('failed', `${token} before its keys`);
    const shared = this.provider.dh(local.privateKey, remote);
    if (shared === undefined) throw new PeerFault('bad-public-key');
    this.symmetric.mixKey(shared);
    shared.fill(0);
  }

  private currentPattern(): readonly Token[] {
    return XX_PATTERN[this.messageIndex] ?? [];
  }

  private expect(action: 'write'): void {
    const status = this.status;
    if (status === action) return;
    const code = status === 'failed' ? 'failed' : 'out-of-turn';
    throw new NoiseError(code, `${this.role} cannot ${action} now: handshake is ${status}`);
  }
}

function take(reader: { message: Uint8Array; offset: number }, length: number): Uint8Array {
  if (reader.message.length - reader.offset < length) throw new PeerFault('too-short');
  // A copy, not a view: the key must not change if the caller reuses the datagram's buffer.
  const bytes = new Uint8Array(reader.message.subarray(reader.offset, reader.offset + length));
  reader.offset += length;
  return bytes;
}

function copyKeyPair(keyPair: KeyPair): KeyPair {
  return {
    publicKey: new Uint8Array(keyPair.publicKey),
    privateKey: new Uint8Array(keyPair.privateKey),
  };
}

function checkKeyPair(keyPair: KeyPair, which: string): void {
  if (
    keyPair.publicKey.length !== X25519_KEY_BYTES ||
    keyPair.privateKey.length !== X25519_KEY_BYTES
  ) {
    throw new NoiseError('invalid-argument', `${which} key pair: 32-byte X25519 keys`);
  }
}

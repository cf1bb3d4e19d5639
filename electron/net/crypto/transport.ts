/**
 * Sealed transport records after a Noise handshake, as WireGuard's data messages: per-direction
 * keys from Split(), an explicit 64-bit counter in every record (Noise rev 34 section 11.4), the
 * 13-byte header as associated data, and an RFC 6479 replay window on the receiving side.
 *
 * Nonce safety by construction (docs/CRYPTO.md, "Nonces"): a Sender exists only inside the
 * TransportSession that createTransport() builds from a completed HandshakeState, whose split()
 * works once; its counter starts at 0 and only grows; there is no way to make a Sender from key
 * bytes. A restart or a rekey is a new handshake with fresh ephemeral keys, hence new keys.
 */
import { ReplayWindow } from './replay-window';
import {
  REJECT_AFTER_MESSAGES,
  REJECT_AFTER_TIME_MS,
  REKEY_AFTER_MESSAGES,
  REKEY_AFTER_TIME_MS,
} from './limits';
import type { CipherState, HandshakeState, Role } from './noise';
import {
  decode,
  encodeTransportHeader,
  MAX_RECORD_INNER_BYTES,
  TRANSPORT_HEADER_BYTES,
} from './wire-format';

export {
  REJECT_AFTER_MESSAGES,
  REJECT_AFTER_TIME_MS,
  REKEY_AFTER_MESSAGES,
  REKEY_AFTER_TIME_MS,
  REPLAY_WINDOW_SIZE,
} from './limits';

export interface TransportLimits {
  readonly rekeyAfterMessages: bigint;
  readonly rejectAfterMessages: bigint;
  readonly rekeyAfterTimeMs: number;
  readonly rejectAfterTimeMs: number;
}

export const WIREGUARD_LIMITS: TransportLimits = {
  rekeyAfterMessages: REKEY_AFTER_MESSAGES,
  rejectAfterMessages: REJECT_AFTER_MESSAGES,
  rekeyAfterTimeMs: REKEY_AFTER_TIME_MS,
  rejectAfterTimeMs: REJECT_AFTER_TIME_MS,
};

export type SealResult =
  | { readonly ok: true; readonly record: Uint8Array; readonly counter: bigint }
  /** exhausted: the counter reached rejectAfterMessages; too-large: above MAX_RECORD_INNER_BYTES. */
  | { readonly ok: false; readonly code: 'exhausted' | 'too-large' };

export type OpenErrorCode =
  'malformed' | 'wrong-index' | 'replayed' | 'too-old' | 'over-limit' | 'auth-failed';

export type OpenResult =
  | { readonly ok: true; readonly inner: Uint8Array; readonly counter: bigint }
  | { readonly ok: false; readonly code: OpenErrorCode };

export type SealPartsResult =
  | {
      readonly ok: true;
      /** The record is `header`, `ciphertext` and `tag`, in this order. */
      readonly header: Uint8Array;
      readonly ciphertext: Uint8Array;
      readonly tag: Uint8Array;
      readonly counter: bigint;
    }
  | { readonly ok: false; readonly code: 'exhausted' | 'too-large' };

export interface Sender {
  /** The counter the next record will carry (= records sealed so far). */
  readonly counter: bigint;
  /** Seals one inner packet into a TRANSPORT record. A datagram fits MAX_DATAGRAM_INNER_BYTES. */
  seal(inner: Uint8Array): SealResult;
  /**
   * The same record in its three parts, for a writer that sends them as one (a TCP frame):
   * nothing is copied to join them. The same counter rules as `seal`.
   */
  sealParts(inner: Uint8Array): SealPartsResult;
}

export interface Receiver {
  /** Opens one TRANSPORT record from the network. Never throws. */
  open(record: Uint8Array): OpenResult;
}

export interface TransportSession {
  readonly role: Role;
  readonly localIndex: number;
  readonly remoteIndex: number;
  readonly remoteStaticKey: Uint8Array;
  /** Noise's handshake hash: identical on both sides, unique per session (channel binding). */
  readonly handshakeHash: Uint8Array;
  readonly createdAt: number;
  readonly sender: Sender;
  readonly receiver: Receiver;
  /** Time or volume says: start a new handshake (the old session stays usable meanwhile). */
  needsRekey(now: number): boolean;
  /** Time or volume says: use this session no more, in either direction. */
  expired(now: number): boolean;
}

export interface TransportOptions {
  /** Our index: records to us carry it as receiverIndex. */
  readonly localIndex: number;
  /** The peer's index: records we send carry it. */
  readonly remoteIndex: number;
  /** Milliseconds on the caller's clock when the handshake completed. */
  readonly now: number;
  /** Tests lower these; they can never be raised above WireGuard's. */
  readonly limits?: Partial<TransportLimits>;
}

class TransportSender implements Sender {
  private readonly cipher: CipherState;
  private readonly remoteIndexState: number;
  private readonly limit: bigint;

  constructor(cipher: CipherState, remoteIndex: number, limit: bigint) {
    this.cipher = cipher;
    this.remoteIndexState = remoteIndex;
    this.limit = limit;
  }

  get counter(): bigint {
    return this.cipher.nonce;
  }

  seal(inner: Uint8Array): SealResult {
    if (inner.length > MAX_RECORD_INNER_BYTES) return { ok: false, code: 'too-large' };
    const counter = this.cipher.nonce;
    if (counter >= this.limit) return { ok: false, code: 'exhausted' };
    const header = encodeTransportHeader(this.remoteIndexState, counter);
    // encryptWithAd uses nonce n = counter and then increments it: a counter is never used twice.
    // The header is both the associated data and the record's start: sealed behind it in place.
    const record = this.cipher.encryptWithAd(header, inner, header);
    return { ok: true, record, counter };
  }

  sealParts(inner: Uint8Array): SealPartsResult {
    if (inner.length > MAX_RECORD_INNER_BYTES) return { ok: false, code: 'too-large' };
    const counter = this.cipher.nonce;
    if (counter >= this.limit) return { ok: false, code: 'exhausted' };
    const header = encodeTransportHeader(this.remoteIndexState, counter);
    const [ciphertext, tag] = this.cipher.encryptWithAdParts(header, inner);
    return { ok: true, header, ciphertext, tag, counter };
  }
}

class TransportReceiver implements Receiver {
  private readonly cipher: CipherState;
  private readonly localIndexState: number;
  private readonly window: ReplayWindow;

  constructor(cipher: CipherState, localIndex: number, limit: bigint) {
    this.cipher = cipher;
    this.localIndexState = localIndex;
    this.window = new ReplayWindow(limit);
  }

  open(record: Uint8Array): OpenResult {
    const decoded = decode(record);
    if (!decoded.ok || decoded.packet.type !== 'transport') return { ok: false, code: 'malformed' };
    const { receiverIndex, counter, ciphertext } = decoded.packet;
    if (receiverIndex !== this.localIndexState) return { ok: false, code: 'wrong-index' };
    const verdict = this.window.check(counter);
    if (verdict !== 'fresh') return { ok: false, code: verdict };
    this.cipher.setNonce(counter);
    const inner = this.cipher.decryptWithAd(record.subarray(0, TRANSPORT_HEADER_BYTES), ciphertext);
    if (inner === undefined) return { ok: false, code: 'auth-failed' };
    // Only an authentic record moves the window (RFC 6479 section 3; WireGuard does the same).
    this.window.accept(counter);
    return { ok: true, inner, counter };
  }
}

/**
 * The transport session of a completed handshake. Takes the handshake's keys through split(),
 * which works once: a second call for the same handshake throws NoiseError('already-split').
 */
export function createTransport(
  handshake: HandshakeState,
  options: TransportOptions,
): TransportSession {
  const limits = clampLimits(options.limits);
  const remoteStaticKey = handshake.remoteStaticKey;
  const { initiatorToResponder, responderToInitiator } = handshake.split();
  const handshakeHash = handshake.handshakeHash;
  if (remoteStaticKey === undefined || handshakeHash === undefined) {
    throw new Error('a split handshake always has a remote static key and a hash');
  }
  const initiator = handshake.role === 'initiator';
  const sender = new TransportSender(
    initiator ? initiatorToResponder : responderToInitiator,
    options.remoteIndex,
    limits.rejectAfterMessages,
  );
  const receiver = new TransportReceiver(
    initiator ? responderToInitiator : initiatorToResponder,
    options.localIndex,
    limits.rejectAfterMessages,
  );
  const createdAt = options.now;
  return {
    role: handshake.role,
    localIndex: options.localIndex,
    remoteIndex: options.remoteIndex,
    remoteStaticKey,
    handshakeHash,
    createdAt,
    sender,
    receiver,
    needsRekey: (now) =>
      now - createdAt >= limits.rekeyAfterTimeMs || sender.counter >= limits.rekeyAfterMessages,
    expired: (now) =>
      now - createdAt >= limits.rejectAfterTimeMs || sender.counter >= limits.rejectAfterMessages,
  };
}

function clampLimits(overrides: Partial<TransportLimits> = {}): TransportLimits {
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  const w = WIREGUARD_LIMITS;
  return {
    rekeyAfterMessages: min(
      overrides.rekeyAfterMessages ?? w.rekeyAfterMessages,
      w.rekeyAfterMessages,
    ),
    rejectAfterMessages: min(
      overrides.rejectAfterMessages ?? w.rejectAfterMessages,
      w.rejectAfterMessages,
    ),
    rekeyAfterTimeMs: Math.min(
      overrides.rekeyAfterTimeMs ?? w.rekeyAfterTimeMs,
      w.rekeyAfterTimeMs,
    ),
    rejectAfterTimeMs: Math.min(
      overrides.rejectAfterTimeMs ?? w.rejectAfterTimeMs,
      w.rejectAfterTimeMs,
    ),
  };
}

/**
 * Safety numbers, as Signal's NumericFingerprint (libsignal rust/protocol/src/fingerprint.rs;
 * Java NumericFingerprintGenerator). Per party: hash = SHA-512(0x0000 ‖ key ‖ stableId ‖ key),
 * then 5,199 more rounds of hash = SHA-512(hash ‖ key). The first 30 bytes make six 5-byte
 * big-endian numbers, each taken mod 100,000 as 5 digits: 30 digits per party. The two halves are
 * joined smaller-first, so both sides show the same 60 digits. docs/CRYPTO.md, "Safety number".
 *
 * PacketChat's inputs: key = the raw 32-byte X25519 identity public key, stableId = the node id
 * (32 lower-case hex digits) as ASCII.
 */
import { constantTimeEqual, fromHex, toHex, utf8 } from './bytes';
import type { CryptoProvider } from './primitives';

export const SAFETY_NUMBER_ITERATIONS = 5_200;
export const SAFETY_NUMBER_DIGITS = 60;
/** Version of the QR payload format below. */
export const SAFETY_QR_VERSION = 1;
export const SAFETY_QR_PREFIX = `PACKETCHAT-SN:${SAFETY_QR_VERSION}:`;
/** The fingerprint version libsignal hashes first (0 in its v1 and v2 alike). */
const HASHED_VERSION = new Uint8Array([0, 0]);
/** Bytes of each party's hash that become its 30 digits. */
const DIGIT_SOURCE_BYTES = 30;
const SCANNABLE_BYTES = 32;

type Sha512 = Pick<CryptoProvider, 'sha512'>;

export interface SafetyParty {
  readonly publicKey: Uint8Array;
  readonly nodeId: string;
}

export interface SafetyNumber {
  /** 60 digits, the same on both sides. */
  readonly digits: string;
  /** The first 32 bytes of each party's iterated hash, for the QR code (oriented: ours first). */
  readonly localFingerprint: Uint8Array;
  readonly remoteFingerprint: Uint8Array;
}

export type ScanVerdict = 'match' | 'mismatch' | 'invalid';

/** One party's iterated SHA-512 (64 bytes), exactly as libsignal's get_fingerprint. */
export function partyFingerprint(
  provider: Sha512,
  key: Uint8Array,
  stableId: Uint8Array,
  iterations: number = SAFETY_NUMBER_ITERATIONS,
): Uint8Array {
  const input = new Uint8Array(
    Math.max(HASHED_VERSION.length + key.length + stableId.length, 64) + key.length,
  );
  const first = [HASHED_VERSION, key, stableId, key];
  let hash = provider.sha512(concat(input, first));
  for (let round = 1; round < iterations; round++)
    hash = provider.sha512(concat(input, [hash, key]));
  return hash;
}

/** Thirty digits from the first 30 bytes: six 40-bit big-endian chunks, each mod 100000. */
export function fingerprintDigits(fingerprint: Uint8Array): string {
  if (fingerprint.length < DIGIT_SOURCE_BYTES)
    throw new RangeError('fingerprint: at least 30 bytes');
  let digits = '';
  for (let offset = 0; offset < DIGIT_SOURCE_BYTES; offset += 5) {
    let chunk = 0;
    // 40 bits stay exact in a double (below 2^53).
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + (fingerprint[offset + i] ?? 0);
    digits += String(chunk % 100_000).padStart(5, '0');
  }
  return digits;
}

/** Joins two parties' digits the way both sides agree on: the smaller string first. */
export function combineDigits(localDigits: string, remoteDigits: string): string {
  return localDigits < remoteDigits ? localDigits + remoteDigits : remoteDigits + localDigits;
}

export function safetyNumberOf(
  provider: Sha512,
  local: SafetyParty,
  remote: SafetyParty,
): SafetyNumber {
  const localHash = partyFingerprint(provider, local.publicKey, utf8(local.nodeId));
  const remoteHash = partyFingerprint(provider, remote.publicKey, utf8(remote.nodeId));
  return {
    digits: combineDigits(fingerprintDigits(localHash), fingerprintDigits(remoteHash)),
    localFingerprint: localHash.slice(0, SCANNABLE_BYTES),
    remoteFingerprint: remoteHash.slice(0, SCANNABLE_BYTES),
  };
}

/** For display: 12 groups of 5 digits, four to a line ("12345 67890 …\n…"). */
export function formatSafetyNumber(digits: string): string {
  const groups = digits.match(/\d{5}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '));
  return lines.join('\n');
}

/**
 * What our QR code encodes: "PACKETCHAT-SN:1:" then our and the peer's 32-byte fingerprints in
 * upper-case hex, separated by ":" (all QR alphanumeric-mode characters, so the code stays small).
 * Oriented, as Signal's scannable fingerprint: scanning your own code does not match.
 */
export function safetyQrPayload(safetyNumber: SafetyNumber): string {
  const hex = (bytes: Uint8Array) => toHex(bytes).toUpperCase();
  return `${SAFETY_QR_PREFIX}${hex(safetyNumber.localFingerprint)}:${hex(safetyNumber.remoteFingerprint)}`;
}

/** Checks the payload of the peer's QR code against our own view of the session. */
export function compareScannedSafetyQr(scanned: string, mine: SafetyNumber): ScanVerdict {
  if (!scanned.startsWith(SAFETY_QR_PREFIX)) return 'invalid';
  const parts = scanned.slice(SAFETY_QR_PREFIX.length).toLowerCase().split(':');
  if (parts.length !== 2) return 'invalid';
  const theirLocal = fromHex(parts[0] ?? '');
  const theirRemote = fromHex(parts[1] ?? '');
  if (theirLocal?.length !== SCANNABLE_BYTES || theirRemote?.length !== SCANNABLE_BYTES)
    return 'invalid';
  // Their "local" is our remote and the other way round; both compared, whatever the first says.
  const first = constantTimeEqual(theirLocal, mine.remoteFingerprint);
  const second = constantTimeEqual(theirRemote, mine.localFingerprint);
  return first && second ? 'match' : 'mismatch';
}

function concat(buffer: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  let offset = 0;
  for (const part of parts) {
    buffer.set(part, offset);
    offset += part.length;
  }
  return buffer.subarray(0, offset);
}

import { describe, expect, it } from 'vitest';
import { nodeIdOf } from '../../../../electron/net/crypto/identity';
import {
  combineDigits,
  compareScannedSafetyQr,
  fingerprintDigits,
  formatSafetyNumber,
  partyFingerprint,
  safetyNumberOf,
  safetyQrPayload,
  SAFETY_QR_PREFIX,
} from '../../../../electron/net/crypto/safety-number';
import { bytes, hex, nobleProvider, nodeProvider as provider } from './providers';

/** libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1 (= Java testVectorsVersion1). */
const LIBSIGNAL = {
  aliceKey: bytes('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868'),
  bobKey: bytes('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b'),
  aliceId: new TextEncoder().encode('+14152222222'),
  bobId: new TextEncoder().encode('+14153333333'),
  display: '300354477692869396892869876765458257569162576843440918079131',
  aliceScannable: '1e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df',
  bobScannable: 'd62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d',
};

function party() {
  const { publicKey } = provider.generateKeyPair();
  return { publicKey, nodeId: nodeIdOf(publicKey, provider) };
}

describe('safety numbers', () => {
  it("reproduce libsignal's NumericFingerprint test vector", () => {
    const alice = partyFingerprint(provider, LIBSIGNAL.aliceKey, LIBSIGNAL.aliceId);
    const bob = partyFingerprint(nobleProvider, LIBSIGNAL.bobKey, LIBSIGNAL.bobId);
    expect(hex(alice.subarray(0, 32))).toBe(LIBSIGNAL.aliceScannable);
    expect(hex(bob.subarray(0, 32))).toBe(LIBSIGNAL.bobScannable);
    expect(combineDigits(fingerprintDigits(alice), fingerprintDigits(bob))).toBe(LIBSIGNAL.display);
    expect(combineDigits(fingerprintDigits(bob), fingerprintDigits(alice))).toBe(LIBSIGNAL.display);
  });

  it('is the same 60 digits on both sides', () => {
    const a = party();
    const b = party();
    const mine = safetyNumberOf(provider, a, b);
    const theirs = safetyNumberOf(nobleProvider, b, a);
    expect(mine.digits).toMatch(/^\d{60}$/);
    expect(theirs.digits).toBe(mine.digits);
  });

  it('changes when either key changes, or when the id does', () => {
    const a = party();
    const b = party();
    const before = safetyNumberOf(provider, a, b).digits;
    const c = party();
    expect(safetyNumberOf(provider, a, { ...c, nodeId: b.nodeId }).digits).not.toBe(before);
    expect(safetyNumberOf(provider, c, b).digits).not.toBe(before);
    expect(safetyNumberOf(provider, a, { ...b, nodeId: a.nodeId }).digits).not.toBe(before);
    // Half of the number is each party's: a change on one side leaves the other half standing.
    const halves = (digits: string) => [digits.slice(0, 30), digits.slice(30)];
    const aHalf = fingerprintDigits(
      partyFingerprint(provider, a.publicKey, new TextEncoder().encode(a.nodeId)),
    );
    expect(halves(before)).toContain(aHalf);
    expect(halves(safetyNumberOf(provider, a, c).digits)).toContain(aHalf);
  });

  it('formats as 12 groups of five, four per line', () => {
    const digits = '0123456789'.repeat(6);
    expect(formatSafetyNumber(digits)).toBe(
      '01234 56789 01234 56789\n01234 56789 01234 56789\n01234 56789 01234 56789',
    );
  });

  it('has a QR payload that matches only the other side of the same session', () => {
    const a = party();
    const b = party();
    const aView = safetyNumberOf(provider, a, b);
    const bView = safetyNumberOf(provider, b, a);
    const aQr = safetyQrPayload(aView);
    expect(aQr).toMatch(/^PACKETCHAT-SN:1:[0-9A-F]{64}:[0-9A-F]{64}$/);
    expect(compareScannedSafetyQr(aQr, bView)).toBe('match');
    expect(compareScannedSafetyQr(safetyQrPayload(bView), aView)).toBe('match');
    // Scanning your own code (a mirror, a shared screen) must not look like a match.
    expect(compareScannedSafetyQr(aQr, aView)).toBe('mismatch');
    const mallory = party();
    expect(
      compareScannedSafetyQr(safetyQrPayload(safetyNumberOf(provider, mallory, a)), aView),
    ).toBe('mismatch');
    expect(
      compareScannedSafetyQr(safetyQrPayload(safetyNumberOf(provider, b, mallory)), aView),
    ).toBe('mismatch');
  });

  it.each([
    '',
    'PACKETCHAT-SN:2:' + 'A'.repeat(64) + ':' + 'B'.repeat(64),
    SAFETY_QR_PREFIX + 'A'.repeat(64),
    SAFETY_QR_PREFIX + 'A'.repeat(63) + ':' + 'B'.repeat(64),
    SAFETY_QR_PREFIX + 'G'.repeat(64) + ':' + 'B'.repeat(64),
    SAFETY_QR_PREFIX + 'A'.repeat(64) + ':' + 'B'.repeat(64) + ':' + 'C'.repeat(64),
  ])('calls a malformed scan invalid: %s', (scanned) => {
    const a = party();
    expect(compareScannedSafetyQr(scanned, safetyNumberOf(provider, a, party()))).toBe('invalid');
  });
});

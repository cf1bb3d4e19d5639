import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTransport,
  REJECT_AFTER_MESSAGES,
  REJECT_AFTER_TIME_MS,
  REKEY_AFTER_MESSAGES,
  REKEY_AFTER_TIME_MS,
  REPLAY_WINDOW_SIZE,
} from '../../../../electron/net/crypto/transport';
import {
  MAX_DATAGRAM_INNER_BYTES,
  MAX_RECORD_INNER_BYTES,
} from '../../../../electron/net/crypto/wire-format';
import { HandshakeState } from '../../../../electron/net/crypto/noise';
import { writeOk } from './handshake-helpers';
import { hex, nobleProvider, nodeProvider as provider } from './providers';
import { codeOf, sealOk, sessionPair, text } from './transport-helpers';

describe('transport sessions', () => {
  it('carry records both ways with counters from 0', () => {
    const { initiator, responder } = sessionPair(provider);
    for (let i = 0; i < 3; i++) {
      const sealed = initiator.sender.seal(text(`hello ${i}`));
      expect(sealed.ok && sealed.counter).toBe(BigInt(i));
      expect(responder.receiver.open(sealed.ok ? sealed.record : new Uint8Array(0))).toEqual({
        ok: true,
        inner: text(`hello ${i}`),
        counter: BigInt(i),
      });
    }
    const back = sealOk(responder.sender, text('back'));
    expect(initiator.receiver.open(back)).toMatchObject({ ok: true, inner: text('back') });
    expect(hex(initiator.handshakeHash)).toBe(hex(responder.handshakeHash));
  });

  it('interoperates across providers (node:crypto one side, @noble the other)', () => {
    const initiator = new HandshakeState({
      provider,
      role: 'initiator',
      staticKeyPair: provider.generateKeyPair(),
    });
    const responder = new HandshakeState({
      provider: nobleProvider,
      role: 'responder',
      staticKeyPair: nobleProvider.generateKeyPair(),
    });
    responder.readMessage(writeOk(initiator));
    initiator.readMessage(writeOk(responder));
    expect(responder.readMessage(writeOk(initiator)).ok).toBe(true);
    const a = createTransport(initiator, { localIndex: 1, remoteIndex: 2, now: 0 });
    const b = createTransport(responder, { localIndex: 2, remoteIndex: 1, now: 0 });
    expect(b.receiver.open(sealOk(a.sender, text('to noble')))).toMatchObject({
      ok: true,
      inner: text('to noble'),
    });
    expect(a.receiver.open(sealOk(b.sender, text('to node')))).toMatchObject({
      ok: true,
      inner: text('to node'),
    });
  });

  it('fits 1,171 inner bytes in a 1,200-byte datagram and refuses above the record limit', () => {
    const { initiator, responder } = sessionPair(provider);
    const record = sealOk(initiator.sender, new Uint8Array(MAX_DATAGRAM_INNER_BYTES));
    expect(record).toHaveLength(1200);
    expect(codeOf(responder.receiver.open(record))).toBe('ok');
    expect(initiator.sender.seal(new Uint8Array(MAX_RECORD_INNER_BYTES + 1))).toEqual({
      ok: false,
      code: 'too-large',
    });
    expect(initiator.sender.counter).toBe(1n);
    const big = sealOk(initiator.sender, new Uint8Array(MAX_RECORD_INNER_BYTES));
    expect(codeOf(responder.receiver.open(big))).toBe('ok');
    expect(codeOf(responder.receiver.open(sealOk(initiator.sender, new Uint8Array(0))))).toBe('ok');
  });

  it(
    'rejects every single-bit flip and every truncation of 300 sealed records',
    { timeout: 60_000 },
    () => {
      const { initiator, responder } = sessionPair(provider);
      const sizes = Array.from({ length: 300 }, (_, i) =>
        i < 3 ? MAX_DATAGRAM_INNER_BYTES : (i * 37) % 100,
      );
      const rejectedAfterHeader = new Set(['auth-failed', 'replayed', 'too-old', 'over-limit']);
      const surprises: string[] = [];
      let checked = 0;
      for (const size of sizes) {
        const record = sealOk(initiator.sender, provider.randomBytes(size));
        const counter = initiator.sender.counter - 1n;
        for (let bit = 0; bit < record.length * 8; bit++) {
          const forged = new Uint8Array(record);
          forged[bit >> 3] = (forged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          const code = codeOf(responder.receiver.open(forged));
          const byte = bit >> 3;
          // The type byte and the index route the record; everything after them is authenticated.
          const ok =
            byte === 0
              ? code === 'malformed'
              : byte < 5
                ? code === 'wrong-index'
                : rejectedAfterHeader.has(code);
          if (!ok) surprises.push(`size ${size} bit ${bit}: ${code}`);
          checked++;
        }
        for (let length = 0; length < record.length; length++) {
          if (responder.receiver.open(record.subarray(0, length)).ok)
            surprises.push(`size ${size} cut ${length}`);
        }
        expect(codeOf(responder.receiver.open(Uint8Array.of(...record, 0)))).toBe('auth-failed');
        expect(responder.receiver.open(record)).toMatchObject({ ok: true, counter });
      }
      expect(surprises).toEqual([]);
      expect(checked).toBeGreaterThan(100_000);
    },
  );

  it('accepts none of 100,000 random records that look sealed', () => {
    const { responder } = sessionPair(provider);
    const codes = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const length = 29 + (i % 400);
      const record = provider.randomBytes(length);
      record.set([0xfb, 0x22, 0x22, 0x22, 0x22], 0);
      const code = codeOf(responder.receiver.open(record));
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes.get('ok')).toBeUndefined();
    expect(codes.get('auth-failed')).toBeGreaterThan(99_000);
  });

  it('rejects duplicates and replays, inside and outside the window', () => {
    const { initiator, responder } = sessionPair(provider);
    const records = Array.from({ length: REPLAY_WINDOW_SIZE + 200 }, (_, i) =>
      sealOk(initiator.sender, text(String(i))),
    );
    const open = (i: number) => codeOf(responder.receiver.open(records[i]!));
    expect(open(5)).toBe('ok');
    expect(open(5)).toBe('replayed');
    const last = records.length - 1;
    expect(open(last)).toBe('ok');
    expect(open(last)).toBe('replayed');
    expect(open(last - REPLAY_WINDOW_SIZE)).toBe('ok');
    expect(open(last - REPLAY_WINDOW_SIZE - 1)).toBe('too-old');
    expect(open(0)).toBe('too-old');
    expect(open(5)).toBe('too-old');
  });

  it('accepts out-of-order records within the window exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 499 }), { minLength: 1, maxLength: 800 }), (order) => {
        const { initiator, responder } = sessionPair(provider);
        const records = Array.from({ length: 500 }, (_, i) =>
          sealOk(initiator.sender, text(String(i))),
        );
        const accepted = new Set<number>();
        for (const i of order) {
          const result = responder.receiver.open(records[i]!);
          expect(result.ok).toBe(!accepted.has(i));
          if (result.ok) expect(result.inner).toEqual(text(String(i)));
          accepted.add(i);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('does not let a forged record move the window or burn its counter', () => {
    const { initiator, responder } = sessionPair(provider);
    const genuine = sealOk(initiator.sender, text('real'));
    const forged = new Uint8Array(genuine);
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    forged.set([0, 0, 0, 0, 0, 0, 0x7f, 0xff], 5);
    expect(codeOf(responder.receiver.open(forged))).toBe('auth-failed');
    expect(codeOf(responder.receiver.open(genuine))).toBe('ok');
  });

  it('refuses records for another index and malformed ones', () => {
    const { initiator, responder } = sessionPair(provider);
    const record = sealOk(responder.sender, text('to the initiator'));
    expect(codeOf(responder.receiver.open(record))).toBe('wrong-index');
    expect(codeOf(initiator.receiver.open(new Uint8Array(0)))).toBe('malformed');
    const asFinal = new Uint8Array(record);
    asFinal[0] = 0xfa;
    expect(codeOf(initiator.receiver.open(asFinal))).toBe('malformed');
    expect(codeOf(initiator.receiver.open(record))).toBe('ok');
  });

  it('stops at the message limit and reports rekey and expiry by time and volume', () => {
    const { initiator } = sessionPair(provider, {
      now: 1_000,
      limits: { rekeyAfterMessages: 2n, rejectAfterMessages: 3n },
    });
    expect(initiator.needsRekey(1_000)).toBe(false);
    sealOk(initiator.sender, text('1'));
    sealOk(initiator.sender, text('2'));
    expect(initiator.needsRekey(1_000)).toBe(true);
    expect(initiator.expired(1_000)).toBe(false);
    sealOk(initiator.sender, text('3'));
    expect(initiator.sender.seal(text('4'))).toEqual({ ok: false, code: 'exhausted' });
    expect(initiator.sender.counter).toBe(3n);
    expect(initiator.expired(1_000)).toBe(true);

    const { responder } = sessionPair(provider, { now: 1_000 });
    expect(responder.needsRekey(1_000 + REKEY_AFTER_TIME_MS - 1)).toBe(false);
    expect(responder.needsRekey(1_000 + REKEY_AFTER_TIME_MS)).toBe(true);
    expect(responder.expired(1_000 + REJECT_AFTER_TIME_MS - 1)).toBe(false);
    expect(responder.expired(1_000 + REJECT_AFTER_TIME_MS)).toBe(true);
  });

  it("uses WireGuard's limits, which options can lower but never raise", () => {
    expect(REKEY_AFTER_MESSAGES).toBe(2n ** 60n);
    expect(REJECT_AFTER_MESSAGES).toBe(2n ** 64n - 2n ** 13n - 1n);
    expect([REKEY_AFTER_TIME_MS, REJECT_AFTER_TIME_MS]).toEqual([120_000, 180_000]);
    const { initiator } = sessionPair(provider, { now: 0, limits: { rejectAfterTimeMs: 10 ** 9 } });
    expect(initiator.expired(REJECT_AFTER_TIME_MS)).toBe(true);
  });
});

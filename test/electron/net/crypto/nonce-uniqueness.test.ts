import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandshakeState, type Role } from '../../../../electron/net/crypto/noise';
import type { KeyPair } from '../../../../electron/net/crypto/primitives';
import * as transportModule from '../../../../electron/net/crypto/transport';
import { createTransport } from '../../../../electron/net/crypto/transport';
import { completeHandshake, writeOk } from './handshake-helpers';
import { nodeProvider as provider } from './providers';
import { codeOf, recordingProvider, sealOk, text } from './transport-helpers';

describe('nonce uniqueness', () => {
  it('offers no way to build a Sender or Receiver from key bytes', () => {
    const exported = Object.entries(transportModule)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(exported).toEqual(['createTransport']);
    const { initiator } = completeHandshake(provider);
    createTransport(initiator, { localIndex: 1, remoteIndex: 2, now: 0 });
    expect(() => createTransport(initiator, { localIndex: 1, remoteIndex: 2, now: 0 })).toThrow(
      expect.objectContaining({ code: 'already-split' }),
    );
  });

  type Step =
    { kind: 'send'; from: 'a' | 'b'; count: number } | { kind: 'rekey' } | { kind: 'restart' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('send' as const),
      from: fc.constantFrom('a' as const, 'b' as const),
      count: fc.nat({ max: 12 }),
    }),
    fc.constant({ kind: 'rekey' as const }),
    fc.constant({ kind: 'restart' as const }),
  );

  /** Plays a schedule; returns every (key, nonce) pair AES-GCM sealed with, handshakes included. */
  function play(steps: readonly Step[]): string[] {
    const { provider: recording, uses } = recordingProvider(provider);
    // Identities persist across restarts; everything else is rebuilt, as after a process restart.
    const identities = {
      initiator: recording.generateKeyPair(),
      responder: recording.generateKeyPair(),
    };
    const connect = () => {
      const { initiator, responder } = completeHandshake(recording, identities);
      return {
        a: createTransport(initiator, { localIndex: 1, remoteIndex: 2, now: 0 }),
        b: createTransport(responder, { localIndex: 2, remoteIndex: 1, now: 0 }),
      };
    };
    let sessions = connect();
    for (const s of steps) {
      if (s.kind === 'send') {
        const [from, to] = s.from === 'a' ? [sessions.a, sessions.b] : [sessions.b, sessions.a];
        for (let i = 0; i < s.count; i++)
          expect(codeOf(to.receiver.open(sealOk(from.sender, text('m'))))).toBe('ok');
      } else {
        sessions = connect();
      }
    }
    return uses;
  }

  it('never seals twice with one (key, nonce) across rekeys and restarts (property)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const uses = play(steps);
        expect(new Set(uses).size).toBe(uses.length);
      }),
      { numRuns: 60 },
    );
  });

  it('the recorder does catch reuse: pinned ephemerals (the test-vector option) repeat pairs', () => {
    const { provider: recording, uses } = recordingProvider(provider);
    const [s1, s2, e1, e2] = Array.from({ length: 4 }, () => recording.generateKeyPair());
    for (let run = 0; run < 2; run++) {
      const side = (role: Role, s: KeyPair, e: KeyPair) =>
        new HandshakeState({
          provider: recording,
          role,
          staticKeyPair: s,
          fixedEphemeralKeyPair: e,
        });
      const initiator = side('initiator', s1!, e1!);
      const responder = side('responder', s2!, e2!);
      responder.readMessage(writeOk(initiator));
      initiator.readMessage(writeOk(responder));
      responder.readMessage(writeOk(initiator));
      sealOk(
        createTransport(initiator, { localIndex: 1, remoteIndex: 2, now: 0 }).sender,
        text('m'),
      );
    }
    expect(new Set(uses).size).toBeLessThan(uses.length);
  });
});

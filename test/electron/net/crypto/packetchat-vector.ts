/**
 * PacketChat's own protocol v2 test vector (docs/CRYPTO.md, "Test vectors"): fixed keys, fixed
 * ephemerals, the three handshake packets and transport records as they go on the wire.
 * `npx tsx test/electron/net/crypto/packetchat-vector.ts` prints it.
 */
import { pathToFileURL } from 'node:url';
import { hexBytes, toHex } from '../../../../electron/net/crypto/bytes';
import { nodeIdOf } from '../../../../electron/net/crypto/identity';
import { createNodeCryptoProvider } from '../../../../electron/net/crypto/node-crypto';
import {
  HandshakeState,
  PACKETCHAT_PROLOGUE,
  type Role,
} from '../../../../electron/net/crypto/noise';
import type { CryptoProvider } from '../../../../electron/net/crypto/primitives';
import { safetyNumberOf } from '../../../../electron/net/crypto/safety-number';
import { createTransport } from '../../../../electron/net/crypto/transport';
import { encode } from '../../../../electron/net/crypto/wire-format';

const sequence = (from: number) => toHex(Uint8Array.from({ length: 32 }, (_, i) => from + i));

export const VECTOR_INPUT = {
  initiatorStaticPrivate: sequence(0x00),
  responderStaticPrivate: sequence(0x20),
  initiatorEphemeralPrivate: sequence(0x40),
  responderEphemeralPrivate: sequence(0x60),
  initiatorIndex: 0x0a0b0c0d,
  responderIndex: 0x01020304,
  payload2: 'responder hello',
  payload3: 'initiator hello',
  transportInner: 'hello, PacketChat',
};

function check(result: { ok: boolean }): void {
  if (!result.ok) throw new Error('read failed');
}

function unwrap(
  result: { ok: true; message: Uint8Array } | { ok: false; code: string },
): Uint8Array {
  if (!result.ok) throw new Error(result.code);
  return result.message;
}

export function buildPacketChatVector(provider: CryptoProvider): Record<string, string> {
  const v = VECTOR_INPUT;
  const key = (hex: string) => provider.keyPairFromPrivateKey(hexBytes(hex));
  const side = (role: Role, s: string, e: string) =>
    new HandshakeState({ provider, role, staticKeyPair: key(s), fixedEphemeralKeyPair: key(e) });
  const initiator = side('initiator', v.initiatorStaticPrivate, v.initiatorEphemeralPrivate);
  const responder = side('responder', v.responderStaticPrivate, v.responderEphemeralPrivate);
  const text = (s: string) => new TextEncoder().encode(s);

  const m1 = unwrap(initiator.writeMessage());
  check(responder.readMessage(m1));
  const m2 = unwrap(responder.writeMessage(text(v.payload2)));
  check(initiator.readMessage(m2));
  const m3 = unwrap(initiator.writeMessage(text(v.payload3)));
  check(responder.readMessage(m3));
  const hash = initiator.handshakeHash ?? new Uint8Array(0);
  const a = createTransport(initiator, {
    localIndex: v.initiatorIndex,
    remoteIndex: v.responderIndex,
    now: 0,
  });
  const b = createTransport(responder, {
    localIndex: v.responderIndex,
    remoteIndex: v.initiatorIndex,
    now: 0,
  });
  const sealed = a.sender.seal(text(v.transportInner));
  const reply = b.sender.seal(text(v.transportInner));
  if (!sealed.ok || !reply.ok) throw new Error('seal failed');
  check(b.receiver.open(sealed.record));
  check(a.receiver.open(reply.record));
  const pub = (hex: string) => key(hex).publicKey;
  const party = (hex: string) => ({ publicKey: pub(hex), nodeId: nodeIdOf(pub(hex), provider) });
  return {
    initiatorStaticPublic: toHex(pub(v.initiatorStaticPrivate)),
    responderStaticPublic: toHex(pub(v.responderStaticPrivate)),
    initiatorEphemeralPublic: toHex(pub(v.initiatorEphemeralPrivate)),
    responderEphemeralPublic: toHex(pub(v.responderEphemeralPrivate)),
    initiatorNodeId: nodeIdOf(pub(v.initiatorStaticPrivate), provider),
    responderNodeId: nodeIdOf(pub(v.responderStaticPrivate), provider),
    prologue: toHex(PACKETCHAT_PROLOGUE),
    handshakeInit: toHex(
      encode({ type: 'handshake-init', senderIndex: v.initiatorIndex, noiseMessage: m1 }),
    ),
    handshakeResp: toHex(
      encode({
        type: 'handshake-resp',
        senderIndex: v.responderIndex,
        receiverIndex: v.initiatorIndex,
        noiseMessage: m2,
      }),
    ),
    handshakeFinal: toHex(
      encode({ type: 'handshake-final', receiverIndex: v.responderIndex, noiseMessage: m3 }),
    ),
    handshakeHash: toHex(hash),
    transportInitiatorToResponder: toHex(sealed.record),
    transportResponderToInitiator: toHex(reply.record),
    safetyNumber: safetyNumberOf(
      provider,
      party(v.initiatorStaticPrivate),
      party(v.responderStaticPrivate),
    ).digits,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, value] of Object.entries(buildPacketChatVector(createNodeCryptoProvider()))) {
    console.log(`${name}: ${value}`);
  }
}

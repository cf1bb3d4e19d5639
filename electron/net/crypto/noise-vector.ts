/**
 * Replays a cacophony-format Noise XX vector (known-answers.ts) through this code: both sides in
 * one process with the vector's fixed keys, every message compared byte for byte.
 */
import { constantTimeEqual, toHex } from './bytes';
import type { NoiseVectorMessage } from './known-answers';
import { HandshakeState, type CipherState } from './noise';
import type { CryptoProvider } from './primitives';

export interface NoiseXxVector {
  readonly prologue: Uint8Array;
  readonly initiatorStatic: Uint8Array;
  readonly initiatorEphemeral: Uint8Array;
  readonly responderStatic: Uint8Array;
  readonly responderEphemeral: Uint8Array;
  readonly handshakeHash: Uint8Array;
  readonly messages: readonly NoiseVectorMessage[];
}

const HANDSHAKE_MESSAGES = 3;

/** Undefined when every byte matches, otherwise what went wrong first. Never throws. */
export function checkNoiseVector(
  provider: CryptoProvider,
  vector: NoiseXxVector,
): string | undefined {
  try {
    return replay(provider, vector);
  } catch (error) {
    return `threw: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function replay(provider: CryptoProvider, vector: NoiseXxVector): string | undefined {
  const side = (role: 'initiator' | 'responder', s: Uint8Array, e: Uint8Array) =>
    new HandshakeState({
      provider,
      role,
      prologue: vector.prologue,
      staticKeyPair: provider.keyPairFromPrivateKey(s),
      fixedEphemeralKeyPair: provider.keyPairFromPrivateKey(e),
    });
  const initiator = side('initiator', vector.initiatorStatic, vector.initiatorEphemeral);
  const responder = side('responder', vector.responderStatic, vector.responderEphemeral);
  const handshake = vector.messages.slice(0, HANDSHAKE_MESSAGES);
  for (const [index, expected] of handshake.entries()) {
    const [writer, reader] = index % 2 === 0 ? [initiator, responder] : [responder, initiator];
    const written = writer.writeMessage(expected.payload);
    if (!written.ok) return `message ${index}: write failed (${written.code})`;
    if (!constantTimeEqual(written.message, expected.ciphertext)) {
      return `message ${index}: got ${toHex(written.message)}`;
    }
    const read = reader.readMessage(written.message);
    if (!read.ok) return `message ${index}: read failed (${read.code})`;
    if (!constantTimeEqual(read.payload, expected.payload)) return `message ${index}: payload`;
  }
  for (const side of [initiator, responder]) {
    const hash = side.handshakeHash;
    if (hash === undefined || !constantTimeEqual(hash, vector.handshakeHash)) {
      return `${side.role}: handshake hash ${hash === undefined ? 'missing' : toHex(hash)}`;
    }
  }
  const a = initiator.split();
  const b = responder.split();
  const transport = vector.messages.slice(HANDSHAKE_MESSAGES);
  for (const [offset, expected] of transport.entries()) {
    const index = HANDSHAKE_MESSAGES + offset;
    const fromInitiator = index % 2 === 0;
    const [send, receive] = fromInitiator
      ? [a.initiatorToResponder, b.initiatorToResponder]
      : [b.responderToInitiator, a.responderToInitiator];
    const failure = checkTransport(index, send, receive, expected);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

function checkTransport(
  index: number,
  send: CipherState,
  receive: CipherState,
  expected: NoiseVectorMessage,
): string | undefined {
  const empty = new Uint8Array(0);
  const sealed = send.encryptWithAd(empty, expected.payload);
  if (!constantTimeEqual(sealed, expected.ciphertext))
    return `message ${index}: got ${toHex(sealed)}`;
  const opened = receive.decryptWithAd(empty, sealed);
  if (opened === undefined || !constantTimeEqual(opened, expected.payload)) {
    return `message ${index}: did not open`;
  }
  return undefined;
}

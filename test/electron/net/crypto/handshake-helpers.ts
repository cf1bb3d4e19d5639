/** Runs Noise XX handshakes with both sides in one process. */
import { HandshakeState, type HandshakeOptions } from '../../../../electron/net/crypto/noise';
import type { CryptoProvider, KeyPair } from '../../../../electron/net/crypto/primitives';

export interface Pair {
  readonly initiator: HandshakeState;
  readonly responder: HandshakeState;
  /** The three handshake messages as sent. */
  readonly messages: readonly Uint8Array[];
}

export function newPair(
  provider: CryptoProvider,
  keys: { initiator?: KeyPair; responder?: KeyPair } = {},
  extra: Partial<Pick<HandshakeOptions, 'prologue'>> = {},
): { initiator: HandshakeState; responder: HandshakeState } {
  return {
    initiator: new HandshakeState({
      provider,
      role: 'initiator',
      staticKeyPair: keys.initiator ?? provider.generateKeyPair(),
      ...extra,
    }),
    responder: new HandshakeState({
      provider,
      role: 'responder',
      staticKeyPair: keys.responder ?? provider.generateKeyPair(),
      ...extra,
    }),
  };
}

/** Writes and reads the three messages; throws if any step fails. */
export function completeHandshake(
  provider: CryptoProvider,
  keys: { initiator?: KeyPair; responder?: KeyPair } = {},
): Pair {
  const { initiator, responder } = newPair(provider, keys);
  const messages: Uint8Array[] = [];
  for (const [writer, reader] of [
    [initiator, responder],
    [responder, initiator],
    [initiator, responder],
  ] as const) {
    const written = writer.writeMessage();
    if (!written.ok) throw new Error(`write failed: ${written.code}`);
    const read = reader.readMessage(written.message);
    if (!read.ok) throw new Error(`read failed: ${read.code}`);
    messages.push(written.message);
  }
  return { initiator, responder, messages };
}

export function writeOk(state: HandshakeState, payload?: Uint8Array): Uint8Array {
  const written = state.writeMessage(payload);
  if (!written.ok) throw new Error(`write failed: ${written.code}`);
  return written.message;
}

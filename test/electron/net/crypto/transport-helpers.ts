/** Transport sessions for both sides of a fresh handshake, with optional key-use recording. */
import type { CryptoProvider } from '../../../../electron/net/crypto/primitives';
import {
  createTransport,
  type OpenResult,
  type Sender,
  type TransportLimits,
  type TransportSession,
} from '../../../../electron/net/crypto/transport';
import { completeHandshake } from './handshake-helpers';
import { hex } from './providers';

export interface SessionPair {
  readonly initiator: TransportSession;
  readonly responder: TransportSession;
}

export function sessionPair(
  provider: CryptoProvider,
  options: { now?: number; limits?: Partial<TransportLimits>; indices?: [number, number] } = {},
): SessionPair {
  const { initiator, responder } = completeHandshake(provider);
  const [initiatorIndex, responderIndex] = options.indices ?? [0x11111111, 0x22222222];
  const common = { now: options.now ?? 0, ...(options.limits ? { limits: options.limits } : {}) };
  return {
    initiator: createTransport(initiator, {
      ...common,
      localIndex: initiatorIndex,
      remoteIndex: responderIndex,
    }),
    responder: createTransport(responder, {
      ...common,
      localIndex: responderIndex,
      remoteIndex: initiatorIndex,
    }),
  };
}

/** A provider that records every (key, nonce) AES-GCM sealing it performs. */
export function recordingProvider(inner: CryptoProvider): {
  provider: CryptoProvider;
  uses: string[];
} {
  const uses: string[] = [];
  const provider: CryptoProvider = {
    ...inner,
    aesGcm: (key) => {
      const keyHex = hex(key);
      const real = inner.aesGcm(key);
      return {
        seal: (nonce, ad, plaintext, prefix) => {
          uses.push(`${keyHex}/${hex(nonce)}`);
          return real.seal(nonce, ad, plaintext, prefix);
        },
        open: real.open,
      };
    },
  };
  return { provider, uses };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export function sealOk(sender: Sender, inner: Uint8Array): Uint8Array {
  const result = sender.seal(inner);
  if (!result.ok) throw new Error(result.code);
  return result.record;
}

export const codeOf = (result: OpenResult): string => (result.ok ? 'ok' : result.code);

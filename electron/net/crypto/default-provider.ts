import { FallbackNotLoadedError, selectProvider, type PrimitiveChoice } from './self-test';
import type { CryptoProvider } from './primitives';

let selected: { provider: CryptoProvider; choices: readonly PrimitiveChoice[] } | undefined;
/** The @noble provider, once loaded by prepareCryptoProvider(). */
let noble: CryptoProvider | undefined;

/**
 * The crypto provider every node in this process uses: node:crypto for each primitive that
 * passes its known-answer self-test, @noble where one does not (docs/CRYPTO.md). The self-test
 * runs once, at the first call; a fallback is reported on stderr. @noble is loaded only when a
 * node:crypto primitive fails, by prepareCryptoProvider() (the app and the command-line node call
 * it before their node starts); without it such a failure throws FallbackNotLoadedError.
 */
export function defaultCryptoProvider(): {
  provider: CryptoProvider;
  choices: readonly PrimitiveChoice[];
} {
  if (selected === undefined) {
    const lines: string[] = [];
    selected = selectProvider((line) => lines.push(line), noble === undefined ? {} : { noble });
    if (selected.choices.some((c) => c.source !== 'node')) {
      for (const line of lines) process.stderr.write(`PacketChat: ${line}\n`);
    }
  }
  return selected;
}

/**
 * Runs the self-test, loading @noble first when a node:crypto primitive fails, so that
 * defaultCryptoProvider() answers at once afterwards. Rejects with SelfTestError when a primitive
 * works in neither.
 */
export async function prepareCryptoProvider(): Promise<void> {
  try {
    defaultCryptoProvider();
  } catch (error) {
    if (!(error instanceof FallbackNotLoadedError)) throw error;
    const { createNobleCryptoProvider } = await import('./noble-crypto');
    noble ??= createNobleCryptoProvider();
    defaultCryptoProvider();
  }
}

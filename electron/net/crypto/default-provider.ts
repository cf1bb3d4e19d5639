import { selectProvider, type PrimitiveChoice } from './self-test';
import type { CryptoProvider } from './primitives';

let selected: { provider: CryptoProvider; choices: readonly PrimitiveChoice[] } | undefined;

/**
 * The crypto provider every node in this process uses: node:crypto for each primitive that
 * passes its known-answer self-test, @noble where one does not (docs/CRYPTO.md). The self-test
 * runs once, at the first node's start; a fallback is reported on stderr.
 */
export function defaultCryptoProvider(): {
  provider: CryptoProvider;
  choices: readonly PrimitiveChoice[];
} {
  if (selected === undefined) {
    const lines: string[] = [];
    selected = selectProvider((line) => lines.push(line));
    if (selected.choices.some((c) => c.source !== 'node')) {
      for (const line of lines) process.stderr.write(`PacketChat: ${line}\n`);
    }
  }
  return selected;
}

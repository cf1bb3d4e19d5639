/** The two CryptoProvider implementations, for tests that must hold for both. */
import { createNobleCryptoProvider } from '../../../../electron/net/crypto/noble-crypto';
import { createNodeCryptoProvider } from '../../../../electron/net/crypto/node-crypto';
import type { CryptoProvider } from '../../../../electron/net/crypto/primitives';

export const nodeProvider: CryptoProvider = createNodeCryptoProvider();
export const nobleProvider: CryptoProvider = createNobleCryptoProvider();

export const PROVIDERS: readonly (readonly [string, CryptoProvider])[] = [
  ['node:crypto', nodeProvider],
  ['@noble', nobleProvider],
];

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const bytes = (hexString: string): Uint8Array =>
  new Uint8Array(Buffer.from(hexString, 'hex'));

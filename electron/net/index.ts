// The front door of the networking core: code outside electron/net imports only this file.
// The core is a plain Node module (node:* and shared/ only), so it runs under Electron, the CLI
// and the tests alike. See docs/ARCHITECTURE.md.
export { createNode, PacketChatNode } from './node';
export { cleanLabel, OptionsError, type NodeOptions } from './node-options';
export { defaultCryptoProvider } from './crypto/default-provider';
export {
  fingerprintOf,
  generateIdentity,
  nodeIdOf,
  parseIdentity,
  serializeIdentity,
  shortFingerprintOf,
  type SerializedIdentity,
} from './crypto/identity';
export type { CryptoProvider, KeyPair } from './crypto/primitives';
export { safetyNumberOf, formatSafetyNumber, safetyQrPayload } from './crypto/safety-number';
export { BindError } from './sockets';
export type { RelayOptions } from './relay/relay';
export { parseRelayUrl, publicUrl, type RelayConfig } from './relay/relay-connection';
export type { LoggedPayload } from './packet-log';
export type { InterfaceAddress } from './interfaces';
export {
  HELD_EPOCH,
  PLAIN_EPOCH,
  type IncomingRecord,
  type InboundChange,
  type InboundStream,
  type NodePersistence,
  type OutgoingRecord,
} from './persistence';
export {
  NodeError,
  type NodeErrorCode,
  type NodeEvents,
  type NodeInfo,
  type NodeWarning,
  type PeerSession,
  type StorageHealth,
  type Stranger,
  type WarningCode,
} from './types';

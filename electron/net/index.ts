// The front door of the networking core: code outside electron/net imports only this file.
// The core is a plain Node module (node:* and shared/ only), so it runs under Electron, the CLI
// and the tests alike. See docs/ARCHITECTURE.md.
export { createNode, PacketChatNode } from './node';
export { cleanLabel, OptionsError, type NodeOptions } from './node-options';
export { defaultCryptoProvider, prepareCryptoProvider } from './crypto/default-provider';
export {
  fingerprintOf,
  generateIdentity,
  nodeIdOf,
  parseIdentity,
  parseSigningKey,
  serializeIdentity,
  serializeSigningKey,
  shortFingerprintOf,
  type SerializedIdentity,
  type SerializedSigningKey,
} from './crypto/identity';
export type { CryptoProvider, KeyPair } from './crypto/primitives';
export { safetyNumberOf, formatSafetyNumber, safetyQrPayload } from './crypto/safety-number';
export { BindError } from './sockets';
export type { RelayOptions } from './relay/relay';
export { parseRelayUrl, publicUrl, type RelayConfig } from './relay/relay-connection';
export type { LoggedPayload } from './packet-log';
export type { InterfaceAddress } from './interfaces';
export {
  createNodeFileEngine,
  FILE_CONTROL,
  nodeControlChannel,
  type NodeFileEngine,
  type NodeFileEngineOptions,
} from './file-wire';
export type { ControlConsumer, ControlMessage } from './control-inbox';
export * from './files/index';
export {
  GROUP_EPOCH,
  HELD_EPOCH,
  PLAIN_EPOCH,
  type CarriedRecord,
  type IncomingRecord,
  type InboundChange,
  type InboundStream,
  type ControlTag,
  type NodePersistence,
  type OutgoingRecord,
} from './persistence';
export type {
  GroupArchive,
  GroupRow,
  OwnDelivery,
  StoredPost,
  StoredState,
} from './groups/group-archive';
export type { ChangeRequest } from './groups/group-rules';
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
// The IPMsg bridge (IP Messenger, FeiQ, iptux on port 2425): docs/IPMSG.md. Its generic names get
// an `Ipmsg` prefix here so they never collide with the PacketChat file engine's.
export {
  createIpmsgNode,
  ENCODING_SETTINGS,
  IPMSG_EPOCH,
  IPMSG_PORT,
  IpmsgError,
  IpmsgNode,
  IpmsgOptionsError,
  packetChatTwin,
  type EncodingSetting,
  type IncomingFile as IpmsgIncomingFile,
  type IncomingOffer as IpmsgIncomingOffer,
  type IpmsgErrorCode,
  type IpmsgInfo,
  type IpmsgMessageMeta,
  type IpmsgOptions,
  type IpmsgPeer,
  type IpmsgPeerChange,
  type IpmsgPersistence,
  type IpmsgStartResult,
  type MessageRead as IpmsgMessageRead,
  type OfferReleased as IpmsgOfferReleased,
  type OutgoingOffer as IpmsgOutgoingOffer,
  type PortUnavailable as IpmsgPortUnavailable,
  type TransferProgress as IpmsgTransferProgress,
} from './ipmsg/index';

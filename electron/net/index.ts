// The front door of the networking core: code outside electron/net imports only this file.
// The core is a plain Node module (node:* and shared/ only), so it runs under Electron, the CLI
// and the tests alike. See docs/ARCHITECTURE.md.
export { createNode, PacketChatNode } from './node';
export { newNodeId, cleanLabel, OptionsError, type NodeOptions } from './node-options';
export { BindError } from './sockets';
export type { LoggedPayload } from './packet-log';
export type { InterfaceAddress } from './interfaces';
export {
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
  type StorageHealth,
  type Stranger,
  type WarningCode,
} from './types';

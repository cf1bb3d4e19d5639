// The front door of the IPMsg module (IP Messenger, iptux, FeiQ on port 2425). It sits beside the
// PacketChat node in electron/net and, like it, imports only node:*, shared/ and small parts of
// the net core (plus iconv-lite for GB18030/CP932). docs/IPMSG.md describes it and its wiring.
export { createIpmsgNode, IpmsgNode, type SendTextOptions } from './ipmsg-node';
export { IpmsgOptionsError, type IpmsgOptions } from './options';
export { IPMSG_EPOCH, MemoryIpmsgPersistence, type IpmsgPersistence } from './persistence';
export { ipmsgAddress, ipmsgPeerId, isIpmsgPeerId } from '../../../shared/ipmsg-id';
export { packetChatTwin } from './merge';
export { IPMSG_PORT } from './constants';
export {
  ENCODING_SETTINGS,
  parseEncodingSetting,
  type EncodingSetting,
  type IpmsgEncoding,
} from './text-encoding';
export type { IpmsgCounters } from './udp-wire';
export {
  IpmsgError,
  type IncomingFile,
  type IncomingOffer,
  type IpmsgBadge,
  type IpmsgClient,
  type IpmsgErrorCode,
  type IpmsgEvents,
  type IpmsgInfo,
  type IpmsgMessageMeta,
  type IpmsgPeer,
  type IpmsgPeerChange,
  type IpmsgStartResult,
  type MessageRead,
  type OfferReleased,
  type OutgoingOffer,
  type PortUnavailable,
  type TransferProgress,
} from './types';

// The file-transfer engine's front door (docs/FILES.md). When the v2 core wires it in,
// electron/net/index.ts re-exports this file, so code outside electron/net keeps importing only that.
export { createFileEngine, FileEngine, FILE_ENGINE_DEFAULTS } from './engine';
export type {
  AutoAcceptPolicy,
  FileEngineEvents,
  FileEngineOptions,
  FileWarning,
  FileWarningCode,
  IncomingOffer,
  OfferResult,
  OperationErrorCode,
  OperationResult,
} from './engine-types';
export type {
  ChannelError,
  ChannelErrorCode,
  CloseInfo,
  ControlChannel,
  ControlSendResult,
  DataChannel,
  Disposer,
  IncomingControl,
  LoadedTransfer,
  OpenResult,
  RecordStream,
  SourceRoot,
  StoredFile,
  StoredTransfer,
  TransferStore,
  WriteResult,
} from './ports';
export { MemoryTransferStore } from './memory-store';
export { JsonFileTransferStore } from './json-file-store';
export { createPlainTcpChannel, type PlainTcpChannel, type PeerAddress } from './plain-tcp-channel';
export { createSocketRecordStream } from './socket-record-stream';
export { RecordDecoder } from './record-decoder';

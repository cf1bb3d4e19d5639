/** The file engine's public types: what createFileEngine() takes, returns and emits. */
import type { OfferSummary } from '../../../shared/files/manifest';
import type {
  PathIssue,
  PathReport,
  TransferDone,
  TransferInfo,
} from '../../../shared/files/types';
import type { ControlChannel, DataChannel, TransferStore } from './ports';

/** What an auto-accept policy sees of an incoming offer. */
export interface IncomingOffer {
  readonly transfer: TransferInfo;
  readonly summary: OfferSummary;
}

/**
 * Decides whether an offer is accepted without asking (the app: "auto-accept from verified
 * peers into this folder", off by default). Returns the folder, or undefined to let it wait.
 */
export type AutoAcceptPolicy = (
  offer: IncomingOffer,
) => { readonly dir: string } | undefined | Promise<{ readonly dir: string } | undefined>;

export interface FileEngineOptions {
  readonly control: ControlChannel;
  readonly data: DataChannel;
  readonly store: TransferStore;
  readonly autoAccept?: AutoAcceptPolicy;
  /** Data streams per receiving transfer (measured best: docs/FILES.md). */
  readonly lanes?: number;
  /** Bytes asked for per GET. */
  readonly requestBytes?: number;
  /** Bytes requested but not yet received, per lane: bounds memory and what a crash loses. */
  readonly windowBytes?: number;
  /** GETs outstanding per lane (small files are pipelined up to this many). */
  readonly maxRequests?: number;
  /** fsync each received file before it gets its final name (default true). */
  readonly fsync?: boolean;
  /** Files up to this size are hashed before offering (default 1 MiB). */
  readonly hashBeforeOfferBytes?: number;
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  /** How often a transfer paused for a full disk checks whether space was freed. */
  readonly diskRetryMs?: number;
  /** Free space required beyond what is left to receive (default 16 MiB). */
  readonly spaceMarginBytes?: number;
  readonly progressIntervalMs?: number;
  readonly now?: () => number;
  readonly randomId?: () => string;
}

export type FileWarningCode =
  'bad-control' | 'bad-record' | 'wrong-peer' | 'too-many-offers' | 'storage' | 'control-send';

export interface FileWarning {
  readonly code: FileWarningCode;
  readonly message: string;
  readonly peerId?: string;
  readonly transferId?: string;
}

export interface FileEngineEvents {
  /** Every state change, and at most every 500 ms while bytes move. */
  transfer: [TransferInfo];
  /** A transfer ended `done` (or `failed` with some files kept): the kept files and their SHA-256. */
  done: [TransferDone];
  /** Names that were changed or skipped: on offering (sender) and on planning (receiver). */
  paths: [PathReport];
  warning: [FileWarning];
}

export type OperationErrorCode =
  | 'unknown-transfer'
  | 'wrong-state'
  | 'wrong-direction'
  | 'not-a-folder'
  | 'no-space'
  | 'paused-by-peer'
  | 'nothing-to-send'
  | 'too-many-files'
  | 'not-found'
  | 'control'
  | 'closed';

export type OperationResult =
  | { readonly ok: true; readonly transfer: TransferInfo }
  | { readonly ok: false; readonly code: OperationErrorCode; readonly message: string };

export type OfferResult =
  | {
      readonly ok: true;
      readonly transfer: TransferInfo;
      /** Names the receiver will change (the same rules the receiver applies). */
      readonly renamed: readonly PathIssue[];
      /** Symlinks, devices, unreadable entries: not offered. */
      readonly skipped: readonly PathIssue[];
    }
  | { readonly ok: false; readonly code: OperationErrorCode; readonly message: string };

export type { PathReport };

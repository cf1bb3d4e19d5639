/**
 * Control messages of file transfers. They travel through the node's reliable, ordered, stored
 * message stream (docs/FILES.md, "Control messages"); every one names its transfer. The engine
 * treats a repeated message as a no-op, so at-least-once delivery is enough for correctness.
 * parseControlMessage never throws: a peer wrote this.
 */
import {
  isCount,
  isRecord,
  MAX_DISPLAY_NAME_CHARS,
  parseManifest,
  SHA256_HEX,
  type Manifest,
  type OfferSummary,
  type ParseResult,
} from './manifest';
import { MAX_MANIFEST_BYTES, MAX_OFFER_NAMES } from './limits';

/** Every file control message's `type` starts with this, so the node can route them. */
export const FILE_MESSAGE_PREFIX = 'file-';
/** A transfer id: 16 random bytes in lower-case hex. */
export const TRANSFER_ID = /^[0-9a-f]{32}$/;
/** At most this many failed file numbers are listed in `file-done`. */
export const MAX_LISTED_FAILURES = 1000;

export type DeclineReason = 'user' | 'too-many-offers' | 'bad-manifest';

export type FileControlMessage =
  | {
      readonly type: 'file-offer';
      readonly v: 1;
      readonly transfer: string;
      readonly summary: OfferSummary;
      /** SHA-256 of the encoded manifest (encodeManifest): the offer commits to it. */
      readonly manifestSha256: string;
      readonly manifestBytes: number;
      /** Present when the encoded manifest is small; otherwise fetched over the data channel. */
      readonly manifest?: Manifest;
    }
  | { readonly type: 'file-accept'; readonly transfer: string }
  | { readonly type: 'file-decline'; readonly transfer: string; readonly reason: DeclineReason }
  | { readonly type: 'file-cancel'; readonly transfer: string }
  | { readonly type: 'file-pause'; readonly transfer: string }
  | { readonly type: 'file-resume'; readonly transfer: string }
  | {
      readonly type: 'file-done';
      readonly transfer: string;
      readonly filesDone: number;
      readonly filesFailed: number;
      /** Indices of failed files, at most MAX_LISTED_FAILURES. */
      readonly failed: readonly number[];
    };

export type FileControlType = FileControlMessage['type'];

function parseSummary(value: unknown): OfferSummary | undefined {
  if (!isRecord(value)) return undefined;
  const { files, folders, bytes, names } = value;
  if (!isCount(files) || !isCount(folders) || !isCount(bytes)) return undefined;
  if (!Array.isArray(names) || names.length > MAX_OFFER_NAMES) return undefined;
  const ok = names.every(
    (n) => typeof n === 'string' && n.length > 0 && n.length <= 2 * MAX_DISPLAY_NAME_CHARS,
  );
  return ok ? { files, folders, bytes, names: names as string[] } : undefined;
}

function parseOffer(
  value: Readonly<Record<string, unknown>>,
  transfer: string,
): ParseResult<FileControlMessage> {
  const summary = parseSummary(value['summary']);
  const { manifestSha256, manifestBytes, manifest } = value;
  if (summary === undefined) return fail('bad summary');
  if (typeof manifestSha256 !== 'string' || !SHA256_HEX.test(manifestSha256))
    return fail('bad manifestSha256');
  if (!isCount(manifestBytes) || manifestBytes > MAX_MANIFEST_BYTES)
    return fail('bad manifestBytes');
  const base = {
    type: 'file-offer' as const,
    v: 1 as const,
    transfer,
    summary,
    manifestSha256,
    manifestBytes,
  };
  if (manifest === undefined) return ok(base);
  const parsed = parseManifest(manifest);
  if (!parsed.ok) return fail(`manifest: ${parsed.error}`);
  return ok({ ...base, manifest: parsed.value });
}

function parseDone(
  value: Readonly<Record<string, unknown>>,
  transfer: string,
): ParseResult<FileControlMessage> {
  const { filesDone, filesFailed, failed } = value;
  if (!isCount(filesDone) || !isCount(filesFailed)) return fail('bad counts');
  if (!Array.isArray(failed) || failed.length > MAX_LISTED_FAILURES || !failed.every(isCount))
    return fail('bad failed list');
  return ok({ type: 'file-done', transfer, filesDone, filesFailed, failed });
}

function parseDecline(
  value: Readonly<Record<string, unknown>>,
  transfer: string,
): ParseResult<FileControlMessage> {
  const reason = value['reason'];
  const known: readonly unknown[] = ['user', 'too-many-offers', 'bad-manifest'];
  const safe: DeclineReason = known.includes(reason) ? (reason as DeclineReason) : 'user';
  return ok({ type: 'file-decline', transfer, reason: safe });
}

function ok(value: FileControlMessage): ParseResult<FileControlMessage> {
  return { ok: true, value };
}
function fail(error: string): ParseResult<FileControlMessage> {
  return { ok: false, error };
}

/** A control message from a peer, checked field by field; unknown fields are ignored. */
export function parseControlMessage(value: unknown): ParseResult<FileControlMessage> {
  if (!isRecord(value)) return fail('not an object');
  const { type, transfer } = value;
  if (typeof transfer !== 'string' || !TRANSFER_ID.test(transfer)) return fail('bad transfer id');
  switch (type) {
    case 'file-offer':
      return value['v'] === 1 ? parseOffer(value, transfer) : fail('unsupported offer version');
    case 'file-done':
      return parseDone(value, transfer);
    case 'file-decline':
      return parseDecline(value, transfer);
    case 'file-accept':
    case 'file-cancel':
    case 'file-pause':
    case 'file-resume':
      return ok({ type, transfer });
    default:
      return fail('unknown type');
  }
}

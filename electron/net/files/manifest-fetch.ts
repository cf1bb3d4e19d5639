/**
 * Fetches a manifest too big to travel inside the offer: MANIFEST_GET in slices over one data
 * stream, the bytes checked against the SHA-256 the offer committed to, then parsed.
 */
import { createHash } from 'node:crypto';
import { MAX_REQUEST_BYTES } from '../../../shared/files/limits';
import { parseManifest, type Manifest } from '../../../shared/files/manifest';
import type { DataChannel, RecordStream } from './ports';
import { decodeRecord, encodeRecord, type RecordErrorCode } from './records';

export type FetchResult =
  | { readonly ok: true; readonly manifest: Manifest }
  /** `retry`: the connection failed, try again later; otherwise the manifest is bad. */
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly message: string;
      /** The sender answered with an ERROR record. */
      readonly refused?: RecordErrorCode;
    };

export interface ManifestRef {
  readonly peerId: string;
  readonly transfer: string;
  readonly bytes: number;
  readonly sha256: string;
}

async function readSlice(
  stream: RecordStream,
  ref: ManifestRef,
  into: Buffer,
  offset: number,
  length: number,
): Promise<FetchResult | undefined> {
  const request = { type: 'manifest-get' as const, transfer: ref.transfer, offset, length };
  if (!(await stream.write(encodeRecord(request))).ok) return lost('stream closed');
  for (let at = offset; at < offset + length;) {
    const bytes = await stream.read();
    if (bytes === undefined) return lost('stream closed');
    const decoded = decodeRecord(bytes);
    if (!decoded.ok) return bad(decoded.error);
    const record = decoded.record;
    if (record.transfer !== ref.transfer) return bad('record for another transfer');
    if (record.type === 'error')
      return { ok: false, retry: false, refused: record.code, message: record.code };
    if (record.type !== 'manifest-data' || record.offset !== at) return bad('unexpected record');
    if (record.total !== ref.bytes || at + record.payload.byteLength > offset + length)
      return bad('manifest slice out of range');
    into.set(record.payload, at);
    at += record.payload.byteLength;
  }
  return undefined;
}

function lost(message: string): FetchResult {
  return { ok: false, retry: true, message };
}
function bad(message: string): FetchResult {
  return { ok: false, retry: false, message };
}

function parse(bytes: Buffer, ref: ManifestRef): FetchResult {
  if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256)
    return bad('manifest does not match its hash');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bad('manifest is not JSON');
  }
  const parsed = parseManifest(value);
  return parsed.ok ? { ok: true, manifest: parsed.value } : bad(parsed.error);
}

export async function fetchManifest(channel: DataChannel, ref: ManifestRef): Promise<FetchResult> {
  const opened = await channel.open(ref.peerId);
  if (!opened.ok) return lost(opened.error.message);
  const stream = opened.stream;
  try {
    const bytes = Buffer.alloc(ref.bytes);
    for (let offset = 0; offset < ref.bytes; offset += MAX_REQUEST_BYTES) {
      const length = Math.min(MAX_REQUEST_BYTES, ref.bytes - offset);
      const failed = await readSlice(stream, ref, bytes, offset, length);
      if (failed !== undefined) return failed;
    }
    return parse(bytes, ref);
  } finally {
    stream.close();
  }
}

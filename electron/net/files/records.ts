/**
 * Data-channel records, byte by byte (docs/FILES.md, "Data records"). Every record starts with a
 * type byte and the 16-byte transfer id; integers are big-endian; 64-bit offsets stay within
 * Number.MAX_SAFE_INTEGER. decodeRecord never throws: a peer wrote this.
 */
import { MAX_DATA_RECORD_BYTES, MAX_REQUEST_BYTES } from '../../../shared/files/limits';

export const RECORD_TYPE = {
  get: 1,
  data: 2,
  fileEnd: 3,
  error: 4,
  manifestGet: 5,
  manifestData: 6,
} as const;

export const RECORD_ERRORS = [
  'unknown-transfer',
  'not-allowed',
  'bad-request',
  'source-changed',
  'source-unreadable',
  'prefix-mismatch',
  'paused',
  'cancelled',
] as const;
export type RecordErrorCode = (typeof RECORD_ERRORS)[number];

export const TRANSFER_ID_BYTES = 16;
export const SHA256_BYTES = 32;
/** type + transfer id */
const HEAD = 1 + TRANSFER_ID_BYTES;
export const GET_BYTES = HEAD + 4 + 8 + 4 + 1;
export const DATA_HEADER_BYTES = HEAD + 4 + 8;
export const FILE_END_BYTES = HEAD + 4 + 8 + SHA256_BYTES;
export const ERROR_BYTES = HEAD + 4 + 1;
export const MANIFEST_GET_BYTES = HEAD + 4 + 4;
export const MANIFEST_DATA_HEADER_BYTES = HEAD + 4 + 4;
const GET_HAS_PREFIX = 1;

export type DataRecord =
  | {
      readonly type: 'get';
      readonly transfer: string;
      readonly file: number;
      readonly offset: number;
      readonly length: number;
      /** SHA-256 of the receiver's first `offset` bytes, on the first request of a resumed file. */
      readonly prefix?: Uint8Array;
    }
  | {
      readonly type: 'data';
      readonly transfer: string;
      readonly file: number;
      readonly offset: number;
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'file-end';
      readonly transfer: string;
      readonly file: number;
      readonly size: number;
      readonly sha256: Uint8Array;
    }
  | {
      readonly type: 'error';
      readonly transfer: string;
      readonly file: number;
      readonly code: RecordErrorCode;
    }
  | {
      readonly type: 'manifest-get';
      readonly transfer: string;
      readonly offset: number;
      readonly length: number;
    }
  | {
      readonly type: 'manifest-data';
      readonly transfer: string;
      readonly offset: number;
      readonly total: number;
      readonly payload: Uint8Array;
    };

function head(type: number, transfer: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt8(type, 0);
  buf.write(transfer, 1, TRANSFER_ID_BYTES, 'hex');
  return buf;
}

function writeU64(buf: Buffer, value: number, at: number): void {
  buf.writeUInt32BE(Math.floor(value / 2 ** 32), at);
  buf.writeUInt32BE(value % 2 ** 32, at + 4);
}

function readU64(buf: Buffer, at: number): number | undefined {
  const high = buf.readUInt32BE(at);
  if (high >= 2 ** 21) return undefined; // above Number.MAX_SAFE_INTEGER
  return high * 2 ** 32 + buf.readUInt32BE(at + 4);
}

export function encodeRecord(record: DataRecord): Buffer {
  switch (record.type) {
    case 'get':
      return encodeGet(record);
    case 'data': {
      const buf = head(RECORD_TYPE.data, record.transfer, DATA_HEADER_BYTES);
      buf.writeUInt32BE(record.file, HEAD);
      writeU64(buf, record.offset, HEAD + 4);
      return Buffer.concat([buf, record.payload]);
    }
    case 'file-end': {
      const buf = head(RECORD_TYPE.fileEnd, record.transfer, FILE_END_BYTES);
      buf.writeUInt32BE(record.file, HEAD);
      writeU64(buf, record.size, HEAD + 4);
      buf.set(record.sha256, HEAD + 12);
      return buf;
    }
    case 'error': {
      const buf = head(RECORD_TYPE.error, record.transfer, ERROR_BYTES);
      buf.writeUInt32BE(record.file, HEAD);
      buf.writeUInt8(RECORD_ERRORS.indexOf(record.code) + 1, HEAD + 4);
      return buf;
    }
    case 'manifest-get': {
      const buf = head(RECORD_TYPE.manifestGet, record.transfer, MANIFEST_GET_BYTES);
      buf.writeUInt32BE(record.offset, HEAD);
      buf.writeUInt32BE(record.length, HEAD + 4);
      return buf;
    }
    case 'manifest-data': {
      const buf = head(RECORD_TYPE.manifestData, record.transfer, MANIFEST_DATA_HEADER_BYTES);
      buf.writeUInt32BE(record.offset, HEAD);
      buf.writeUInt32BE(record.total, HEAD + 4);
      return Buffer.concat([buf, record.payload]);
    }
  }
}

function encodeGet(record: Extract<DataRecord, { type: 'get' }>): Buffer {
  const prefix = record.prefix;
  const buf = head(RECORD_TYPE.get, record.transfer, GET_BYTES + (prefix ? SHA256_BYTES : 0));
  buf.writeUInt32BE(record.file, HEAD);
  writeU64(buf, record.offset, HEAD + 4);
  buf.writeUInt32BE(record.length, HEAD + 12);
  buf.writeUInt8(prefix ? GET_HAS_PREFIX : 0, HEAD + 16);
  if (prefix) buf.set(prefix, GET_BYTES);
  return buf;
}

/**
 * Writes a DATA record's header in front of `payload`, which the caller read into
 * `buf.subarray(DATA_HEADER_BYTES)`: the sender's hot path copies each chunk once.
 */
export function writeDataHeader(buf: Buffer, transfer: string, file: number, offset: number): void {
  buf.writeUInt8(RECORD_TYPE.data, 0);
  buf.write(transfer, 1, TRANSFER_ID_BYTES, 'hex');
  buf.writeUInt32BE(file, HEAD);
  writeU64(buf, offset, HEAD + 4);
}

export type DecodeResult =
  | { readonly ok: true; readonly record: DataRecord }
  | { readonly ok: false; readonly error: string };

const bad = (error: string): DecodeResult => ({ ok: false, error });

/** A record from the wire, checked: lengths, known type, offsets within safe integers. */
export function decodeRecord(bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength < HEAD) return bad('short record');
  if (bytes.byteLength > MAX_DATA_RECORD_BYTES) return bad('record too large');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const transfer = buf.toString('hex', 1, HEAD);
  switch (buf.readUInt8(0)) {
    case RECORD_TYPE.get:
      return decodeGet(buf, transfer);
    case RECORD_TYPE.data:
      return decodeData(buf, transfer);
    case RECORD_TYPE.fileEnd:
      return decodeFileEnd(buf, transfer);
    case RECORD_TYPE.error:
      return decodeError(buf, transfer);
    case RECORD_TYPE.manifestGet:
      return decodeManifestGet(buf, transfer);
    case RECORD_TYPE.manifestData:
      return decodeManifestData(buf, transfer);
    default:
      return bad('unknown record type');
  }
}

function decodeGet(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength !== GET_BYTES && buf.byteLength !== GET_BYTES + SHA256_BYTES)
    return bad('bad GET length');
  const offset = readU64(buf, HEAD + 4);
  const length = buf.readUInt32BE(HEAD + 12);
  const flags = buf.readUInt8(HEAD + 16);
  const hasPrefix = (flags & GET_HAS_PREFIX) !== 0;
  if (offset === undefined || length > MAX_REQUEST_BYTES) return bad('bad GET range');
  if (hasPrefix !== buf.byteLength > GET_BYTES || (flags & ~GET_HAS_PREFIX) !== 0)
    return bad('bad GET flags');
  const file = buf.readUInt32BE(HEAD);
  const base = { type: 'get' as const, transfer, file, offset, length };
  if (!hasPrefix) return { ok: true, record: base };
  return { ok: true, record: { ...base, prefix: Uint8Array.from(buf.subarray(GET_BYTES)) } };
}

function decodeData(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength <= DATA_HEADER_BYTES) return bad('empty DATA');
  const offset = readU64(buf, HEAD + 4);
  if (offset === undefined) return bad('bad DATA offset');
  const file = buf.readUInt32BE(HEAD);
  const payload = buf.subarray(DATA_HEADER_BYTES);
  return { ok: true, record: { type: 'data', transfer, file, offset, payload } };
}

function decodeFileEnd(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength !== FILE_END_BYTES) return bad('bad FILE_END length');
  const size = readU64(buf, HEAD + 4);
  if (size === undefined) return bad('bad FILE_END size');
  const file = buf.readUInt32BE(HEAD);
  const sha256 = Uint8Array.from(buf.subarray(HEAD + 12));
  return { ok: true, record: { type: 'file-end', transfer, file, size, sha256 } };
}

function decodeError(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength !== ERROR_BYTES) return bad('bad ERROR length');
  const code = RECORD_ERRORS[buf.readUInt8(HEAD + 4) - 1];
  if (code === undefined) return bad('unknown ERROR code');
  return { ok: true, record: { type: 'error', transfer, file: buf.readUInt32BE(HEAD), code } };
}

function decodeManifestGet(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength !== MANIFEST_GET_BYTES) return bad('bad MANIFEST_GET length');
  const offset = buf.readUInt32BE(HEAD);
  const length = buf.readUInt32BE(HEAD + 4);
  if (length > MAX_REQUEST_BYTES) return bad('bad MANIFEST_GET length field');
  return { ok: true, record: { type: 'manifest-get', transfer, offset, length } };
}

function decodeManifestData(buf: Buffer, transfer: string): DecodeResult {
  if (buf.byteLength <= MANIFEST_DATA_HEADER_BYTES) return bad('empty MANIFEST_DATA');
  const offset = buf.readUInt32BE(HEAD);
  const total = buf.readUInt32BE(HEAD + 4);
  const payload = buf.subarray(MANIFEST_DATA_HEADER_BYTES);
  return { ok: true, record: { type: 'manifest-data', transfer, offset, total, payload } };
}

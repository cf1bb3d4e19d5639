import { describe, expect, it } from 'vitest';
import {
  DATA_HEADER_BYTES,
  GET_BYTES,
  decodeRecord,
  encodeRecord,
  type DataRecord,
} from '../../../../electron/net/files/records';
import { DATA_CHUNK_BYTES, MAX_DATA_RECORD_BYTES } from '../../../../shared/files/limits';

const T = '00112233445566778899aabbccddeeff';
const bytes = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);

const RECORDS: DataRecord[] = [
  { type: 'get', transfer: T, file: 0, offset: 0, length: 1024 * 1024 },
  {
    type: 'get',
    transfer: T,
    file: 4_000_000_000,
    offset: 2 ** 53 - 1,
    length: 0,
    prefix: bytes(32),
  },
  { type: 'data', transfer: T, file: 3, offset: 2 ** 40 + 5, payload: bytes(DATA_CHUNK_BYTES) },
  { type: 'data', transfer: T, file: 3, offset: 0, payload: bytes(1) },
  { type: 'file-end', transfer: T, file: 9, size: 123_456_789_012, sha256: bytes(32, 0xab) },
  { type: 'error', transfer: T, file: 2, code: 'prefix-mismatch' },
  { type: 'error', transfer: T, file: 0, code: 'cancelled' },
  { type: 'manifest-get', transfer: T, offset: 65_536, length: 1_000_000 },
  { type: 'manifest-data', transfer: T, offset: 10, total: 99, payload: bytes(20) },
];

function normal(record: DataRecord): unknown {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, v instanceof Uint8Array ? Array.from(v) : v]),
  );
}

describe('data records', () => {
  it.each(RECORDS.map((r) => [r.type, r] as const))('%s round-trips', (_type, record) => {
    const decoded = decodeRecord(encodeRecord(record));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(normal(decoded.record)).toEqual(normal(record));
  });

  it('fits the biggest DATA record within the limit', () => {
    expect(DATA_HEADER_BYTES + DATA_CHUNK_BYTES).toBeLessThanOrEqual(MAX_DATA_RECORD_BYTES);
  });

  const get = encodeRecord({ type: 'get', transfer: T, file: 1, offset: 0, length: 10 });
  const withHigh = (buf: Buffer, at: number, value: number): Buffer => {
    const copy = Buffer.from(buf);
    copy.writeUInt32BE(value, at);
    return copy;
  };
  it.each([
    ['empty', new Uint8Array(0)],
    ['shorter than the head', bytes(16)],
    ['unknown type', Buffer.concat([Buffer.from([99]), Buffer.alloc(40)])],
    ['too large', Buffer.concat([Buffer.from([2]), Buffer.alloc(MAX_DATA_RECORD_BYTES)])],
    ['GET one byte short', get.subarray(0, GET_BYTES - 1)],
    ['GET with a stray byte', Buffer.concat([get, Buffer.alloc(1)])],
    ['GET offset above 2^53', withHigh(get, 21, 2 ** 21)],
    ['GET length above the limit', withHigh(get, 29, 0xffffffff)],
    ['GET with unknown flags', Buffer.concat([get.subarray(0, GET_BYTES - 1), Buffer.from([2])])],
    [
      'GET claiming a prefix it lacks',
      Buffer.concat([get.subarray(0, GET_BYTES - 1), Buffer.from([1])]),
    ],
    [
      'DATA without payload',
      encodeRecord({ type: 'data', transfer: T, file: 0, offset: 0, payload: bytes(1) }).subarray(
        0,
        DATA_HEADER_BYTES,
      ),
    ],
    [
      'ERROR with code 0',
      Buffer.concat([
        encodeRecord({ type: 'error', transfer: T, file: 0, code: 'paused' }).subarray(0, 21),
        Buffer.from([0]),
      ]),
    ],
    [
      'ERROR with code 200',
      Buffer.concat([
        encodeRecord({ type: 'error', transfer: T, file: 0, code: 'paused' }).subarray(0, 21),
        Buffer.from([200]),
      ]),
    ],
    [
      'FILE_END cut short',
      encodeRecord({ type: 'file-end', transfer: T, file: 0, size: 1, sha256: bytes(32) }).subarray(
        0,
        40,
      ),
    ],
  ])('refuses %s', (_name, record) => {
    expect(decodeRecord(record).ok).toBe(false);
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2_000; i += 1) {
      const junk = Buffer.alloc(Math.floor(Math.random() * 120));
      for (let j = 0; j < junk.length; j += 1) junk[j] = Math.floor(Math.random() * 7);
      expect(() => decodeRecord(junk)).not.toThrow();
    }
  });
});

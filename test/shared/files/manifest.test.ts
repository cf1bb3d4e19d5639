import { describe, expect, it } from 'vitest';
import {
  encodeManifest,
  parseManifest,
  summarize,
  type Manifest,
} from '../../../shared/files/manifest';

const GOOD: Manifest = {
  version: 1,
  files: [
    { path: 'a/b.txt', size: 3, mtime: 1_700_000_000_000, sha256: 'ab'.repeat(32) },
    { path: 'a/c.bin', size: 0, mtime: 0 },
  ],
  folders: ['a/empty'],
};

describe('manifest', () => {
  it('round-trips through its encoding, which is stable', () => {
    const text = encodeManifest(GOOD);
    expect(parseManifest(JSON.parse(text))).toEqual({ ok: true, value: GOOD });
    expect(encodeManifest({ ...GOOD, files: [...GOOD.files] })).toBe(text);
  });

  it('ignores unknown fields', () => {
    const value = { ...GOOD, extra: 1, files: GOOD.files.map((f) => ({ ...f, mode: 0o644 })) };
    expect(parseManifest(value)).toEqual({ ok: true, value: GOOD });
  });

  it.each([
    ['not an object', null],
    ['a list', []],
    ['wrong version', { ...GOOD, version: 2 }],
    ['files not a list', { ...GOOD, files: {} }],
    ['negative size', { ...GOOD, files: [{ path: 'x', size: -1, mtime: 0 }] }],
    ['fractional size', { ...GOOD, files: [{ path: 'x', size: 1.5, mtime: 0 }] }],
    ['unsafe size', { ...GOOD, files: [{ path: 'x', size: 2 ** 53, mtime: 0 }] }],
    ['string size', { ...GOOD, files: [{ path: 'x', size: '1', mtime: 0 }] }],
    ['empty path', { ...GOOD, files: [{ path: '', size: 1, mtime: 0 }] }],
    ['path not a string', { ...GOOD, files: [{ path: 7, size: 1, mtime: 0 }] }],
    ['huge path', { ...GOOD, files: [{ path: 'x'.repeat(5000), size: 1, mtime: 0 }] }],
    ['bad sha', { ...GOOD, files: [{ path: 'x', size: 1, mtime: 0, sha256: 'XYZ' }] }],
    [
      'upper-case sha',
      { ...GOOD, files: [{ path: 'x', size: 1, mtime: 0, sha256: 'AB'.repeat(32) }] },
    ],
    [
      'total above 2^53',
      {
        ...GOOD,
        files: [
          { path: 'x', size: 2 ** 52, mtime: 0 },
          { path: 'y', size: 2 ** 52, mtime: 0 },
        ],
      },
    ],
    ['folders not a list', { ...GOOD, folders: 'a' }],
    ['folder not a string', { ...GOOD, folders: [1] }],
  ])('refuses %s', (_name, value) => {
    expect(parseManifest(value).ok).toBe(false);
  });

  it('summarises: counts, bytes, top-level names', () => {
    expect(summarize(GOOD)).toEqual({ files: 2, folders: 1, bytes: 3, names: ['a'] });
    const many: Manifest = {
      version: 1,
      files: Array.from({ length: 30 }, (_, i) => ({ path: `f${i}`, size: 1, mtime: 0 })),
      folders: [],
    };
    expect(summarize(many).names).toHaveLength(20);
  });
});

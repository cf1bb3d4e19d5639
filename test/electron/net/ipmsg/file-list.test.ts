import { describe, expect, it } from 'vitest';
import {
  entryKind,
  formatFileEntry,
  parseFileList,
  parseHex,
} from '../../../../electron/net/ipmsg/file-list';

describe('attachment lists', () => {
  it('reads iptux offers (`id:name:size:mtime:attr:` then BEL)', () => {
    expect(parseFileList('10000:out.bin:186a0:6b06ebb2:1:\u0007')).toEqual([
      { fileId: 10000, name: 'out.bin', size: 0x186a0, mtime: 0x6b06ebb2, attr: 1 },
    ]);
  });

  it('reads several entries, with and without the colon after BEL, and extended attributes', () => {
    const list =
      '0:a.txt:a:5f000000:1:14=5f000000:\u0007:1:docs:0:5f000001:2:\u00072:b c.png:ff:0:1:\u0007';
    expect(parseFileList(list).map((e) => [e.fileId, e.name, e.size, entryKind(e.attr)])).toEqual([
      [0, 'a.txt', 10, 'file'],
      [1, 'docs', 0, 'folder'],
      [2, 'b c.png', 255, 'file'],
    ]);
  });

  it("reads '::' as a colon inside names", () => {
    expect(parseFileList('3:a::b:::1:0:1:\u0007')[0]?.name).toBe('a:b:');
  });

  it('skips malformed entries and keeps the good ones', () => {
    const list =
      'x:bad:1:1:1:\u0007' +
      '4:ok:1:0:1:\u0007' +
      '5::1:0:1:\u0007' +
      '6:nosize::0:1:\u0007' +
      '7:unterminated';
    expect(parseFileList(list).map((e) => e.fileId)).toEqual([4]);
  });

  it('round-trips what we write', () => {
    const entry = {
      fileId: 12,
      name: '报告:2024.docx',
      size: 123_456_789_012,
      mtime: 1_700_000_000,
      attr: 1,
    };
    expect(parseFileList(formatFileEntry(entry))).toEqual([entry]);
  });

  it('bounds numbers and entries', () => {
    expect(parseHex('0000000000001234')).toBe(0x1234);
    expect(parseHex('fffffffffffffff')).toBeUndefined();
    const many = Array.from({ length: 1000 }, (_, i) => `${i}:f${i}:1:0:1:\u0007`).join('');
    expect(parseFileList(many)).toHaveLength(256);
  });
});

describe('iptux versions that crash on folders', () => {
  it('are 0.8.x to 0.9.3 (iptux issue #472, fixed in 0.9.4)', async () => {
    const { crashesOnFolders } = await import('../../../../electron/net/ipmsg/files');
    expect(crashesOnFolders('1_iptux 0.8.3')).toBe(true);
    expect(crashesOnFolders('1_iptux 0.9.3')).toBe(true);
    expect(crashesOnFolders('1_iptux 0.9.4')).toBe(false);
    expect(crashesOnFolders('1_iptux 0.10.0')).toBe(false);
    expect(crashesOnFolders('1_lbt6_0#128#000C29AABBCC#0#0#0#4001#9')).toBe(false);
    expect(crashesOnFolders('1')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES } from '../../../shared/files/limits';
import { clashName, nameKey, safeName, safeRelativePath } from '../../../shared/files/names';
import { utf8Length } from '../../../shared/utf8';
import type { PathIssueReason } from '../../../shared/files/types';

/** The receiver's view: [wire path, safe path or null when refused, reasons]. */
const TABLE: readonly [string, string | null, readonly PathIssueReason[]][] = [
  ['photos/a.jpg', 'photos/a.jpg', []],
  ['文件夹/照片 😀.png', '文件夹/照片 😀.png', []],
  ['../evil', null, ['traversal']],
  ['a/../../evil', null, ['traversal']],
  ['a/./b', null, ['traversal']],
  ['..', null, ['traversal']],
  ['/etc/passwd', null, ['absolute']],
  ['\\\\server\\share\\x', null, ['absolute']],
  ['\\windows\\x', null, ['absolute']],
  ['C:\\Windows\\system32', null, ['drive-letter']],
  ['c:relative', null, ['drive-letter']],
  ['', null, ['empty']],
  ['a//b', null, ['empty']],
  ['a/', null, ['empty']],
  ['..\\..\\evil', '.._.._evil', ['bad-character']],
  ['a\\b', 'a_b', ['bad-character']],
  ['CON', '_CON', ['reserved-name']],
  ['con.txt', '_con.txt', ['reserved-name']],
  ['dir/NUL', 'dir/_NUL', ['reserved-name']],
  ['COM1.log', '_COM1.log', ['reserved-name']],
  ['lpt9', '_lpt9', ['reserved-name']],
  ['COM\u00b9', '_COM\u00b9', ['reserved-name']],
  ['CONIN$', '_CONIN$', ['reserved-name']],
  ['console', 'console', []],
  ['CON .txt', '_CON .txt', ['reserved-name']],
  ['name.', 'name', ['trailing-dot-or-space']],
  ['name . . ', 'name', ['trailing-dot-or-space']],
  ['dir./file', 'dir/file', ['trailing-dot-or-space']],
  ['...', '_', ['trailing-dot-or-space', 'empty']],
  ['a<b>c:d"e|f?g*h', 'a_b_c_d_e_f_g_h', ['bad-character']],
  ['nul\u0000byte', 'nul_byte', ['bad-character']],
  ['line\nbreak', 'line_break', ['bad-character']],
  ['del\u007f', 'del_', ['bad-character']],
  ['c1\u0085', 'c1_', ['bad-character']],
  ['lone\ud800', 'lone_', ['bad-character']],
  ['photo\u202egnp.exe', 'photognp.exe', ['invisible-character']],
  ['zero\u200bwidth', 'zerowidth', ['invisible-character']],
  ['\ufeffbom', 'bom', ['invisible-character']],
  ['family 👨‍👩‍👧.txt', 'family 👨‍👩‍👧.txt', []],
  ['x.pchat-part', 'x.pchat-part_', ['reserved-suffix']],
  ['X.PCHAT-PART', 'X.PCHAT-PART_', ['reserved-suffix']],
  ['e\u0301.txt', '\u00e9.txt', []],
];

describe('safeRelativePath: the receiver view of hostile names', () => {
  it.each(TABLE)('%j', (wire, safe, reasons) => {
    const result = safeRelativePath(wire);
    if (safe === null) {
      expect(result).toEqual({ ok: false, reasons });
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.path).toBe(safe);
    expect([...result.reasons].sort()).toEqual([...reasons].sort());
  });

  it('refuses paths deeper than the limit', () => {
    expect(safeRelativePath(Array.from({ length: 65 }, () => 'd').join('/'))).toEqual({
      ok: false,
      reasons: ['too-deep'],
    });
    expect(safeRelativePath(Array.from({ length: 64 }, () => 'd').join('/')).ok).toBe(true);
  });

  it('shortens an over-long name on a code point boundary, keeping the extension', () => {
    const result = safeName(`${'長'.repeat(200)}.txt`);
    expect(result.reasons).toEqual(['too-long']);
    expect(utf8Length(result.name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(result.name.endsWith('長.txt')).toBe(true);
    const emoji = safeName('😀'.repeat(100));
    expect(utf8Length(emoji.name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(emoji.name).toBe('😀'.repeat(50));
  });

  it('refuses a path that is too long even once every name is short', () => {
    const path = Array.from({ length: 40 }, () => 'n'.repeat(60)).join('/');
    expect(safeRelativePath(path)).toEqual({ ok: false, reasons: ['too-long'] });
  });

  it('never returns a name that is empty, reserved, dotted or with a forbidden character', () => {
    for (const [wire] of TABLE) {
      const result = safeRelativePath(wire);
      if (!result.ok) continue;
      for (const name of result.components) {
        expect(name).not.toBe('');
        // eslint-disable-next-line no-control-regex -- control characters are what is checked
        expect(name).not.toMatch(/[<>:"|?*\\/\u0000-\u001f]|[. ]$/u);
        expect(name.split('.')[0]).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
      }
    }
  });
});

describe('clashName and nameKey', () => {
  it.each([
    ['report.pdf', 1, false, 'report (1).pdf'],
    ['report.pdf', 12, false, 'report (12).pdf'],
    ['archive.tar.gz', 1, false, 'archive (1).tar.gz'],
    ['.bashrc', 1, false, '.bashrc (1)'],
    ['README', 2, false, 'README (2)'],
    ['photos.2024', 1, true, 'photos.2024 (1)'],
    ['a.txt', 0, false, 'a.txt'],
  ] as const)('%s #%d folder=%s -> %s', (name, n, folder, expected) => {
    expect(clashName(name, n, folder)).toBe(expected);
  });

  it('folds case and normalisation, as Windows and macOS compare names', () => {
    expect(nameKey('Photo.JPG')).toBe(nameKey('photo.jpg'));
    expect(nameKey('e\u0301')).toBe(nameKey('\u00e9'));
  });
});

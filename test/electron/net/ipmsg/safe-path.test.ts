import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  resolveInside,
  safeComponent,
  safeComponentWhy,
  uniqueName,
} from '../../../../electron/net/ipmsg/safe-path';
import { useTempDirs } from '../../../helpers/temp-dir';

describe('safe names', () => {
  it.each([
    ['report.docx', 'report.docx'],
    ['报告 2024.docx', '报告 2024.docx'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['/etc/passwd', '_etc_passwd'],
    ['C:\\Windows\\win.ini', 'C__Windows_win.ini'],
    ['a:b', 'a_b'],
    ['tab\there', 'tab_here'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['LPT9.log', '_LPT9.log'],
    ['name. . ', 'name'],
    ['  spaced', 'spaced'],
    ['\u0000', '_'],
  ])('%j becomes %j', (input, output) => {
    expect(safeComponent(input)).toBe(output);
  });

  it.each(['', '.', '..', '   ', '. .'])('%j is refused', (input) => {
    expect(safeComponent(input)).toBeUndefined();
  });

  it.each([
    ['report.docx', []],
    ['e\u0301.txt', []], // only the Unicode form changes: é
    ['a:b', ['bad-character']],
    ['  spaced', ['bad-character']],
    ['name. . ', ['trailing-dot-or-space']],
    ['nul.txt', ['reserved-name']],
    ['con?. ', ['bad-character', 'trailing-dot-or-space']],
    ['长'.repeat(200), ['too-long']],
  ])('%j changes for %j', (input, reasons) => {
    expect(safeComponentWhy(input)).toEqual({ name: safeComponent(input), reasons });
  });

  it('cuts long names to 255 bytes at a character boundary', () => {
    const name = safeComponent('长'.repeat(200))!;
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name).toBe('长'.repeat(85));
  });
});

describe('paths inside the chosen folder', () => {
  const tempDir = useTempDirs();

  it('joins components and refuses anything outside', () => {
    const root = tempDir();
    expect(resolveInside(root, ['a', 'b'])).toBe(path.join(root, 'a', 'b'));
    expect(() => resolveInside(root, ['..', 'x'])).toThrow(/outside/);
    expect(() => resolveInside(root, ['/tmp'])).toThrow(/outside/);
    expect(() => resolveInside(root, [])).toThrow(/outside/);
  });

  it('finds a free name next to existing files and folders', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'a.txt'), '');
    writeFileSync(path.join(root, 'a (1).txt'), '');
    mkdirSync(path.join(root, 'folder'));
    expect(await uniqueName(root, 'a.txt')).toBe('a (2).txt');
    expect(await uniqueName(root, 'folder')).toBe('folder (1)');
    expect(await uniqueName(root, 'new')).toBe('new');
  });
});

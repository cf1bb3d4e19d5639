import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NameAllocator,
  isInside,
  planNames,
  planReceive,
} from '../../../../electron/net/files/receive-plan';
import type { Manifest } from '../../../../shared/files/manifest';
import { writeFile } from './helpers/trees';

const manifest = (paths: string[], folders: string[] = []): Manifest => ({
  version: 1,
  files: paths.map((path) => ({ path, size: 1, mtime: 0 })),
  folders,
});

describe('planNames', () => {
  it('keeps safe names as they are', () => {
    const plan = planNames(manifest(['a/b.txt', 'a/c/d.txt'], ['a/e']), '/t', new Set());
    expect(plan).toEqual({
      files: ['a/b.txt', 'a/c/d.txt'],
      folders: ['a/e'],
      renamed: [],
      skipped: [],
    });
  });

  it('tells apart names that clash on Windows or macOS, never merging two files', () => {
    const plan = planNames(
      manifest(['d/Photo.jpg', 'd/photo.jpg', 'd/caf\u00e9', 'd/cafe\u0301', 'd/x', 'd/x']),
      '/t',
      new Set(),
    );
    expect(plan.files).toEqual([
      'd/Photo.jpg',
      'd/photo (1).jpg',
      'd/caf\u00e9',
      'd/caf\u00e9 (1)',
      'd/x',
      'd/x (1)',
    ]);
    expect(plan.renamed.map((r) => r.reasons)).toEqual([['clash'], ['clash'], ['clash']]);
  });

  it('keeps a file and a folder of the same name apart', () => {
    const plan = planNames(manifest(['top/a', 'top/a/b']), '/t', new Set());
    expect(plan.files).toEqual(['top/a', 'top/a (1)/b']);
  });

  it('avoids top-level names the target folder already has, and their parts', () => {
    const plan = planNames(
      manifest(['photos/1.jpg', 'notes.txt', 'new.txt']),
      '/t',
      new Set(['photos', 'notes.txt', 'new.txt.pchat-part']),
    );
    expect(plan.files).toEqual(['photos (1)/1.jpg', 'notes (1).txt', 'new (1).txt']);
  });

  it('skips refused paths and renames unsafe ones, with reasons', () => {
    const plan = planNames(manifest(['../x', 'C:\\x', 'ok/CON', 'ok/a?']), '/t', new Set());
    expect(plan.files).toEqual([undefined, undefined, 'ok/_CON', 'ok/a_']);
    expect(plan.skipped).toEqual([
      { path: '../x', reasons: ['traversal'] },
      { path: 'C:\\x', reasons: ['drive-letter'] },
    ]);
    expect(plan.renamed).toEqual([
      { path: 'ok/CON', reasons: ['reserved-name'], renamedTo: 'ok/_CON' },
      { path: 'ok/a?', reasons: ['bad-character'], renamedTo: 'ok/a_' },
    ]);
  });

  it('NameAllocator gives the same folder for the same name, a new file every time', () => {
    const alloc = new NameAllocator();
    expect(alloc.folder('', 'A')).toBe('A');
    expect(alloc.folder('', 'a')).toBe('A');
    expect(alloc.file('A', 'f')).toBe('A/f');
    expect(alloc.file('A', 'F')).toBe('A/F (1)');
  });

  it('isInside', () => {
    expect(isInside('/t', 'a/b')).toBe(true);
    expect(isInside('/t', '../t2/x')).toBe(false);
    expect(isInside('/t', '/etc')).toBe(false);
    expect(isInside('/t', '')).toBe(false);
  });
});

describe('planReceive', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the target folder and reserves the top-level folders at once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-plan-'));
    writeFile(join(dir, 'Photos', 'old.jpg'), 'x');
    const plan = await planReceive(manifest(['photos/new.jpg'], ['empty']), dir);
    expect(plan.files).toEqual(['photos (1)/new.jpg']);
    expect(readdirSync(dir).sort()).toEqual(['Photos', 'empty', 'photos (1)']);
  });

  it('two transfers planned at once into one folder never share a name', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-plan-'));
    const m = manifest(['album/1.jpg', 'notes.txt']);
    const [a, b] = await Promise.all([planReceive(m, dir), planReceive(m, dir)]);
    const names = [...a.files, ...b.files];
    expect(new Set(names).size).toBe(4);
    expect(readdirSync(dir).sort()).toEqual([
      'album',
      'album (1)',
      'notes (1).txt.pchat-part',
      'notes.txt.pchat-part',
    ]);
  });
});

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildManifest } from '../../../../electron/net/files/manifest-builder';
import { localPath } from '../../../../electron/net/files/send-side';
import type { StoredTransfer } from '../../../../electron/net/files/ports';
import { writeFile } from './helpers/trees';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function tree(): string {
  root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
  const top = join(root, 'top');
  writeFile(join(top, 'a.txt'), 'hello');
  writeFile(join(top, '深', '层', '文件 😀.txt'), 'cjk');
  writeFile(join(top, 'big.bin'), Buffer.alloc(2048, 1));
  mkdirSync(join(top, 'empty', 'inner'), { recursive: true });
  mkdirSync(join(top, 'only-links'));
  symlinkSync('/etc/passwd', join(top, 'only-links', 'passwd'));
  symlinkSync('/etc', join(top, 'etc-dir'));
  return top;
}

describe('buildManifest: the sender view', () => {
  it('lists files with NFC paths, sizes, mtimes, empty folders; skips symlinks', async () => {
    const top = tree();
    const result = await buildManifest([top], { hashUpToBytes: 1024 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { manifest, skipped, sources } = result.built;
    expect(manifest.files.map((f) => f.path)).toEqual([
      'top/a.txt',
      'top/big.bin',
      'top/深/层/文件 😀.txt',
    ]);
    expect(manifest.files[0]).toMatchObject({
      size: 5,
      sha256: createHash('sha256').update('hello').digest('hex'),
    });
    expect(manifest.files[1]?.sha256).toBeUndefined(); // above hashUpToBytes: hashed while sending
    expect([...manifest.folders].sort()).toEqual(['top/empty/inner', 'top/only-links']);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { path: 'top/etc-dir', reasons: ['symlink'] },
        { path: 'top/only-links/passwd', reasons: ['symlink'] },
      ]),
    );
    expect(sources).toEqual([{ name: 'top', path: top }]);
  });

  it('refuses a symlink offered at the top', async () => {
    root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
    symlinkSync('/etc/hostname', join(root, 'link'));
    const result = await buildManifest([join(root, 'link')]);
    expect(result).toMatchObject({ ok: false, code: 'nothing-to-send' });
  });

  it('reports names the receiver will change, with the name they get', async () => {
    root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
    const top = join(root, 'names');
    for (const name of ['CON', 'a:b', 'trail.', 'back\\slash', 'line\nbreak', 'x.pchat-part'])
      writeFile(join(top, name), name);
    const result = await buildManifest([top]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const renamed = Object.fromEntries(result.built.renamed.map((r) => [r.path, r.renamedTo]));
    expect(renamed).toEqual({
      'names/CON': 'names/_CON',
      'names/a:b': 'names/a_b',
      'names/trail.': 'names/trail',
      'names/back\\slash': 'names/back_slash',
      'names/line\nbreak': 'names/line_break',
      'names/x.pchat-part': 'names/x.pchat-part_',
    });
    expect(result.built.manifest.files).toHaveLength(6); // offered as they are: the receiver decides
  });

  it('offers NFD names as NFC and still finds the local file', async () => {
    root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
    const top = join(root, 'nfd');
    writeFile(join(top, 'cafe\u0301.txt'), 'coffee');
    const result = await buildManifest([top]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.built.manifest.files[0]?.path).toBe('nfd/caf\u00e9.txt');
    const t = {
      manifest: result.built.manifest,
      sources: result.built.sources,
      localNames: result.built.localNames,
    } as unknown as StoredTransfer;
    expect(readFileSync(localPath(t, 0) ?? '', 'utf8')).toBe('coffee');
  });

  it('gives two offered items with the same name distinct top-level names', async () => {
    root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
    writeFile(join(root, 'one', 'x.txt'), '1');
    writeFile(join(root, 'two', 'x.txt'), '2');
    const result = await buildManifest([join(root, 'one', 'x.txt'), join(root, 'two', 'x.txt')]);
    expect(result.ok && result.built.manifest.files.map((f) => f.path)).toEqual([
      'x.txt',
      'x (1).txt',
    ]);
  });

  it('skips a named pipe', async () => {
    root = mkdtempSync(join(tmpdir(), 'pc-manifest-'));
    writeFile(join(root, 'd', 'file'), 'x');
    if (spawnSync('mkfifo', [join(root, 'd', 'pipe')]).status !== 0) return; // no mkfifo here
    const result = await buildManifest([join(root, 'd')]);
    expect(result.ok && result.built.skipped).toEqual([
      { path: 'd/pipe', reasons: ['not-regular'] },
    ]);
  });
});

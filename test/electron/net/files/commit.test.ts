import { linkSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitPart, finishCommit } from '../../../../electron/net/files/commit';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('commitPart: clash naming on disk', () => {
  it('moves the part to its name, or to " (n)" when taken, never overwriting', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-commit-'));
    writeFileSync(join(dir, 'a.txt'), 'theirs');
    writeFileSync(join(dir, 'a (1).txt'), 'theirs too');
    writeFileSync(join(dir, 'a.txt.pchat-part'), 'mine');
    const final = await commitPart(join(dir, 'a.txt.pchat-part'), join(dir, 'a.txt'));
    expect(final).toBe(join(dir, 'a (2).txt'));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('theirs');
    expect(readFileSync(join(dir, 'a (1).txt'), 'utf8')).toBe('theirs too');
    expect(readFileSync(final, 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['a (1).txt', 'a (2).txt', 'a.txt']);
  });

  it('finishes a move cut short after the link (our own file under the name)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-commit-'));
    writeFileSync(join(dir, 'b.bin.pchat-part'), 'mine');
    linkSync(join(dir, 'b.bin.pchat-part'), join(dir, 'b.bin'));
    expect(await finishCommit(join(dir, 'b.bin.pchat-part'), join(dir, 'b.bin'))).toBe(
      join(dir, 'b.bin'),
    );
    expect(readdirSync(dir)).toEqual(['b.bin']);
  });

  it('has nothing to finish when the part is gone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-commit-'));
    expect(await finishCommit(join(dir, 'c.pchat-part'), join(dir, 'c'))).toBeUndefined();
  });
});

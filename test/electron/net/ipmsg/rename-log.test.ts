import { describe, expect, it } from 'vitest';
import { RenameLog } from '../../../../electron/net/ipmsg/rename-log';
import { MAX_RENAMED_INSIDE, MAX_RENAMED_INSIDE_CHARS } from '../../../../shared/files/limits';

const issue = (n: number, length = 8) => ({
  path: `d/${String(n).padStart(length, '?')}`,
  reasons: ['bad-character' as const],
  renamedTo: `d/${String(n).padStart(length, '_')}`,
});

describe('the renamed names of a received folder', () => {
  it('is nothing until a name is renamed', () => {
    expect(new RenameLog().snapshot()).toBeUndefined();
  });

  it(`lists the first ${MAX_RENAMED_INSIDE} and counts the rest`, () => {
    const log = new RenameLog();
    for (let n = 0; n < 100_000; n += 1) log.add(issue(n));
    const kept = log.snapshot();
    expect(kept?.names).toEqual(Array.from({ length: MAX_RENAMED_INSIDE }, (_, n) => issue(n)));
    expect(kept?.more).toBe(100_000 - MAX_RENAMED_INSIDE);
    expect(log.count).toBe(100_000);
  });

  it(`keeps at most ${MAX_RENAMED_INSIDE_CHARS} characters of paths, and then only counts`, () => {
    const log = new RenameLog();
    const long = 4_000; // two paths of about 4,000 characters each
    for (let n = 0; n < 20; n += 1) log.add(issue(n, long));
    log.add(issue(20)); // short, but after the first that did not fit: counted, not listed
    const kept = log.snapshot()!;
    const chars = kept.names.reduce(
      (sum, i) => sum + i.path.length + (i.renamedTo?.length ?? 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(MAX_RENAMED_INSIDE_CHARS);
    expect(kept.names).toHaveLength(Math.floor(MAX_RENAMED_INSIDE_CHARS / (2 * (long + 2))));
    expect(kept.names.length + kept.more).toBe(21);
  });
});

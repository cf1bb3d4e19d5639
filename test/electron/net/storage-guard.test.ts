import { describe, expect, it } from 'vitest';
import { isDiskFull, StorageGuard } from '../../../electron/net/storage-guard';
import type { StorageHealth } from '../../../electron/net/index';

const full = Object.assign(new Error('database or disk is full'), { errcode: 13 });

describe('StorageGuard', () => {
  it('reports the first failure of an episode and the first success after it, nothing else', () => {
    const reports: StorageHealth[] = [];
    const guard = new StorageGuard((h) => reports.push(h));
    expect(guard.run('store', () => 1)).toEqual({ value: 1 });
    for (let i = 0; i < 5; i += 1)
      expect(
        guard.run('store received messages', () => {
          throw full;
        }),
      ).toBeUndefined();
    expect(guard.run('store', () => 2)).toEqual({ value: 2 });
    expect(guard.run('store', () => 3)).toEqual({ value: 3 });
    expect(reports).toEqual([
      {
        ok: false,
        diskFull: true,
        message: expect.stringMatching(
          /^The disk is full: cannot store received messages\./,
        ) as string,
      },
      { ok: true, diskFull: false, message: 'Storage works again.' },
    ]);
  });

  it('names another cause as it is', () => {
    const reports: StorageHealth[] = [];
    new StorageGuard((h) => reports.push(h)).fail('store a peer', new Error('disk I/O error'));
    expect(reports[0]).toMatchObject({ ok: false, diskFull: false });
    expect(reports[0]?.message).toContain('Cannot store a peer: disk I/O error');
  });

  it.each([
    [full, true],
    [Object.assign(new Error('write failed'), { code: 'ENOSPC' }), true],
    [new Error('SQLITE_FULL: database or disk is full'), true],
    [new Error('disk I/O error'), false],
    ['full', false],
    [null, false],
  ])('isDiskFull(%s) is %s', (error, expected) => {
    expect(isDiskFull(error)).toBe(expected);
  });
});

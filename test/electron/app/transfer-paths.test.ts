import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  insideOf,
  receivedLocation,
  sentLocation,
  wholeOf,
} from '../../../electron/app/transfer-paths';
import type { TransferFileInfo, TransferInfo } from '../../../shared/transfers';

const DIR = resolve('/home/me/Downloads');

const transfer = (patch: Partial<TransferInfo> = {}): TransferInfo => ({
  id: 't1',
  peerId: 'p1',
  direction: 'receive',
  state: 'done',
  files: 2,
  filesDone: 2,
  filesFailed: 0,
  folders: 0,
  names: ['photos'],
  bytes: 20,
  bytesDone: 20,
  rate: 0,
  dir: DIR,
  createdAt: 1,
  updatedAt: 2,
  ...patch,
});

const file = (index: number, path: string, patch: Partial<TransferFileInfo> = {}) => ({
  index,
  path,
  size: 10,
  bytesDone: 10,
  state: 'done' as const,
  ...patch,
});

describe('where a transfer is on this computer', () => {
  it('keeps names inside the folder', () => {
    expect(insideOf(DIR, 'a/b.txt')).toBe(join(DIR, 'a', 'b.txt'));
    for (const bad of ['..', '../x', 'a/../../x', ''])
      expect(insideOf(DIR, bad), bad).toBeUndefined();
  });

  it('opens a whole transfer as its one top item, else the folder holding them', () => {
    expect(wholeOf(['/d/a', '/d/a'], '/d')).toBe('/d/a');
    expect(wholeOf(['/d/a', '/d/b'], '/d')).toBe('/d');
    expect(wholeOf([], '/d')).toBeUndefined();
  });

  it('finds received files by their saved names, once kept', () => {
    const files = [
      file(0, 'photos/a.jpg', { savedAs: 'photos (1)/a.jpg' }),
      file(1, 'photos/b.jpg', { savedAs: 'photos (1)/b.jpg', state: 'active', bytesDone: 3 }),
    ];
    expect(receivedLocation(transfer(), files, 0)).toBe(join(DIR, 'photos (1)', 'a.jpg'));
    expect(receivedLocation(transfer(), files, 1)).toBeUndefined();
    expect(receivedLocation(transfer(), files, 2)).toBeUndefined();
    expect(receivedLocation(transfer(), files, undefined)).toBe(join(DIR, 'photos (1)'));
    expect(receivedLocation(transfer({ direction: 'send' }), files, 0)).toBeUndefined();
    const two = [file(0, 'x.txt'), file(1, 'y.txt')];
    expect(receivedLocation(transfer(), two, undefined)).toBe(DIR);
    expect(receivedLocation(transfer(), [file(0, 'x.txt', { state: 'failed' })], undefined)).toBe(
      undefined,
    );
  });

  it('never leaves the folder, whatever a record says', () => {
    const hostile = [file(0, 'a.txt', { savedAs: '../../etc/passwd' })];
    expect(receivedLocation(transfer(), hostile, 0)).toBeUndefined();
    expect(receivedLocation(transfer(), hostile, undefined)).toBeUndefined();
    const { dir: _dir, ...notAccepted } = transfer();
    expect(receivedLocation(notAccepted, [file(0, 'a.txt')], 0)).toBeUndefined();
  });

  it('opens a sent transfer as its one offered root, else the first root’s folder', () => {
    expect(sentLocation(['/home/me/a.pdf'])).toBe('/home/me/a.pdf');
    expect(sentLocation(['/home/me/a.pdf', '/home/me/b.pdf'])).toBe('/home/me');
    expect(sentLocation([])).toBeUndefined();
  });
});

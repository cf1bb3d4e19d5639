import { describe, expect, it } from 'vitest';
import { parseControlMessage } from '../../../shared/files/control';

const ID = '0123456789abcdef0123456789abcdef';
const SHA = 'cd'.repeat(32);
const OFFER = {
  type: 'file-offer',
  v: 1,
  transfer: ID,
  summary: { files: 1, folders: 0, bytes: 3, names: ['a.txt'] },
  manifestSha256: SHA,
  manifestBytes: 80,
};

describe('control messages', () => {
  it.each([
    OFFER,
    {
      ...OFFER,
      manifest: { version: 1, files: [{ path: 'a.txt', size: 3, mtime: 1 }], folders: [] },
    },
    { type: 'file-accept', transfer: ID },
    { type: 'file-decline', transfer: ID, reason: 'user' },
    { type: 'file-cancel', transfer: ID },
    { type: 'file-pause', transfer: ID },
    { type: 'file-resume', transfer: ID },
    { type: 'file-done', transfer: ID, filesDone: 3, filesFailed: 1, failed: [2] },
  ])('accepts %j', (message) => {
    expect(parseControlMessage(message)).toEqual({ ok: true, value: message });
  });

  it('reads an unknown decline reason as "user" and ignores unknown fields', () => {
    const parsed = parseControlMessage({ type: 'file-decline', transfer: ID, reason: 'x', z: 1 });
    expect(parsed).toEqual({
      ok: true,
      value: { type: 'file-decline', transfer: ID, reason: 'user' },
    });
  });

  it.each([
    ['not an object', 'file-accept'],
    ['no transfer', { type: 'file-accept' }],
    ['bad transfer id', { type: 'file-accept', transfer: '../../x' }],
    ['upper-case id', { type: 'file-accept', transfer: ID.toUpperCase() }],
    ['unknown type', { type: 'file-explode', transfer: ID }],
    ['offer of another version', { ...OFFER, v: 2 }],
    ['offer without summary', { ...OFFER, summary: undefined }],
    ['offer with a bad hash', { ...OFFER, manifestSha256: 'zz' }],
    ['offer with a huge manifest', { ...OFFER, manifestBytes: 2 ** 40 }],
    [
      'offer with 21 names',
      { ...OFFER, summary: { ...OFFER.summary, names: Array(21).fill('n') } },
    ],
    ['offer with a bad inline manifest', { ...OFFER, manifest: { version: 1, files: 'x' } }],
    [
      'done with negative counts',
      { type: 'file-done', transfer: ID, filesDone: -1, filesFailed: 0, failed: [] },
    ],
    [
      'done with a bad list',
      { type: 'file-done', transfer: ID, filesDone: 1, filesFailed: 0, failed: ['a'] },
    ],
    [
      'done with too long a list',
      {
        type: 'file-done',
        transfer: ID,
        filesDone: 0,
        filesFailed: 2000,
        failed: Array(1001).fill(1),
      },
    ],
  ])('refuses %s', (_name, message) => {
    expect(parseControlMessage(message).ok).toBe(false);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFileTransferStore } from '../../../../electron/net/files/json-file-store';
import { MemoryTransferStore } from '../../../../electron/net/files/memory-store';
import type { StoredTransfer, TransferStore } from '../../../../electron/net/files/ports';

const T: StoredTransfer = {
  id: 'ab'.repeat(16),
  peerId: 'p',
  direction: 'receive',
  state: 'offered',
  createdAt: 1,
  updatedAt: 1,
  summary: { files: 2, folders: 0, bytes: 3, names: ['x'] },
  manifestSha256: 'cd'.repeat(32),
  manifestBytes: 10,
  outbox: [],
};

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['memory', (): TransferStore => new MemoryTransferStore()],
  ['JSON files', (): TransferStore => new JsonFileTransferStore(dir)],
])('%s transfer store', (_name, make) => {
  it('keeps transfers and upserts files by index', () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-tstore-'));
    const store = make();
    store.saveTransfer(T);
    store.saveFiles(T.id, [
      { index: 0, state: 'pending', bytesDone: 0, attempts: 0 },
      { index: 1, state: 'pending', bytesDone: 0, attempts: 0 },
    ]);
    store.saveFiles(T.id, [{ index: 1, state: 'done', bytesDone: 3, attempts: 0, sha256: 'ee' }]);
    store.saveTransfer({ ...T, state: 'active' });
    const [loaded] = store.load();
    expect(loaded?.transfer.state).toBe('active');
    expect(loaded?.files.map((f) => f.state)).toEqual(['pending', 'done']);
    store.deleteTransfer(T.id);
    expect(store.load()).toEqual([]);
  });
});

it('the JSON store survives a reopen and ignores stray files', () => {
  dir = mkdtempSync(join(tmpdir(), 'pc-tstore-'));
  const first = new JsonFileTransferStore(dir);
  first.saveTransfer(T);
  first.saveFiles(T.id, [{ index: 0, state: 'active', bytesDone: 7, attempts: 1 }]);
  writeFileSync(join(dir, 'junk.json'), '{');
  writeFileSync(join(dir, `${'ef'.repeat(16)}.json`), '{not json');
  const [loaded, ...rest] = new JsonFileTransferStore(dir).load();
  expect(rest).toEqual([]);
  expect(loaded?.files).toEqual([{ index: 0, state: 'active', bytesDone: 7, attempts: 1 }]);
});

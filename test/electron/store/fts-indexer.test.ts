import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '../../../electron/store/migrations';
import { DATABASE_FILE, openStore } from '../../../electron/store/open-store';
import type { Store } from '../../../electron/store/store';
import { useTempDirs } from '../../helpers/temp-dir';
import { incoming } from './records';

const tempDir = useTempDirs();

function pending(store: Store): number {
  return (
    store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages_fts_pending')?.n ?? Infinity
  );
}

function found(store: Store, query: string): string[] {
  return store.reads.search(query, 50).map((hit) => hit.messageId);
}

/**
 * The database and the search index are sound, and the index holds exactly the messages' texts
 * once nothing is pending (rank 1 checks an external-content index against its content table:
 * https://sqlite.org/fts5.html#the_integrity_check_command).
 */
function expectSound(store: Store): void {
  expect(store.sql.integrityCheck()).toBe('ok');
  store.fts.indexAll();
  expect(pending(store)).toBe(0);
  expect(() =>
    store.sql.run("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"),
  ).not.toThrow();
}

function editText(store: Store, id: string, text: string): void {
  store.sql.run('UPDATE messages SET text = ? WHERE id = ?', text, id);
}

describe('search indexing after the commit (migration 9)', () => {
  it('stores a message without indexing it, and a search right after finds it', () => {
    const { store } = openStore(tempDir());
    try {
      store.insertIncoming(incoming('a', 1, 'the blue harbour at dawn'));
      store.transaction(() => {
        store.insertIncoming(incoming('b', 2, 'a blue kite'));
        store.insertIncoming(incoming('c', 3, 'nothing here'));
      });
      expect(pending(store)).toBe(3);
      expect(found(store, 'blue')).toEqual(['b', 'a']);
      expect(pending(store)).toBe(0);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('indexes on its own once the store is idle', async () => {
    const { store } = openStore(tempDir());
    try {
      store.insertIncoming(incoming('a', 1, 'idle indexing'));
      expect(pending(store)).toBe(1);
      await vi.waitFor(
        () => {
          expect(pending(store)).toBe(0);
        },
        { timeout: 10_000, interval: 20 },
      );
      expect(
        store.sql.all('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?', '"idle index"'),
      ).toHaveLength(1);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('indexes in bounded batches, oldest first', () => {
    const { store } = openStore(tempDir());
    try {
      const big = 'x'.repeat(200 * 1024);
      store.transaction(() => {
        for (let i = 1; i <= 5; i += 1) store.insertIncoming(incoming(`m${String(i)}`, i, big));
        for (let i = 6; i <= 305; i += 1) store.insertIncoming(incoming(`m${String(i)}`, i, 'hi'));
      });
      // About 128 KiB of text per transaction (at least one message): the large ones one by
      // one, then the small ones up to 256 rows, then the rest.
      expect(Array.from({ length: 8 }, () => store.fts.indexBatch())).toEqual([
        1, 1, 1, 1, 1, 256, 44, 0,
      ]);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('indexes what a crash left pending when the store opens again', () => {
    const dir = tempDir();
    const first = openStore(dir).store;
    first.insertIncoming(incoming('a', 1, 'written just before the crash'));
    first.insertIncoming(incoming('b', 2, 'also before the crash'));
    // Closed without indexing: what a killed process leaves.
    first.close();
    const { store } = openStore(dir);
    try {
      expect(pending(store)).toBe(2);
      expect(found(store, 'before the crash')).toEqual(['b', 'a']);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('deletes and edits before indexing: the pending row leaves or is indexed as edited', () => {
    const { store } = openStore(tempDir());
    try {
      store.insertIncoming(incoming('gone', 1, 'delete me soon'));
      store.insertIncoming(incoming('edited', 2, 'first wording'));
      store.insertIncoming(incoming('kept', 3, 'plain message'));
      expect(store.deleteMessages(['gone'])).toEqual([{ peerId: 'bob', ids: ['gone'] }]);
      editText(store, 'edited', 'second wording');
      expect(pending(store)).toBe(2);
      expect(found(store, 'delete me')).toEqual([]);
      expect(found(store, 'first wording')).toEqual([]);
      expect(found(store, 'second wording')).toEqual(['edited']);
      expect(found(store, 'plain')).toEqual(['kept']);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('deletes and edits after indexing: the index forgets the old text', () => {
    const { store } = openStore(tempDir());
    try {
      store.insertIncoming(incoming('gone', 1, 'delete me later'));
      store.insertIncoming(incoming('edited', 2, 'old wording'));
      expect(store.fts.indexAll()).toBe(2);
      expect(store.deleteMessages(['gone'])).toEqual([{ peerId: 'bob', ids: ['gone'] }]);
      editText(store, 'edited', 'new wording');
      expect(pending(store)).toBe(1);
      expect(found(store, 'delete me')).toEqual([]);
      expect(found(store, 'old wording')).toEqual([]);
      expect(found(store, 'new wording')).toEqual(['edited']);
      // Edited again once indexed, and deleted while pending after the edit.
      editText(store, 'edited', 'third wording');
      expect(store.deleteMessages(['edited'])).toEqual([{ peerId: 'bob', ids: ['edited'] }]);
      expect(found(store, 'wording')).toEqual([]);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('a rowid freed by a delete and taken by a new message is indexed with the new text', () => {
    const { store } = openStore(tempDir());
    try {
      store.insertIncoming(incoming('a', 1, 'older one'));
      store.insertIncoming(incoming('b', 2, 'newest one'));
      store.fts.indexAll();
      store.deleteMessages(['b']);
      store.insertIncoming(incoming('c', 3, 'reused rowid'));
      expect(found(store, 'newest')).toEqual([]);
      expect(found(store, 'reused')).toEqual(['c']);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('a failed transaction leaves nothing pending', () => {
    const { store } = openStore(tempDir());
    try {
      expect(() =>
        store.transaction(() => {
          store.insertIncoming(incoming('a', 1, 'rolled back'));
          throw new Error('disk on fire');
        }),
      ).toThrow('disk on fire');
      expect(pending(store)).toBe(0);
      expect(found(store, 'rolled')).toEqual([]);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('a full disk during indexing leaves the rows pending; the search still answers', () => {
    const { store } = openStore(tempDir());
    try {
      const words = Array.from({ length: 6000 }, (_, i) => (i * 7919).toString(36)).join(' ');
      store.insertIncoming(incoming('a', 1, `${words} needle`));
      // The file may not grow by a single page: indexing the text needs many (SQLITE_FULL).
      const pages = store.sql.get<{ page_count: number }>('PRAGMA page_count')?.page_count ?? 0;
      store.sql.get(`PRAGMA max_page_count = ${String(pages)}`);
      expect(() => store.fts.indexBatch()).toThrow(/full/);
      expect(pending(store)).toBe(1);
      expect(found(store, 'needle')).toEqual([]);
      expect(found(store, 'ne')).toEqual(['a']);
      store.sql.get('PRAGMA max_page_count = 1073741823');
      expect(found(store, 'needle')).toEqual(['a']);
      expectSound(store);
    } finally {
      store.close();
    }
  });

  it('a version-8 database keeps its messages searchable, and new ones are found too', () => {
    const dir = tempDir();
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    migrate(db, 8);
    db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position)
       VALUES ('old', 'bob', 'in', 'e', 1, 'stored by version eight', 'udp', 'received', 1, 1, 'x', 1)`,
    ).run();
    db.close();
    const { store } = openStore(dir);
    try {
      expect(pending(store)).toBe(0);
      store.insertIncoming(incoming('new', 2, 'stored by version nine'));
      expect(found(store, 'stored by version')).toEqual(['new', 'old']);
      store.deleteMessages(['old']);
      expect(found(store, 'stored by version')).toEqual(['new']);
      expectSound(store);
    } finally {
      store.close();
    }
  });
});

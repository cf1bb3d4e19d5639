import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, vi } from 'vitest';
import { SqlDatabase } from '../../../electron/store/sql-database';

function database(): { sql: SqlDatabase; raw: DatabaseSync } {
  const raw = new DatabaseSync(':memory:');
  raw.exec('CREATE TABLE t (x INTEGER)');
  return { sql: new SqlDatabase(raw), raw };
}

describe('SqlDatabase.transaction', () => {
  it('commits, and joins nested calls to the outer transaction', () => {
    const { sql } = database();
    sql.transaction(() => {
      sql.run('INSERT INTO t VALUES (1)');
      sql.transaction(() => sql.run('INSERT INTO t VALUES (2)'));
    });
    expect(sql.all<{ x: number }>('SELECT x FROM t').map((r) => r.x)).toEqual([1, 2]);
  });

  it('rolls back on an error, tells its listeners, and rethrows the error itself', () => {
    const { sql } = database();
    const listener = vi.fn();
    sql.onRollback(listener);
    expect(() =>
      sql.transaction(() => {
        sql.run('INSERT INTO t VALUES (1)');
        throw new Error('the real cause');
      }),
    ).toThrow('the real cause');
    expect(sql.all('SELECT x FROM t')).toEqual([]);
    expect(listener).toHaveBeenCalledOnce();
  });

  it('keeps the real cause when SQLite rolled back by itself (as it does on SQLITE_FULL)', () => {
    const { sql, raw } = database();
    const listener = vi.fn();
    sql.onRollback(listener);
    expect(() =>
      sql.transaction(() => {
        sql.run('INSERT INTO t VALUES (1)');
        raw.exec('ROLLBACK'); // what SQLite does itself on some errors
        throw Object.assign(new Error('database or disk is full'), { errcode: 13 });
      }),
    ).toThrow('database or disk is full');
    expect(listener).toHaveBeenCalledOnce();
    sql.transaction(() => sql.run('INSERT INTO t VALUES (2)'));
    expect(sql.all<{ x: number }>('SELECT x FROM t').map((r) => r.x)).toEqual([2]);
  });
});

describe('SqlDatabase.allArrays', () => {
  it('gives each row as its columns in the order selected, and `all` the same SQL as objects', () => {
    const { sql } = database();
    sql.run('INSERT INTO t VALUES (1), (2)');
    const query = "SELECT x, 'a' || x AS name FROM t ORDER BY x DESC";
    expect(sql.allArrays<[number, string]>(query)).toEqual([
      [2, 'a2'],
      [1, 'a1'],
    ]);
    // One SQL text, two statements: the array form does not leak into `all`, nor back.
    expect(sql.all(query)).toEqual([
      { x: 2, name: 'a2' },
      { x: 1, name: 'a1' },
    ]);
    expect(sql.allArrays<[number, string]>(query)[0]).toEqual([2, 'a2']);
  });
});

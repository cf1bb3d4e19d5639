import type { DatabaseSync, StatementSync } from 'node:sqlite';

export type SqlParam = string | number | null;

/**
 * One connection with a statement cache, typed helpers and nestable transactions. The store's
 * writes (store.ts) and reads (message-reads.ts) share one of these.
 */
export class SqlDatabase {
  private readonly statements = new Map<string, StatementSync>();
  /** Statements that return each row as an array of its columns (`allArrays`). */
  private readonly arrayStatements = new Map<string, StatementSync>();
  private readonly rollbackListeners: (() => void)[] = [];
  private closed = false;

  constructor(private readonly db: DatabaseSync) {}

  integrityCheck(): string {
    return this.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check ?? '';
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction()) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // On some errors (SQLITE_FULL, SQLITE_IOERR, …) SQLite has rolled the transaction back
      // already (https://sqlite.org/lang_transaction.html, "Response To Errors Within A
      // Transaction"); a second ROLLBACK would throw and hide the real cause.
      if (this.inTransaction()) this.db.exec('ROLLBACK');
      for (const listener of this.rollbackListeners) listener();
      throw error;
    }
  }

  private inTransaction(): boolean {
    return this.db.isTransaction;
  }

  /** Called after every rollback, so callers can reset what they cache. */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.arrayStatements.clear();
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  run(sql: string, ...params: SqlParam[]): { changes: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes) };
  }

  // The row type is what the SQL selects; node:sqlite returns untyped records.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  get<T>(sql: string, ...params: SqlParam[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: SqlParam[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  /**
   * Each row as an array of its columns, in the order the SQL selects them. For reads of
   * thousands of rows: node:sqlite builds a row object property by property, and reading such
   * objects is slower again than reading an object literal (5,000 peers: 11-25 ms for the rows
   * as objects and 11-20 ms to map them, against 8 ms and 2-6 ms this way). The tuple type is
   * what the SQL selects, as the row type of `all` is.
   */
  allArrays<T extends readonly unknown[]>(sql: string, ...params: SqlParam[]): T[] {
    let statement = this.arrayStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      statement.setReturnArrays(true);
      this.arrayStatements.set(sql, statement);
    }
    return statement.all(...params) as unknown as T[];
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

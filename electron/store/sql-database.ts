import type { DatabaseSync, StatementSync } from 'node:sqlite';

type Param = string | number | null;

/** A statement cache and typed helpers over one connection, with nestable transactions. */
export class SqlDatabase {
  private readonly statements = new Map<string, StatementSync>();
  private closed = false;

  constructor(protected readonly db: DatabaseSync) {}

  integrityCheck(): string {
    return this.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check ?? '';
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      this.rolledBack();
      throw error;
    }
  }

  /** Called after a rollback, so subclasses can reset what they cache. */
  protected rolledBack(): void {
    // Nothing cached here.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  protected run(sql: string, ...params: Param[]): { changes: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes) };
  }

  // The row type is what the SQL selects; node:sqlite returns untyped records.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  protected get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  protected all<T>(sql: string, ...params: Param[]): T[] {
    return this.statement(sql).all(...params) as T[];
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

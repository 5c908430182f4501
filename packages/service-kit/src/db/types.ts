import type { ListenHandlers, Listener, ListenOptions } from './listen.ts';

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
}

export interface QueryOptions {
  /**
   * Run as a named prepared statement: parsed once per connection, and PostgreSQL may keep its
   * plan. For hot statements (reads and writes) whose parsing and planning cost as much as their
   * execution. One name, one text.
   */
  prepare?: string;
}

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: Isolation;
  /** Retries on serialization failures and deadlocks (SQLSTATE 40001, 40P01). Default 3. */
  retries?: number;
}

export interface Database extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs a multi-statement SQL script (migrations). */
  exec(sql: string): Promise<void>;
  /** Follows NOTIFY on channels over one dedicated connection (e.g. to invalidate caches). */
  listen(channels: Readonly<Record<string, ListenHandlers>>, options?: ListenOptions): Promise<Listener>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

import pg from 'pg';
import { listen } from './listen.ts';
import { inQuerySpan, inTransactionSpan, sqlStateOf } from './query-spans.ts';
import type { Database, QueryOptions, QueryResult, Queryable, TransactionOptions } from './types.ts';

const RETRYABLE = new Set(['40001', '40P01']);

// BIGINT and NUMERIC come back as strings by default; ids and minor units fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openPostgres(
  url: string,
  options: { max?: number; connectTimeoutMs?: number } = {},
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    // (2 × cores) + 1 on the 2-core machines this runs on; one PostgreSQL serves every service, and
    // its connection limit (100 by default) is shared by all their pools.
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const database = decodeURIComponent(new URL(url).pathname.slice(1));

  const run = async <Row>(
    client: Queryable | pg.Pool,
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> => {
    const result = await inQuerySpan(database, sql, options?.prepare, () =>
      options?.prepare
        ? (client as pg.Pool).query({ name: options.prepare, text: sql, values: params })
        : (client as pg.Pool).query(sql, params as unknown[]),
    );
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  };

  return {
    query: (sql, params, options) => run(pool, sql, params, options),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work, options: TransactionOptions = {}) {
      const retries = options.retries ?? 3;
      const isolation = options.isolation ?? 'read committed';
      return inTransactionSpan(database, isolation, async (span) => {
        for (let attempt = 0; ; attempt++) {
          span?.setAttribute('db.transaction.attempts', attempt + 1);
          const client = await pool.connect();
          try {
            await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
            const tx: Queryable = {
              query: (sql, params, options) => run(client as unknown as pg.Pool, sql, params, options),
            };
            const result = await work(tx);
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => {});
            const sqlState = sqlStateOf(error);
            if (attempt < retries && sqlState && RETRYABLE.has(sqlState)) {
              span?.addEvent('transaction retried', { 'db.response.status_code': sqlState });
              continue;
            }
            throw error;
          } finally {
            client.release();
          }
        }
      });
    },
    listen: (channels, options) => listen(url, channels, options),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './types.ts';

/**
 * Embedded PostgreSQL (WASM) for a machine without a server: the same SQL and migrations as
 * production. It is one connection, so transactions run one at a time — correct, not fast.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  let location: string | undefined;
  if (dataDir !== 'memory://') {
    location = join(dataDir, 'pgdata');
    mkdirSync(location, { recursive: true });
  }
  const db = new PGlite(location);
  await db.waitReady;

  const run = async <Row>(
    client: Pick<PGlite, 'query'>,
    sql: string,
    params?: unknown[],
  ): Promise<QueryResult<Row>> => {
    const result = await client.query<Row>(sql, params);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };

  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(work) {
      return db.transaction((tx) =>
        work({ query: (sql, params) => run(tx, sql, params) } satisfies Queryable),
      );
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

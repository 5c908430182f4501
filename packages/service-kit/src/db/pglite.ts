import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './types.ts';

/** Where a service's PGlite cluster (its PGDATA) lives inside its data folder. */
export function pgliteCluster(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/**
 * Embedded PostgreSQL (WASM) for a machine without a server: the same SQL and migrations as
 * production. It is one connection, so transactions run one at a time — correct, not fast.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  let location: string | undefined;
  if (dataDir !== 'memory://') {
    location = pgliteCluster(dataDir);
    mkdirSync(location, { recursive: true });
  }
  const db = new PGlite(location);
  await db.waitReady;

  const run = async <Row>(
    client: Pick<PGlite, 'query' | 'exec'>,
    sql: string,
    params?: unknown[],
  ): Promise<QueryResult<Row>> => {
    // Like pg, a query without parameters goes through the simple protocol, so a multi-statement
    // script (a migration) works the same on both; the extended protocol refuses it (42601).
    if (params === undefined || params.length === 0) {
      const results = await client.exec(sql);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []) as Row[], rowCount: last ? countOf(last) : 0 };
    }
    const result = await client.query<Row>(sql, params);
    return { rows: result.rows, rowCount: countOf(result) };
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

/** pg's rowCount: rows affected by INSERT/UPDATE/DELETE, rows returned by SELECT (command tag). */
function countOf(result: { rows: unknown[]; affectedRows?: number; rowCount?: number }): number {
  return result.rowCount ?? result.affectedRows ?? result.rows.length;
}

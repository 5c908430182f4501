/**
 * Direct read access to each service's own PostgreSQL database, for asserting end state where
 * the services keep it (orders, reservations, charges, mails) — not only what their APIs say.
 * The URLs are those the parts were started with (one throwaway database per service).
 */
import { createConnection } from 'node:net';
import pg from 'pg';
import type { TestSystem } from '../../support/system.ts';

export interface ServiceDatabases {
  shop: pg.Pool;
  inventory: pg.Pool;
  payment: pg.Pool;
  notification: pg.Pool;
  close(): Promise<void>;
}

export function openServiceDatabases(system: TestSystem): ServiceDatabases {
  const pool = (part: string) => {
    // Replicas of a part share its database: any one of them names it.
    const url = [...system.system.parts.values()].find(
      (running) => (running.spec.group ?? running.spec.name) === part,
    )?.spec.env.DATABASE_URL;
    if (!url) throw new Error(`${part} runs without DATABASE_URL`);
    return new pg.Pool({ connectionString: url, max: 3 });
  };
  const dbs = {
    shop: pool('shop-api'),
    inventory: pool('inventory'),
    payment: pool('payment'),
    notification: pool('notification'),
  };
  return { ...dbs, close: async () => void (await Promise.all(Object.values(dbs).map((p) => p.end()))) };
}

/** Whether the local PostgreSQL (127.0.0.1:5432) accepts connections, checked once up front. */
export function postgresReachable(timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 5432 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Rows of one query as plain objects; numbers from count(*) come back as strings, so cast in SQL. */
export async function rows<T extends pg.QueryResultRow>(db: pg.Pool, sql: string, params: unknown[] = []) {
  return (await db.query<T>(sql, params)).rows;
}

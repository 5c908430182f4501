import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/index.ts';

export interface TestDatabase {
  db: Database;
  /** URL of the throwaway PostgreSQL database, for processes a test spawns; undefined on PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A throwaway database for one test file: a fresh database on the local PostgreSQL when it
 * answers (as in CI), else in-memory PGlite. Both are real PostgreSQL, so tests mean the same.
 */
export async function createTestDatabase(
  options: { migrationsDir?: URL | string; adminUrl?: string } = {},
): Promise<TestDatabase> {
  const url = await createThrowawayDatabase(options.adminUrl ?? LOCAL_POSTGRES);
  const db = await openDatabase({
    url: url?.url,
    dataDir: 'memory://',
    migrationsDir: options.migrationsDir,
  });
  return {
    db,
    url: url?.url,
    async drop() {
      await db.close();
      await url?.drop();
    },
  };
}

/** Creates an empty database on the server behind adminUrl; undefined when it is unreachable. */
export async function createThrowawayDatabase(
  adminUrl = LOCAL_POSTGRES,
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `mockmart_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1500 });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

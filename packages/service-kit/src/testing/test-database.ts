import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/index.ts';

export interface TestDatabase {
  db: Database;
  /** URL of the throwaway PostgreSQL database, for processes a test spawns. */
  url: string;
  drop(): Promise<void>;
}

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * DATABASE_URL for a config loaded in a component test whose app is handed its database (a
 * createTestDatabase one) instead of opening it: the config requires a URL, nothing connects to it.
 */
export const INJECTED_DATABASE_URL = 'postgres://127.0.0.1:9/injected-by-the-test';

/**
 * The server tests make their databases on: the local PostgreSQL (as in CI), or — when it does
 * not answer — the embedded server `npm test` starts for the run and names in
 * MOCKMART_TEST_POSTGRES_URL (scripts/test.ts).
 */
export function testPostgresUrl(): string {
  return process.env.MOCKMART_TEST_POSTGRES_URL || LOCAL_POSTGRES;
}

/** A throwaway, migrated database for one test file on the tests' PostgreSQL server. */
export async function createTestDatabase(
  options: { migrationsDir?: URL | string; adminUrl?: string } = {},
): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? testPostgresUrl();
  const throwaway = await createThrowawayDatabase(adminUrl);
  if (!throwaway)
    throw new Error(
      `no PostgreSQL at ${new URL(adminUrl).host}: run the tests through npm test (it starts an embedded server when none answers)`,
    );
  const db = await openDatabase({ url: throwaway.url, migrationsDir: options.migrationsDir });
  return {
    db,
    url: throwaway.url,
    async drop() {
      await db.close();
      await throwaway.drop();
    },
  };
}

/** Creates an empty database on the server behind adminUrl; undefined when it is unreachable. */
export async function createThrowawayDatabase(
  adminUrl = testPostgresUrl(),
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

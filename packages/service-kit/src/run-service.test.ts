import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp } from './app.ts';
import { runService } from './run-service.ts';
import type { Database } from './db/index.ts';
import { captureLogs, createThrowawayDatabase } from './testing/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'run-service-'));
writeFileSync(
  join(folder, '001_items.sql'),
  'CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (7);\n',
);
const migrationsDir = pathToFileURL(`${folder}/`);
after(() => rmSync(folder, { recursive: true, force: true }));

const config = {
  HOST: '127.0.0.1',
  PORT: 0,
  DATABASE_URL: '',
  DATABASE_POOL_SIZE: 2,
  DATABASE_CONNECT_TIMEOUT_MS: 1000,
};
let throwaway: Awaited<ReturnType<typeof createThrowawayDatabase>>;
before(async () => {
  throwaway = await createThrowawayDatabase();
  assert.ok(throwaway, 'the tests need PostgreSQL (npm test starts one when none answers)');
  config.DATABASE_URL = throwaway.url;
});
after(() => throwaway?.drop());

describe('runService: the bootstrap every service shares', { timeout: 60_000 }, () => {
  test('serves on a migrated database, and on stop runs the service hooks before closing the pool', async () => {
    const order: string[] = [];
    let database!: Database;
    const running = await runService({
      config,
      migrationsDir,
      handleSignals: false,
      build: async ({ db }) => {
        database = db;
        const app = await createApp({ name: 'run-service-test', logger: captureLogs().logger });
        app.get('/items', async () => (await db.query<{ id: number }>('SELECT id FROM items')).rows);
        return {
          app,
          onListening: () => order.push('listening'),
          onShutdown: [
            async () => {
              await db.query('SELECT 1');
              order.push('hook ran with the pool still open');
            },
          ],
        };
      },
    });
    const response = await fetch(`${running.url}/items`);
    assert.deepEqual(await response.json(), [{ id: 7 }]);
    await running.stop();
    assert.deepEqual(order, ['listening', 'hook ran with the pool still open']);
    await assert.rejects(database.query('SELECT 1'), 'the pool is closed after the hooks');
  });

  test('drains for SHUTDOWN_DRAIN_MS (5 s by default in production, none otherwise) with readiness 503', async () => {
    const drainOf = async (extra: Record<string, unknown>) => {
      const running = await runService({
        config: { ...config, ...extra },
        migrationsDir,
        handleSignals: false,
        build: async () => ({
          app: await createApp({ name: 'drain-test', logger: captureLogs().logger }),
        }),
      });
      const started = performance.now();
      const stopped = running.stop();
      const during = await fetch(`${running.url}/health/ready`).then(
        (response) => response.status,
        () => 'refused',
      );
      await stopped;
      return { ms: performance.now() - started, during };
    };
    const drained = await drainOf({ NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: 300 });
    assert.equal(drained.during, 503);
    assert.ok(drained.ms >= 290, `stopped after ${Math.round(drained.ms)} ms`);
    assert.ok((await drainOf({ NODE_ENV: 'development' })).ms < 2000, 'no drain outside production');
    const production = drainOf({ NODE_ENV: 'production' });
    assert.ok((await production).ms >= 4900, 'production drains 5 s unless told otherwise');
  });

  test('a build that throws closes the database it was given and reports only its own error', async () => {
    let database!: Database;
    await assert.rejects(
      runService({
        config,
        migrationsDir,
        handleSignals: false,
        build: async ({ db }) => {
          database = db;
          throw new Error('issuer mismatch');
        },
      }),
      /issuer mismatch/,
    );
    await assert.rejects(database.query('SELECT 1'));
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../app.ts';
import { openDatabase, type Database } from './index.ts';
import { createThrowawayDatabase } from '../testing/index.ts';
import { captureLogs } from '../testing/index.ts';

describe('a database that cannot take more work answers 503, not 500', { timeout: 30_000 }, () => {
  let server: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let db: Database;
  before(async () => {
    server = await createThrowawayDatabase();
    if (server) db = await openDatabase({ url: server.url, poolSize: 1, connectTimeoutMs: 200 });
  });
  after(async () => {
    await db?.close();
    await server?.drop();
  });

  test('no free pooled connection in time → 503 KIT_DATABASE_UNAVAILABLE with Retry-After', async (t) => {
    if (!server) return t.skip('needs the local PostgreSQL (127.0.0.1:5432)');
    const app = await createApp({ name: 'overload', logger: captureLogs().logger });
    app.get('/count', async () => (await db.query('SELECT 1 AS one')).rows[0]);
    // The pool's one connection is opened first, so only the second request meets the 200 ms wait
    // (a busy machine can take longer than that to open a connection at all).
    await db.query('SELECT 1');
    let release!: () => void;
    const held = db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const response = await app.inject({ url: '/count' });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().code, 'KIT_DATABASE_UNAVAILABLE');
      assert.equal(response.headers['retry-after'], '1');
    } finally {
      release();
      await held;
    }
    assert.equal(
      (await app.inject({ url: '/count' })).statusCode,
      200,
      'served again once a connection is free',
    );
  });

  test("the server's own refusal (too many clients) is a 503 too", async () => {
    const app = await createApp({ name: 'overload', logger: captureLogs().logger });
    app.get('/refused', async () => {
      throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    });
    const response = await app.inject({ url: '/refused' });
    assert.equal(response.statusCode, 503);
    assert.doesNotMatch(response.body, /too many clients/, 'the detail stays in the log');
  });
});

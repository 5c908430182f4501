import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream } from '../testing/fake-upstream.ts';
import { buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

describe('connection reuse through the proxy', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  let origin: string;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startEchoUpstream();
    gateway = await buildTestGateway(
      database.db,
      { SHOP_API_URL: upstream.url },
      { logger: pino({ level: 'silent' }) },
    );
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(gateway.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await gateway?.app.close();
    await upstream?.close();
    await database?.drop();
  });

  test('a keep-alive client reuses its connection to the gateway across proxied calls', async () => {
    let connections = 0;
    const count = () => (connections += 1);
    gateway.app.server.on('connection', count);
    try {
      for (let i = 0; i < 20; i += 1) {
        const response = await fetch(`${origin}/api/products`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        assert.equal(response.status, 200);
        assert.equal(
          response.headers.get('keep-alive')?.includes('timeout=5'),
          false,
          "not the upstream's hint",
        );
      }
      // Without hop-by-hop stripping this was one connection per request (20).
      assert.ok(connections <= 2, `expected the connection to be reused, saw ${connections} for 20 calls`);
    } finally {
      gateway.app.server.off('connection', count);
    }
  });
});

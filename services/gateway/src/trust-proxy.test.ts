import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream, type Received } from './testing/fake-upstream.ts';
import { buildTestGateway } from './testing/test-gateway.ts';

const MIGRATIONS = new URL('../migrations/', import.meta.url);

describe('TRUST_PROXY: one load balancer in front', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startEchoUpstream();
    gateway = await buildTestGateway(database.db, {
      SHOP_API_URL: upstream.url,
      TRUST_PROXY: 'true',
      RATE_LIMIT_LOGIN_PER_MINUTE: '2',
    });
  });
  after(async () => {
    await gateway?.app.close();
    await upstream?.close();
    await database?.drop();
  });

  test('the client address is the one the load balancer appended, not one the client wrote', async () => {
    // The load balancer appends the address it saw; anything to its left came from the client.
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/products',
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' },
    });
    assert.equal((JSON.parse(response.body) as Received).headers['x-forwarded-for'], '203.0.113.7');
  });

  test('the login rate limit cannot be dodged by inventing X-Forwarded-For entries', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await gateway.app.inject({
        method: 'GET',
        url: '/bff/login',
        headers: { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.1` },
      });
      statuses.push(response.statusCode);
    }
    assert.equal(statuses.at(-1), 429, `statuses ${statuses.join(',')}`);
  });
});

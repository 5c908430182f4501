import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { buildTestGateway, cookieFrom, fakeAccessToken } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const ORIGIN = 'http://127.0.0.1:8080';
const COOKIE = 'mockmart_session';
const DAY_MS = 24 * 3600_000;

/**
 * Every cookie-less add-to-cart creates an anonymous session row. Their number is bounded: per
 * client IP per minute and in total, and a session whose cart never held anything (the add was
 * refused, or it only carried a login) ends after a short idle time instead of a week.
 */
describe('anonymous sessions are bounded', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let shop: Awaited<ReturnType<typeof startCartUpstream>>;
  let clock = Date.now();

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    shop = await startCartUpstream();
  });
  after(async () => {
    await shop?.close();
    await database?.drop();
  });

  async function gatewayWith(env: Record<string, string>) {
    await database.db.query('DELETE FROM gateway_sessions');
    return buildTestGateway(database.db, { SHOP_API_URL: shop.url, ...env }, { now: () => clock });
  }

  const addToCart = (
    gateway: Awaited<ReturnType<typeof gatewayWith>>,
    productId: number,
    options: { ip?: string; cookie?: string } = {},
  ) =>
    gateway.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      payload: JSON.stringify({ productId, quantity: 1 }),
      remoteAddress: options.ip ?? '203.0.113.1',
    });

  /** How long the newest session row has left. */
  async function newestExpiresInMs() {
    const { rows } = await database.db.query<{ expires_at: Date }>(
      'SELECT expires_at FROM gateway_sessions ORDER BY created_at DESC, updated_at DESC LIMIT 1',
    );
    assert.ok(rows[0], 'a session row');
    return rows[0].expires_at.getTime() - clock;
  }

  test('a session whose cart never held anything ends after SESSION_ANONYMOUS_EMPTY_TIMEOUT_SECONDS; a filled cart keeps the long lifetime', async () => {
    const gateway = await gatewayWith({ SESSION_ANONYMOUS_EMPTY_TIMEOUT_SECONDS: '900' });
    try {
      const refused = await addToCart(gateway, 404);
      assert.equal(refused.statusCode, 404);
      const emptyCookie = `${COOKIE}=${cookieFrom(refused.headers['set-cookie'], COOKIE)}`;
      assert.ok((await newestExpiresInMs()) <= 900_000, 'an empty session lives 15 minutes idle');

      clock += 1000; // the rows' created_at tell them apart
      const added = await addToCart(gateway, 1, { ip: '203.0.113.2' });
      assert.equal(added.statusCode, 200);
      const filledCookie = `${COOKIE}=${cookieFrom(added.headers['set-cookie'], COOKIE)}`;
      assert.ok((await newestExpiresInMs()) > 6 * DAY_MS, 'a cart with an item keeps 7 days');

      const cartIdOf = async (cookie: string) =>
        (await gateway.app.inject({ method: 'GET', url: '/api/cart', headers: { cookie } })).json<{
          headers: Record<string, string>;
        }>().headers['x-cart-id'];
      const [emptyCart, filledCart] = [await cartIdOf(emptyCookie), await cartIdOf(filledCookie)];
      clock += 901_000;
      assert.equal(await cartIdOf(filledCookie), filledCart, 'the filled cart is still there');
      assert.notEqual(await cartIdOf(emptyCookie), emptyCart, 'the empty session ended');
      assert.equal(await gateway.app.gateway.store.purgeExpired(), 1, 'and its row is purged');
    } finally {
      await gateway.app.close();
    }
  });

  test('new anonymous sessions per client IP are capped (429 + Retry-After); a returning cookie is not counted', async () => {
    const gateway = await gatewayWith({ SESSION_ANONYMOUS_PER_IP_PER_MINUTE: '3' });
    try {
      const cookies: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await addToCart(gateway, 1, { ip: '198.51.100.5' });
        assert.equal(response.statusCode, 200);
        cookies.push(`${COOKIE}=${cookieFrom(response.headers['set-cookie'], COOKIE)}`);
      }
      const refused = await addToCart(gateway, 1, { ip: '198.51.100.5' });
      assert.equal(refused.statusCode, 429, refused.body);
      assert.equal(refused.json().code, 'GW_RATE_LIMITED');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
      assert.equal(refused.headers['set-cookie'], undefined, 'no session was made');

      assert.equal((await addToCart(gateway, 1, { ip: '198.51.100.5', cookie: cookies[0] })).statusCode, 200);
      assert.equal((await addToCart(gateway, 1, { ip: '198.51.100.6' })).statusCode, 200, 'another IP');
      const { rows } = await database.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM gateway_sessions',
      );
      assert.equal(rows[0]?.n, 4);
    } finally {
      await gateway.app.close();
    }
  });

  test('live anonymous sessions are capped in total (503 + Retry-After); signed-in users are not affected', async () => {
    const gateway = await gatewayWith({ SESSION_ANONYMOUS_MAX: '4' });
    try {
      for (let i = 0; i < 4; i += 1)
        assert.equal((await addToCart(gateway, 1, { ip: `192.0.2.${i + 1}` })).statusCode, 200);
      const refused = await addToCart(gateway, 1, { ip: '192.0.2.99' });
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.json().code, 'GW_ANONYMOUS_SESSIONS_FULL');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);

      const session = await gateway.app.gateway.store.create({
        secrets: {
          user: {
            id: 'u1',
            username: 'mario',
            name: 'Mario',
            email: undefined,
            roles: ['user'],
            canCheckout: true,
          },
          tokens: {
            accessToken: await fakeAccessToken(),
            refreshToken: 'r',
            accessTokenExpiresAt: clock + 300_000,
          },
        },
        sid: 'sid-1',
        sub: 'u1',
      });
      const signedIn = await gateway.app.inject({
        method: 'GET',
        url: '/api/cart',
        headers: { cookie: `${COOKIE}=${session.id}` },
        remoteAddress: '192.0.2.99',
      });
      assert.equal(signedIn.statusCode, 200, 'a signed-in cart works whatever the anonymous count');
    } finally {
      await gateway.app.close();
    }
  });
});

/**
 * A stand-in shop-api cart: product 404 does not exist (404, the cart stays empty); any other add
 * succeeds. Echoes the request headers so the test sees the X-Cart-Id the gateway sent.
 */
async function startCartUpstream() {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const missing = request.method === 'POST' && body.includes('"productId":404');
      response.writeHead(missing ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ headers: request.headers }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

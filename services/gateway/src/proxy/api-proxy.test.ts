import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream, type Received } from '../testing/fake-upstream.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { buildTestGateway, cookieFrom, fakeAccessToken } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const ORIGIN = 'http://127.0.0.1:8080';
const COOKIE = 'mockmart_session';

describe('API proxy: tokens server-side, bearer pass-through, CSRF, cart id', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  let clock = Date.now();

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startEchoUpstream();
    gateway = await buildTestGateway(
      database.db,
      { SHOP_API_URL: upstream.url, RATE_LIMIT_CHECKOUT_PER_MINUTE: '3' },
      { now: () => clock },
    );
  });
  after(async () => {
    await gateway?.app.close();
    await upstream?.close();
    await database?.drop();
  });

  async function signIn(accessToken?: string, userId = 'user-mario') {
    const token = accessToken ?? (await fakeAccessToken({ sub: userId }));
    const session = await gateway.app.gateway.store.create({
      secrets: {
        user: {
          id: userId,
          username: 'mario',
          name: 'Mario',
          email: 'mario@example.com',
          roles: ['user'],
          canCheckout: true,
        },
        tokens: {
          accessToken: token,
          refreshToken: 'refresh-value',
          accessTokenExpiresAt: clock + 300_000,
        },
      },
      sid: 'idp-session-1',
      sub: userId,
    });
    return { cookie: `${COOKIE}=${session.id}`, csrf: session.data.csrfToken, token, session };
  }

  const echoed = (body: string) => JSON.parse(body) as Received;

  test('an anonymous call is forwarded without credentials, cookies or spoofed identity headers', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/products?q=phone',
      headers: {
        'x-user-id': 'admin',
        'x-forwarded-user': 'admin',
        'x-auth-roles': 'admin',
        'x-cart-id': 'victim-cart-0000000000',
        cookie: 'other=1',
      },
    });
    assert.equal(response.statusCode, 200);
    const seen = echoed(response.body);
    assert.equal(seen.url, '/api/products?q=phone');
    for (const name of [
      'x-user-id',
      'x-forwarded-user',
      'x-auth-roles',
      'x-cart-id',
      'cookie',
      'authorization',
    ])
      assert.equal(seen.headers[name], undefined, name);
    assert.equal(
      response.headers['set-cookie'],
      undefined,
      "the upstream's Set-Cookie never reaches the browser",
    );
    assert.equal(
      response.headers['keep-alive'],
      undefined,
      "the upstream's hop-by-hop headers are not forwarded",
    );
  });

  test('a signed-in call carries the session access token, set by the gateway', async () => {
    const { cookie, token } = await signIn();
    const response = await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
    assert.equal(response.statusCode, 200);
    const seen = echoed(response.body);
    assert.equal(seen.headers.authorization, `Bearer ${token}`);
    assert.equal(seen.headers.cookie, undefined);
    assert.ok(!JSON.stringify(response.headers).includes(token), 'no token in response headers');
  });

  test('a client Bearer passes through untouched and no cookie session is used', async () => {
    const { cookie } = await signIn();
    const clientToken = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzY3JpcHQifQ.c2lnbmF0dXJl';
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: {
        authorization: `Bearer ${clientToken}`,
        cookie,
        'content-type': 'application/json',
        'x-cart-id': 'spoofed-cart-00000000',
      },
      payload: { productId: 1, quantity: 1 },
    });
    assert.equal(
      response.statusCode,
      200,
      'no CSRF token needed: a cross-site page cannot set Authorization',
    );
    const seen = echoed(response.body);
    assert.equal(seen.headers.authorization, `Bearer ${clientToken}`);
    assert.equal(seen.headers['x-cart-id'], undefined);
    assert.equal(seen.headers.cookie, undefined);
    assert.deepEqual(
      JSON.parse(seen.body),
      { productId: 1, quantity: 1 },
      'the body is streamed through unchanged',
    );
  });

  test('the Bearer auth-scheme is case-insensitive: `bearer` and `BEARER` pass through untouched too', async () => {
    const { cookie } = await signIn();
    const clientToken = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzY3JpcHQifQ.c2lnbmF0dXJl';
    for (const authorization of [
      `bearer ${clientToken}`,
      `BEARER ${clientToken}`,
      `Bearer  ${clientToken}`,
    ]) {
      const response = await gateway.app.inject({
        method: 'GET',
        url: '/api/orders',
        headers: { authorization, cookie },
      });
      assert.equal(response.statusCode, 200, authorization.slice(0, 8));
      assert.equal(
        echoed(response.body).headers.authorization,
        authorization,
        'not replaced by the session token',
      );
    }
  });

  test('a signed-in state-changing call without X-CSRF-Token is refused with 403 GW_CSRF and not forwarded', async () => {
    const { cookie, csrf } = await signIn();
    const before = upstream.received.length;
    const cases: Record<string, string>[] = [
      { cookie },
      { cookie, 'x-csrf-token': 'wrong' },
      { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' },
      { cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' },
      { cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of cases) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/api/cart',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: {},
      });
      assert.equal(response.statusCode, 403, JSON.stringify(Object.keys(headers)));
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(response.json().code, 'GW_CSRF');
    }
    assert.equal(upstream.received.length, before, 'nothing reached shop-api');
  });

  test('a signed-in state-changing call with the right token from our origin is forwarded, without the CSRF header', async () => {
    const { cookie, csrf, token } = await signIn();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await gateway.app.inject({
        method,
        url: '/api/cart/1',
        headers: {
          cookie,
          'x-csrf-token': csrf,
          origin: ORIGIN,
          'sec-fetch-site': 'same-origin',
          'content-type': 'application/json',
        },
        payload: { quantity: 2 },
      });
      assert.equal(response.statusCode, 200, method);
      const seen = echoed(response.body);
      assert.equal(seen.headers.authorization, `Bearer ${token}`);
      assert.equal(seen.headers['x-csrf-token'], undefined);
    }
  });

  test('an anonymous visitor gets a random cart id kept in the session and sent as X-Cart-Id', async () => {
    const first = await gateway.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: { 'content-type': 'application/json', 'x-cart-id': 'attacker-chosen-0000000' },
      payload: { productId: 1, quantity: 1 },
    });
    assert.equal(first.statusCode, 200);
    const cartId = echoed(first.body).headers['x-cart-id'];
    assert.match(String(cartId), /^[0-9a-f-]{36}$/);
    const cookie = cookieFrom(first.headers['set-cookie'], COOKIE);
    assert.ok(cookie, 'an anonymous session cookie was set');
    const second = await gateway.app.inject({
      method: 'GET',
      url: '/api/cart',
      headers: { cookie: `${COOKIE}=${cookie}`, 'x-cart-id': 'attacker-chosen-0000000' },
    });
    assert.equal(echoed(second.body).headers['x-cart-id'], cartId);
    const other = await gateway.app.inject({ method: 'GET', url: '/api/products' });
    assert.equal(other.headers['set-cookie'], undefined, 'non-cart calls create no session');
    const look = await gateway.app.inject({ method: 'GET', url: '/api/cart' });
    assert.equal(look.headers['set-cookie'], undefined, 'reading an empty cart creates no session');
    assert.match(String(echoed(look.body).headers['x-cart-id']), /^[0-9a-f-]{36}$/);
    assert.notEqual(echoed(look.body).headers['x-cart-id'], cartId);
  });

  test('an anonymous cross-origin state-changing call is refused', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: {},
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().code, 'GW_CSRF');
  });

  test('POST /api/checkout is rate limited per user: 429 problem with Retry-After, also for a second session of that user; other users unaffected', async () => {
    const a = await signIn(undefined, 'user-limited');
    const sameUser = await signIn(undefined, 'user-limited');
    const other = await signIn(undefined, 'user-other');
    const post = (who: typeof a) =>
      gateway.app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
        payload: {},
      });
    for (let i = 0; i < 3; i += 1) assert.equal((await post(i === 1 ? sameUser : a)).statusCode, 201);
    const limited = await post(a);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'GW_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(
      (await post(sameUser)).statusCode,
      429,
      "a new session of the user does not reset the user's budget",
    );
    assert.equal((await post(other)).statusCode, 201);
  });

  test('a malformed Authorization header is refused with 400 GW_AUTHORIZATION_INVALID and nothing is forwarded', async () => {
    const before = upstream.received.length;
    for (const authorization of [
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
      'Bearer a b',
      'Bearer\ttoken',
      'Token abc',
      '',
    ]) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers: { authorization, 'content-type': 'application/json' },
        payload: {},
      });
      assert.equal(response.statusCode, 400, JSON.stringify(authorization));
      assert.equal(response.json().code, 'GW_AUTHORIZATION_INVALID');
      assert.match(String(response.headers['www-authenticate']), /^Bearer error="invalid_request"/);
    }
    assert.equal(upstream.received.length, before);
  });

  test('hop-by-hop request headers, and those the client names in Connection, are not forwarded', async () => {
    // RFC 9110 §7.6.1: they describe the client's connection to the gateway, not ours to shop-api;
    // Proxy-Authorization is the client's credential for a proxy, never for shop-api.
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/products',
      headers: {
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        te: 'trailers',
        'keep-alive': 'timeout=5',
        upgrade: 'websocket',
        connection: 'keep-alive, x-hop-only',
        'x-hop-only': 'client-connection-detail',
      },
    });
    assert.equal(response.statusCode, 200);
    const seen = echoed(response.body);
    for (const name of ['proxy-authorization', 'te', 'keep-alive', 'upgrade', 'x-hop-only'])
      assert.equal(seen.headers[name], undefined, name);
  });

  test('the checkout rate limit cannot be dodged with dot segments: non-canonical paths are refused', async () => {
    // The proxy's URL parser turns `/api/./checkout` into `/api/checkout` for shop-api, while the
    // gateway's router matched it as `/api/*`, outside the rate-limited route.
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const who = await signIn();
    const headers = { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' };
    const before = upstream.received.length;
    for (const url of [
      '/api/./checkout',
      '/api/x/../checkout',
      '/api/cart/..',
      '/api/%2e/checkout',
      '/api/%2E/checkout',
      '/api/x/%2e%2e/checkout',
      '/api//checkout',
      '/api/cart%2f..%2fcheckout',
      '/api/cart%5ccheckout',
    ]) {
      const response = await rawRequest(gateway.app, 'POST', url, headers);
      assert.equal(response.status, 400, `${url} answered ${response.status}`);
    }
    assert.equal(upstream.received.length, before, 'none reached shop-api');
    const fine = await rawRequest(gateway.app, 'GET', '/api/products?q=a/./b&next=%2e/x', {});
    assert.equal(fine.status, 200, 'the query string is not a path');
  });

  test('an expired access token with the idp unreachable answers 503 with Retry-After and keeps the session', async () => {
    const { cookie } = await signIn();
    clock += 301_000;
    try {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().code, 'GW_IDP_UNAVAILABLE');
      assert.equal(response.headers['retry-after'], '5');
    } finally {
      clock -= 301_000;
    }
    const still = await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } });
    assert.equal(still.json().authenticated, true);
  });

  test('catalog reads touch no session: no token attached, no refresh even when one is due, the cookie left alone', async () => {
    const { cookie } = await signIn();
    clock += 301_000; // the access token is expired and the idp unreachable: any session work would 503
    try {
      for (const url of ['/api/products?category=audio', '/api/products/7', '/api/categories']) {
        const response = await gateway.app.inject({ method: 'GET', url, headers: { cookie } });
        assert.equal(response.statusCode, 200, url);
        const seen = echoed(response.body);
        assert.equal(seen.url, url);
        assert.equal(seen.headers.authorization, undefined, `${url}: no token for a public read`);
        assert.equal(seen.headers.cookie, undefined);
        assert.equal(response.headers['set-cookie'], undefined, `${url}: the session is not touched`);
      }
      // Not a catalog read: the session is used as before.
      const orders = await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
      assert.equal(orders.statusCode, 503);
      const notCatalog = await gateway.app.inject({
        method: 'GET',
        url: '/api/products-export',
        headers: { cookie },
      });
      assert.equal(notCatalog.statusCode, 503, 'only the exact catalog paths skip the session');
    } finally {
      clock -= 301_000;
    }
  });

  test('a down upstream is 502 GW_UPSTREAM_UNAVAILABLE without internals', async () => {
    const { app } = await buildTestGateway(database.db, { SHOP_API_URL: 'http://127.0.0.1:9' });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/products' });
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().code, 'GW_UPSTREAM_UNAVAILABLE');
      assert.ok(!response.body.includes('127.0.0.1'));
    } finally {
      await app.close();
    }
  });

  test('no token reaches a log line', async () => {
    const { cookie, token } = await signIn();
    await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
    const text = gateway.logs.text();
    assert.ok(text.length > 0);
    assert.ok(!text.includes(token), 'access token not logged');
    assert.ok(!text.includes(cookie.split('=')[1] ?? '-'), 'session id not logged');
    assert.ok(!text.includes('refresh-value'));
  });
});

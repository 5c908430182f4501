import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { decodeJwt } from 'jose';
import { startTestIssuer, type TestIssuer } from '@mockmart/auth/testing';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { buildTestGateway } from '../testing/test-gateway.ts';
import { createTokenCache } from './token-cache.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const PER_TOKEN = { 'cache-control': 'max-age=0, s-maxage=60', vary: 'authorization' };

describe('the gateway keeps answers that depend on the token alone, per token', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  const upstream = Fastify();
  const calls = new Map<string, number>();
  const subjectOf = (authorization: string | undefined) =>
    authorization ? String(decodeJwt(authorization.replace(/^Bearer /, '')).sub) : 'nobody';

  before(async () => {
    // shop-api stand-in: answers anyone (the gateway's cache, not this, is under test), saying
    // whom it answered and how often it was asked for that path.
    upstream.get('/api/*', async (request, reply) => {
      const path = request.url.split('?')[0]!;
      calls.set(path, (calls.get(path) ?? 0) + 1);
      const query = request.query as { headers?: string; status?: string };
      const headers: Record<string, Record<string, string>> = {
        'per-token': PER_TOKEN,
        none: {},
        private: { 'cache-control': 'private, s-maxage=60', vary: 'authorization' },
        'more-vary': { 'cache-control': 's-maxage=60', vary: 'authorization, accept-language' },
        'no-vary': { 'cache-control': 's-maxage=60' },
      };
      reply.headers(headers[query.headers ?? 'per-token']!).code(Number(query.status ?? 200));
      return { subject: subjectOf(request.headers.authorization), call: calls.get(path) };
    });
    await upstream.listen({ host: '127.0.0.1', port: 0 });
    const { port } = upstream.server.address() as { port: number };
    issuer = await startTestIssuer({ relativePath: '/auth' });
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    gateway = await buildTestGateway(database.db, {
      SHOP_API_URL: `http://127.0.0.1:${port}`,
      KEYCLOAK_PUBLIC_URL: issuer.url,
      KEYCLOAK_INTERNAL_URL: issuer.url,
      IDP_URL: issuer.url,
    });
  });
  after(async () => {
    await gateway?.app.close();
    await upstream.close();
    await issuer?.close();
    await database?.drop();
  });

  const read = (url: string, headers: Record<string, string>) =>
    gateway.app.inject({ method: 'GET', url, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('a marked answer is served again for the same token without asking shop-api, with its Age', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    const first = await read('/api/user/profile', bearer(token));
    const second = await read('/api/user/profile', bearer(token));
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 200);
    assert.equal(calls.get('/api/user/profile'), 1, 'the second read was answered by the gateway');
    assert.deepEqual(second.json(), first.json());
    assert.equal(second.headers['cache-control'], PER_TOKEN['cache-control']);
    assert.equal(second.headers.vary, 'authorization');
    assert.equal(second.headers.age, '0');
    assert.equal(first.headers.age, undefined, "shop-api's own answer has no Age");
  });

  test('another token, even of the same user, and a request without one never get that answer', async () => {
    const mario = await issuer.userToken({ username: 'mario' });
    const luigi = await issuer.userToken({ username: 'luigi' });
    await read('/api/who?k=1', bearer(mario));
    const forLuigi = await read('/api/who?k=1', bearer(luigi));
    assert.equal(forLuigi.json().subject, decodeJwt(luigi).sub);
    const marioAgain = await issuer.userToken({ username: 'mario', claims: { jti: 'another-token' } });
    assert.equal((await read('/api/who?k=1', bearer(marioAgain))).json().call, 3);
    const anonymous = await read('/api/who?k=1', {});
    assert.equal(anonymous.json().subject, 'nobody');
    assert.equal(calls.get('/api/who'), 4, 'each credential was asked for once');
    // The URL is part of the key too.
    assert.equal((await read('/api/who?k=2', bearer(mario))).json().call, 5);
  });

  test('a token the gateway does not verify is never answered from the cache', async () => {
    // shop-api would refuse it; this stand-in answers, and marks the answer, anyway.
    const expired = await issuer.userToken({ username: 'mario', expiresInSec: -120 });
    const foreign = (await issuer.userToken({ username: 'mario' })).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    for (const token of [expired, foreign]) {
      calls.clear();
      await read('/api/user/profile?bad', bearer(token));
      await read('/api/user/profile?bad', bearer(token));
      assert.equal(calls.get('/api/user/profile'), 2);
    }
  });

  test('only a 200 marked s-maxage with Vary: Authorization alone is kept, and only for a GET', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    for (const query of [
      'headers=none',
      'headers=private',
      'headers=more-vary',
      'headers=no-vary',
      'status=404',
    ]) {
      calls.clear();
      await read(`/api/orders?${query}`, bearer(token));
      await read(`/api/orders?${query}`, bearer(token));
      assert.equal(calls.get('/api/orders'), 2, query);
    }
    calls.clear();
    await gateway.app.inject({ method: 'HEAD', url: '/api/user/profile?head', headers: bearer(token) });
    await gateway.app.inject({ method: 'HEAD', url: '/api/user/profile?head', headers: bearer(token) });
    assert.equal(calls.get('/api/user/profile'), 2);
  });

  test("a signed-in browser's reads are kept per session token, and it is told to keep them to itself", async () => {
    const token = await issuer.userToken({ username: 'peach' });
    const session = await gateway.app.gateway.store.create({
      secrets: {
        user: {
          id: 'peach',
          username: 'peach',
          name: 'Peach',
          email: 'peach@example.com',
          roles: ['user'],
          canCheckout: true,
        },
        tokens: {
          accessToken: token,
          refreshToken: 'refresh-value',
          accessTokenExpiresAt: Date.now() + 300_000,
        },
      },
      sub: 'peach',
    });
    const cookie = { cookie: `mockmart_session=${session.id}` };
    calls.clear();
    const first = await read('/api/user/profile?browser', cookie);
    const second = await read('/api/user/profile?browser', cookie);
    assert.equal(calls.get('/api/user/profile'), 1);
    assert.equal(second.json().subject, decodeJwt(token).sub);
    // A shared cache in front of the gateway sees no Authorization here: it must keep nothing.
    for (const response of [first, second])
      assert.equal(response.headers['cache-control'], 'private, no-store');
    // The same token as a bearer shares the entry: the key is the credential shop-api saw.
    assert.equal((await read('/api/user/profile?browser', bearer(token))).json().call, 1);
  });
});

describe('token cache', () => {
  const headers = { ...PER_TOKEN, 'content-type': 'application/json', 'content-length': '2' };

  test('a kept answer goes after its s-maxage, or at the first hit whose token no longer verifies', async () => {
    let clock = 1_000;
    let valid = true;
    const cache = createTokenCache(
      async () => {
        if (!valid) throw new Error('expired');
      },
      () => clock,
    );
    cache.keep('/api/user/profile', 't', headers, Buffer.from('{}'));
    assert.ok(await cache.lookup('/api/user/profile', 't'));
    clock += 60_000;
    assert.equal(await cache.lookup('/api/user/profile', 't'), undefined, 'past s-maxage');
    cache.keep('/api/user/profile', 't', headers, Buffer.from('{}'));
    valid = false;
    assert.equal(await cache.lookup('/api/user/profile', 't'), undefined, 'the token no longer verifies');
    valid = true;
    assert.equal(await cache.lookup('/api/user/profile', 't'), undefined, 'and the entry is gone');
  });

  test('answers without a length, or over 16 KiB, are not kept', () => {
    const cache = createTokenCache(async () => {});
    assert.equal(cache.keeps(200, { ...PER_TOKEN }), false);
    assert.equal(cache.keeps(200, { ...PER_TOKEN, 'content-length': String(16 * 1024 + 1) }), false);
    assert.equal(cache.keeps(200, headers), true);
  });
});

test('the cache holds 8 MiB at most, keys included: the oldest answers go first', async () => {
  const cache = createTokenCache(async () => {});
  const body = Buffer.alloc(16 * 1024, 'x');
  const headers = { ...PER_TOKEN, 'content-length': String(body.length) };
  for (let i = 0; i < 1000; i++) cache.keep(`/api/user/profile?page=${i}`, 'token', headers, body);
  assert.ok(cache.bytes <= 8 * 1024 * 1024, `${cache.bytes} bytes kept`);
  assert.ok(cache.bytes > 7 * 1024 * 1024);
  assert.equal(await cache.lookup('/api/user/profile?page=0', 'token'), undefined);
  assert.ok(await cache.lookup('/api/user/profile?page=999', 'token'));
});

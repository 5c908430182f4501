import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { decodeJwt } from 'jose';
import { startTestIssuer, type TestIssuer } from '@mockmart/auth/testing';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { buildTestGateway } from '../testing/test-gateway.ts';
import { createTokenCache } from './token-cache.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
/** As shop-api marks its profile (profile/routes.ts). */
const PER_TOKEN = {
  'cache-control': 'private, no-store',
  'gateway-cache-control': 'max-age=60',
  vary: 'authorization',
};

describe('the gateway keeps answers that depend on the token alone, per token', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  let clock = Date.now();
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
        'an-hour': { ...PER_TOKEN, 'gateway-cache-control': 'max-age=3600' },
        private: { ...PER_TOKEN, 'gateway-cache-control': 'private, max-age=60' },
        'shared-only': { 'cache-control': 's-maxage=60', vary: 'authorization' },
        'more-vary': { ...PER_TOKEN, vary: 'authorization, accept-language' },
        'no-vary': { 'gateway-cache-control': 'max-age=60' },
      };
      reply.headers(headers[query.headers ?? 'per-token']!).code(Number(query.status ?? 200));
      return { subject: subjectOf(request.headers.authorization), call: calls.get(path) };
    });
    // Promises 100 bytes, sends 10, then hangs up.
    upstream.get('/api/broken', async (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { ...PER_TOKEN, 'content-type': 'application/json', 'content-length': '100' });
      reply.raw.write('{"partial"');
      setTimeout(() => reply.raw.destroy(), 20);
    });
    await upstream.listen({ host: '127.0.0.1', port: 0 });
    const { port } = upstream.server.address() as { port: number };
    issuer = await startTestIssuer({ relativePath: '/auth' });
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    gateway = await buildTestGateway(
      database.db,
      {
        SHOP_API_URL: `http://127.0.0.1:${port}`,
        KEYCLOAK_PUBLIC_URL: issuer.url,
        KEYCLOAK_INTERNAL_URL: issuer.url,
        IDP_URL: issuer.url,
      },
      { now: () => clock },
    );
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

  test("a marked answer is served again for the same token without asking shop-api, with its Age and shop-api's Cache-Control", async () => {
    const token = await issuer.userToken({ username: 'mario' });
    const first = await read('/api/user/profile', bearer(token));
    clock += 5_000;
    const second = await read('/api/user/profile', bearer(token));
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 200);
    assert.equal(calls.get('/api/user/profile'), 1, 'the second read was answered by the gateway');
    assert.deepEqual(second.json(), first.json());
    assert.equal(first.headers.age, undefined, "shop-api's own answer has no Age");
    assert.equal(second.headers.age, '5');
    for (const response of [first, second]) {
      // Nobody after the gateway keeps it, and the gateway's own instructions stay with it.
      assert.equal(response.headers['cache-control'], 'private, no-store');
      assert.equal(response.headers['gateway-cache-control'], undefined);
      assert.equal(response.headers.vary, 'authorization');
    }
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
    const forged = (await issuer.userToken({ username: 'mario' })).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    for (const token of [expired, forged]) {
      calls.clear();
      await read('/api/user/profile?bad', bearer(token));
      await read('/api/user/profile?bad', bearer(token));
      assert.equal(calls.get('/api/user/profile'), 2);
    }
  });

  test('over a real connection a kept answer goes out before Fastify once its token verifies, as Fastify would send it', async () => {
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = gateway.app.server.address() as { port: number };
    const get = async (url: string, headers: Record<string, string>) => {
      const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    };
    const earlyLines = () =>
      gateway.logs.lines().filter((line) => line.msg === 'request completed' && line.early === true).length;
    const token = await issuer.userToken({ username: 'peach' });
    calls.clear();
    const first = await get('/api/user/profile?early', bearer(token));
    const before = earlyLines();
    const early = await get('/api/user/profile?early', bearer(token));
    assert.equal(calls.get('/api/user/profile'), 1, 'shop-api was asked once');
    assert.equal(earlyLines(), before + 1, 'answered early (its access line says so)');
    assert.equal(early.body, first.body);
    const fastify = await read('/api/user/profile?early', bearer(token));
    const comparable = (headers: Record<string, unknown>) => {
      const { date: _d, connection: _c, 'keep-alive': _k, 'x-request-id': id, ...rest } = headers;
      assert.ok(id, 'x-request-id');
      return rest;
    };
    assert.deepEqual(comparable(early.headers), comparable(fastify.headers));

    // Another token, a client asking for a fresh answer, a token that no longer verifies: Fastify's
    // way, which asks shop-api.
    const other = await issuer.userToken({ username: 'peach', claims: { jti: 'second-token' } });
    await get('/api/user/profile?early', bearer(other));
    await get('/api/user/profile?early', { ...bearer(token), 'cache-control': 'no-cache' });
    assert.equal(calls.get('/api/user/profile'), 3);
    const expired = await issuer.userToken({ username: 'peach', expiresInSec: -120 });
    await get('/api/user/profile?early', bearer(expired));
    const lines = earlyLines();
    await get('/api/user/profile?early', bearer(expired));
    assert.equal(earlyLines(), lines, 'not answered early');
    assert.equal(
      calls.get('/api/user/profile'),
      5,
      'a token that does not verify is never answered from the cache',
    );
  });

  test('only a 200 marked for the gateway with Vary: Authorization alone is kept, and only for a GET', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    const queries = ['none', 'private', 'shared-only', 'more-vary', 'no-vary'].map(
      (name) => `headers=${name}`,
    );
    for (const query of [...queries, 'status=404']) {
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

  test('the gateway keeps an answer a minute at most, whatever shop-api allows', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    calls.clear();
    await read('/api/orders?headers=an-hour', bearer(token));
    clock += 59_000;
    await read('/api/orders?headers=an-hour', bearer(token));
    assert.equal(calls.get('/api/orders'), 1);
    clock += 1_000;
    await read('/api/orders?headers=an-hour', bearer(token));
    assert.equal(calls.get('/api/orders'), 2);
  });

  test('a client asking for a fresh answer gets one, which is kept; no-store keeps nothing', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    calls.clear();
    await read('/api/user/profile?fresh', bearer(token));
    const asking: Record<string, string>[] = [
      { 'cache-control': 'no-cache' },
      { 'cache-control': 'max-age=0' },
      { pragma: 'no-cache' },
    ];
    for (const asks of asking) await read('/api/user/profile?fresh', { ...bearer(token), ...asks });
    assert.equal(calls.get('/api/user/profile'), 4);
    assert.equal((await read('/api/user/profile?fresh', bearer(token))).json().call, 4, 'the newest is kept');
    await read('/api/user/profile?unstored', { ...bearer(token), 'cache-control': 'no-store' });
    await read('/api/user/profile?unstored', bearer(token));
    assert.equal(calls.get('/api/user/profile'), 6);
  });

  test("a signed-in browser's reads are kept per session token", async () => {
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
        tokens: { accessToken: token, refreshToken: 'refresh-value', accessTokenExpiresAt: clock + 300_000 },
      },
      sub: 'peach',
    });
    const cookie = { cookie: `mockmart_session=${session.id}` };
    calls.clear();
    await read('/api/user/profile?browser', cookie);
    const second = await read('/api/user/profile?browser', cookie);
    assert.equal(calls.get('/api/user/profile'), 1);
    assert.equal(second.json().subject, decodeJwt(token).sub);
    assert.equal(second.headers['cache-control'], 'private, no-store');
    // The same token as a bearer shares the entry: the key is the credential shop-api saw.
    assert.equal((await read('/api/user/profile?browser', bearer(token))).json().call, 1);
  });

  test('an answer cut off mid-body is a 502 problem without its caching headers, and nothing is kept', async () => {
    const token = await issuer.userToken({ username: 'mario' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await read('/api/broken', bearer(token));
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().code, 'GW_UPSTREAM_UNAVAILABLE');
      assert.equal(response.headers.vary, undefined);
      assert.notEqual(response.headers['cache-control'], PER_TOKEN['cache-control']);
    }
    assert.equal((await read('/api/user/profile?after-broken', bearer(token))).statusCode, 200);
  });
});

describe('token cache', () => {
  const headers = { ...PER_TOKEN, 'content-type': 'application/json', 'content-length': '2' };

  test('a kept answer goes after its max-age from the request, or at the first hit whose token no longer verifies', async () => {
    let clock = 1_000;
    let valid = true;
    const cache = createTokenCache(
      async () => {
        if (!valid) throw new Error('expired');
      },
      () => clock,
    );
    cache.keep('/api/user/profile', 't', clock - 2_000, headers, Buffer.from('{}'));
    assert.equal((await cache.lookup('/api/user/profile', 't'))?.storedAt, clock - 2_000);
    clock += 58_000;
    assert.equal(await cache.lookup('/api/user/profile', 't'), undefined, 'max-age counts from the request');
    cache.keep('/api/user/profile', 't', clock, headers, Buffer.from('{}'));
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

  test('the cache holds 8 MiB at most, keys counted: the oldest answers go first', async () => {
    const cache = createTokenCache(async () => {});
    const longQuery = 'q'.repeat(4096);
    for (let i = 0; i < 4000; i++)
      cache.keep(`/api/user/profile?${longQuery}${i}`, 'token', Date.now(), headers, Buffer.from('{}'));
    assert.ok(cache.bytes <= 8 * 1024 * 1024, `${cache.bytes} bytes counted`);
    assert.ok(cache.bytes > 7 * 1024 * 1024, 'the keys are counted');
    assert.equal(await cache.lookup(`/api/user/profile?${longQuery}0`, 'token'), undefined);
    assert.ok(await cache.lookup(`/api/user/profile?${longQuery}3999`, 'token'));
  });
});

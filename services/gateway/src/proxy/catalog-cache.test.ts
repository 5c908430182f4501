import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

describe('the gateway keeps public catalog answers as a shared HTTP cache would', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  const upstream = Fastify();
  let calls = 0;
  let version = 1;
  let slowMs = 0;

  before(async () => {
    upstream.get('/api/products', async (request, reply) => {
      calls++;
      const marked = (request.query as { cache?: string }).cache !== 'no';
      if (marked) reply.header('cache-control', 'public, max-age=1').header('etag', `"v${version}"`);
      // As shop-api does: a matching If-None-Match gets 304.
      if (marked && request.headers['if-none-match'] === `"v${version}"`) return reply.code(304).send();
      return [{ id: 1, version }];
    });
    // Answers after `slowMs`, with the version it found when the request arrived.
    upstream.get('/api/categories', async (_request, reply) => {
      calls++;
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      reply.header('cache-control', 'public, max-age=5').header('etag', `"c${seen}"`);
      return [{ category: seen }];
    });
    // Kept 1 s and, while revalidated, 1 s more; answers after `slowMs` with the version it found.
    upstream.get('/api/products/3', async (_request, reply) => {
      calls++;
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      reply
        .header('cache-control', 'public, max-age=1, stale-while-revalidate=1')
        .header('etag', `"p${seen}"`);
      return { id: 3, version: seen };
    });
    // Promises 100 bytes, sends 10, then hangs up.
    upstream.get('/api/products/9', async (_request, reply) => {
      calls++;
      reply.hijack();
      reply.raw.writeHead(200, {
        'cache-control': 'public, max-age=60',
        etag: '"cut"',
        'content-type': 'application/json',
        'content-length': '100',
      });
      reply.raw.write('{"partial"');
      setTimeout(() => reply.raw.destroy(), 20);
    });
    upstream.put('/api/products/1', async () => ({ id: 1 }));
    upstream.put('/api/products/2', async (_request, reply) => reply.code(404).send({}));
    upstream.get('/api/orders', async (_request, reply) => {
      calls++;
      reply.header('cache-control', 'public, max-age=1').header('etag', '"orders"');
      return [];
    });
    await upstream.listen({ host: '127.0.0.1', port: 0 });
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    const { port } = upstream.server.address() as { port: number };
    gateway = await buildTestGateway(database.db, { SHOP_API_URL: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await gateway?.app.close();
    await upstream.close();
    await database?.drop();
  });

  test('a public 200 is served from memory for its max-age; If-None-Match gets 304; then it is asked again', async () => {
    calls = 0;
    const first = await gateway.app.inject({ url: '/api/products' });
    assert.deepEqual(first.json(), [{ id: 1, version: 1 }]);
    version = 2;
    const second = await gateway.app.inject({
      url: '/api/products',
      headers: { cookie: 'mockmart_session=x' },
    });
    assert.deepEqual(second.json(), [{ id: 1, version: 1 }], 'within max-age: the kept answer');
    assert.equal(second.headers.etag, '"v1"');
    assert.equal(second.headers['cache-control'], 'public, max-age=1');
    assert.equal(second.headers.age, '0', 'kept, and says how old it is (RFC 9111 §5.1)');
    const revalidated = await gateway.app.inject({
      url: '/api/products',
      headers: { 'if-none-match': '"v1"' },
    });
    assert.equal(revalidated.statusCode, 304);
    assert.equal(calls, 1, 'shop-api was asked once');
    // After max-age the next read goes to shop-api again.
    await new Promise((resolve) => setTimeout(resolve, 1010));
    assert.deepEqual((await gateway.app.inject({ url: '/api/products' })).json(), [{ id: 1, version: 2 }]);
    assert.equal(calls, 2);
  });

  test("a read answered from the cache has the gateway's headers and is logged at debug (routine); one shop-api answered at info", async () => {
    const url = `/api/products?search=${Math.random().toString(36).slice(2)}`;
    const miss = await gateway.app.inject({ url });
    const hit = await gateway.app.inject({ url });
    // Answered from the first hook, the hit still carries every header the gateway adds.
    for (const name of [
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
    ])
      assert.ok(hit.headers[name] && hit.headers[name] === miss.headers[name], name);
    assert.ok(hit.headers['x-request-id']);
    const levels = gateway.logs
      .lines()
      .filter((line) => line.msg === 'request completed' && line.path === '/api/products')
      .slice(-2)
      .map((line) => line.level);
    assert.deepEqual(levels, [30, 20], 'info for the miss, debug for the hit');
  });

  test('over a real connection a fresh kept answer goes out before Fastify, as Fastify would send it', async () => {
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = gateway.app.server.address() as { port: number };
    const get = async (headers: Record<string, string> = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/products?early=1`, { headers });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    };
    calls = 0;
    const miss = await get();
    assert.equal(calls, 1);
    const earlyLines = () =>
      gateway.logs.lines().filter((line) => line.msg === 'request completed' && line.early === true).length;
    const earlyBefore = earlyLines();
    const early = await get();
    assert.equal(calls, 1, 'shop-api was not asked');
    assert.equal(early.body, miss.body);
    assert.equal(earlyLines(), earlyBefore + 1, 'answered early (its access line says so)');
    // The same kept answer through Fastify's hooks (inject never reaches the HTTP listener).
    const fastify = await gateway.app.inject({ url: '/api/products?early=1' });
    assert.equal(calls, 1);
    assert.equal(earlyLines(), earlyBefore + 1);
    const comparable = (headers: Record<string, unknown>) => {
      const { date: _d, connection: _c, 'keep-alive': _k, 'x-request-id': id, age, ...rest } = headers;
      assert.ok(id, 'x-request-id');
      assert.equal(age, '0');
      return rest;
    };
    assert.deepEqual(comparable(early.headers), comparable(fastify.headers));

    const conditional = await get({ 'if-none-match': String(early.headers.etag) });
    assert.equal(conditional.status, 304);
    assert.equal(conditional.body, '');
    assert.equal(calls, 1);
    await get({ authorization: 'Bearer not-a-token' });
    assert.equal(calls, 2, 'a request with credentials never gets a kept answer: shop-api decides');
  });

  test('an answer cut off mid-body is a 502 to every reader waiting for it, without its caching headers, and is not kept', async () => {
    calls = 0;
    const readers = await Promise.all([1, 2, 3].map(() => gateway.app.inject({ url: '/api/products/9' })));
    for (const response of readers) {
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().code, 'GW_UPSTREAM_UNAVAILABLE');
      assert.equal(response.headers.etag, undefined);
      assert.notEqual(response.headers['cache-control'], 'public, max-age=60');
    }
    assert.equal((await gateway.app.inject({ url: '/api/products/9' })).statusCode, 502);
    assert.ok(calls >= 2, 'nothing was kept: the next reader asked shop-api again');
  });

  test('answers not marked public, other paths and Bearer requests are never kept', async () => {
    calls = 0;
    for (let i = 0; i < 2; i++) {
      await gateway.app.inject({ url: '/api/products?cache=no' });
      await gateway.app.inject({ url: '/api/products', headers: { authorization: 'Bearer abc.def.ghi' } });
      await gateway.app.inject({ url: '/api/orders' }); // marked public, but not a catalog read
    }
    assert.equal(calls, 6);
  });

  test('a write through the gateway empties the cache, so the writer sees its change at once', async () => {
    const LIST = '/api/products?page=1'; // not kept by the tests above
    calls = 0;
    version = 3;
    await gateway.app.inject({ url: LIST });
    version = 4;
    const bearer = { authorization: 'Bearer abc.def.ghi' };
    const refused = await gateway.app.inject({
      method: 'PUT',
      url: '/api/products/2',
      headers: bearer,
      payload: {},
    });
    assert.equal(refused.statusCode, 404);
    assert.deepEqual(
      (await gateway.app.inject({ url: LIST })).json(),
      [{ id: 1, version: 3 }],
      'a refused write changes nothing',
    );
    const edited = await gateway.app.inject({
      method: 'PUT',
      url: '/api/products/1',
      headers: bearer,
      payload: {},
    });
    assert.equal(edited.statusCode, 200);
    assert.deepEqual((await gateway.app.inject({ url: LIST })).json(), [{ id: 1, version: 4 }]);
    assert.equal(calls, 2);
  });

  test('readers that miss at the same moment wait for one read of shop-api', async () => {
    calls = 0;
    slowMs = 150;
    version = 10;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => gateway.app.inject({ url: '/api/categories' })),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.statusCode)), new Set([200]));
    assert.deepEqual(new Set(answers.map((answer) => answer.body)), new Set(['[{"category":10}]']));
    assert.equal(calls, 1, 'one upstream read for twenty readers');
  });

  test('past max-age, readers get the expired answer while one read revalidates it, within stale-while-revalidate', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const read = async () => (await gateway.app.inject({ url: '/api/products/3' })).json().version;
    calls = 0;
    slowMs = 0;
    version = 40;
    assert.equal(await read(), 40);
    version = 41;
    await sleep(1050); // expired, within the stale window
    slowMs = 300;
    const revalidating = read(); // the first reader after expiry asks shop-api and waits for it
    await sleep(50);
    const stale = await gateway.app.inject({ url: '/api/products/3' });
    assert.equal(stale.headers.age, '1', 'an expired answer says it is');
    const during = await Promise.all(Array.from({ length: 10 }, read));
    assert.deepEqual(new Set(during), new Set([40]), 'the others get the expired answer at once');
    assert.equal(await revalidating, 41);
    assert.equal(await read(), 41, 'then the new one');
    assert.equal(calls, 2, 'one read to revalidate for eleven readers');

    slowMs = 0;
    version = 42;
    await sleep(2100); // past max-age and the stale window: nothing old is served
    assert.equal(await read(), 42);
    assert.equal(calls, 3);

    // Shop-api's permission only: without stale-while-revalidate, readers wait (test above).
    const edit = await gateway.app.inject({
      method: 'PUT',
      url: '/api/products/1',
      headers: { authorization: 'Bearer abc.def.ghi' },
      payload: {},
    });
    assert.equal(edit.statusCode, 200);
    version = 43;
    assert.equal(await read(), 43, 'a write empties stale answers too');
  });

  test("readers with If-None-Match (the shop UI's) fill and refill the cache too", async () => {
    const url = '/api/products?page=9'; // not kept by the tests above
    const conditional = (etag: string) => gateway.app.inject({ url, headers: { 'if-none-match': etag } });
    calls = 0;
    version = 50;
    const first = await conditional('"v50"');
    assert.equal(first.statusCode, 304, "the visitor's condition holds");
    assert.equal(first.headers.etag, '"v50"');
    assert.equal((await conditional('"v50"')).statusCode, 304);
    const other = await conditional('"v49"');
    assert.equal(other.statusCode, 200);
    assert.deepEqual(other.json(), [{ id: 1, version: 50 }]);
    assert.equal(calls, 1, 'the first conditional read was kept: shop-api was asked once');
    version = 51;
    await new Promise((resolve) => setTimeout(resolve, 1010));
    assert.equal((await conditional('"v50"')).statusCode, 200, 'expired: asked again, changed since');
    assert.equal((await conditional('"v51"')).statusCode, 304);
    assert.equal(calls, 2, 'and kept again');
  });

  test('an answer read before a write through the gateway is neither kept nor handed to readers after it', async () => {
    const write = () =>
      gateway.app.inject({
        method: 'PUT',
        url: '/api/products/1',
        headers: { authorization: 'Bearer abc.def.ghi' },
        payload: {},
      });
    /** A read that shop-api answers 200 ms later with what it found now; then a write lands. */
    const readThenWrite = async (found: number) => {
      version = found;
      const read = gateway.app.inject({ url: '/api/categories' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      version = found + 1;
      assert.equal((await write()).statusCode, 200);
      return read;
    };
    assert.equal((await write()).statusCode, 200); // empties what the test above kept
    slowMs = 200;
    calls = 0;
    assert.equal((await readThenWrite(20)).body, '[{"category":20}]');
    slowMs = 0;
    const next = await gateway.app.inject({ url: '/api/categories' });
    assert.equal(next.body, '[{"category":21}]', 'the answer from before the write was not kept');
    assert.equal(calls, 2);

    assert.equal((await write()).statusCode, 200);
    slowMs = 200;
    calls = 0;
    const pending = readThenWrite(30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const during = await gateway.app.inject({ url: '/api/categories' });
    assert.equal((await pending).body, '[{"category":30}]');
    assert.equal(during.body, '[{"category":31}]', 'a reader after the write gets what the write left');
    assert.equal(calls, 2);
    slowMs = 0;
  });
});

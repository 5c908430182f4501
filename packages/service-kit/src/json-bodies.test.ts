import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createApp } from './app.ts';
import { strictObject } from './schemas.ts';
import { captureLogs } from './testing/index.ts';

/**
 * How createApp reads JSON bodies: nesting is bounded, an empty body with a JSON content type is no
 * body, and a body must match its schema as sent (no type coercion), while query strings and path
 * parameters, which arrive as text, are still read as the numbers and booleans their schema says.
 */
async function appWithRoutes() {
  const logs = captureLogs('kit-json');
  const app = await createApp({ name: 'kit-json', logger: logs.logger });
  const calls: unknown[] = [];
  app.put(
    '/stock/:productId',
    {
      schema: {
        params: strictObject({ productId: Type.Integer({ minimum: 1 }) }),
        body: strictObject({ onHand: Type.Integer({ minimum: 0 }) }),
      },
    },
    async (request) => {
      calls.push({ params: request.params, body: request.body });
      return { productId: request.params.productId, onHand: request.body.onHand };
    },
  );
  app.get(
    '/search',
    { schema: { querystring: strictObject({ page: Type.Integer({ minimum: 1 }), exact: Type.Boolean() }) } },
    async (request) => request.query,
  );
  app.post('/any', async (request) => {
    calls.push(request.body);
    return { received: request.body ?? null };
  });
  app.delete(
    '/cart/items/:productId',
    { schema: { params: strictObject({ productId: Type.Integer({ minimum: 1 }) }) } },
    async (request) => {
      calls.push(request.params);
      return { removed: request.params.productId };
    },
  );
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        params: strictObject({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Optional(strictObject({ note: Type.Optional(Type.String({ maxLength: 50 })) })),
      },
    },
    async (request) => {
      calls.push(request.body);
      return { cancelled: request.params.id, note: request.body?.note ?? null };
    },
  );
  await app.ready();
  return { app, calls, logs };
}

const json = { 'content-type': 'application/json' };

describe('JSON bodies', { timeout: 15_000 }, () => {
  let server: Awaited<ReturnType<typeof appWithRoutes>>;
  before(async () => {
    server = await appWithRoutes();
  });
  after(() => server.app.close());
  beforeEach(() => {
    server.calls.length = 0;
  });

  test('JSON nested 6,000 levels deep is a 400 problem naming the depth bound, not a 500', async () => {
    const deep = '['.repeat(6000) + ']'.repeat(6000);
    const deepObject = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    for (const payload of [deep, deepObject]) {
      const response = await server.app.inject({ method: 'POST', url: '/any', headers: json, payload });
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
      const body = response.json<{ code: string; detail: string }>();
      assert.equal(body.code, 'KIT_VALIDATION_FAILED');
      assert.match(body.detail, /nested deeper than 64/);
    }
    assert.equal(server.calls.length, 0, 'the handler never ran');
  });

  test('JSON nested within the bound is read; brackets inside strings do not count', async () => {
    const nested = '['.repeat(60) + '"[[[[{{{{"' + ']'.repeat(60);
    const response = await server.app.inject({ method: 'POST', url: '/any', headers: json, payload: nested });
    assert.equal(response.statusCode, 200, response.body);
    const deepString = JSON.stringify({ note: '['.repeat(5000) + '\\"{' });
    const quoted = await server.app.inject({
      method: 'POST',
      url: '/any',
      headers: json,
      payload: deepString,
    });
    assert.equal(quoted.statusCode, 200, quoted.body);
  });

  test('DELETE with Content-Type application/json and an empty body is a request without a body', async () => {
    const response = await server.app.inject({
      method: 'DELETE',
      url: '/cart/items/7',
      headers: json,
      payload: '',
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { removed: 7 });
  });

  test('POST with Content-Type application/json and an empty body: optional body absent, required body refused', async () => {
    const optional = await server.app.inject({
      method: 'POST',
      url: '/orders/3/cancel',
      headers: json,
      payload: '',
    });
    assert.equal(optional.statusCode, 200, optional.body);
    assert.deepEqual(optional.json(), { cancelled: 3, note: null });

    server.calls.length = 0;
    const required = await server.app.inject({
      method: 'PUT',
      url: '/stock/8',
      headers: json,
      payload: '',
    });
    assert.equal(required.statusCode, 400, required.body);
    assert.equal(required.json<{ code: string }>().code, 'KIT_VALIDATION_FAILED');
    assert.equal(server.calls.length, 0);
  });

  test('a JSON body is not coerced: null, "0x10", "16", true and [2] for an integer are 400s', async () => {
    for (const onHand of [null, '0x10', '16', true, [2], 2.5]) {
      const response = await server.app.inject({
        method: 'PUT',
        url: '/stock/8',
        headers: json,
        payload: JSON.stringify({ onHand }),
      });
      assert.equal(response.statusCode, 400, `${JSON.stringify(onHand)}: ${response.body}`);
      const body = response.json<{ code: string; detail: string }>();
      assert.equal(body.code, 'KIT_VALIDATION_FAILED');
      assert.match(body.detail, /body\/onHand must be integer/);
    }
    assert.equal(server.calls.length, 0, 'nothing reached the handler');
    const ok = await server.app.inject({
      method: 'PUT',
      url: '/stock/8',
      headers: json,
      payload: JSON.stringify({ onHand: 16 }),
    });
    assert.deepEqual(ok.json(), { productId: 8, onHand: 16 });
  });

  test('query strings and path parameters are still read as the types their schema declares', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/search?page=2&exact=true' });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { page: 2, exact: true });
    const badPath = await server.app.inject({
      method: 'PUT',
      url: '/stock/abc',
      headers: json,
      payload: '{"onHand":1}',
    });
    assert.equal(badPath.statusCode, 400);
  });
});

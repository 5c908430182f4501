import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { createApp, type AppOptions } from './app.ts';
import { AppError, defineError } from './errors.ts';
import { registerHealthRoutes } from './health.ts';
import { strictObject } from './schemas.ts';
import { captureLogs } from './testing/index.ts';

const LEAK = 'SELECT password_hash FROM users WHERE email = $1 -- db-host-internal.local';
const PaymentDeclined = defineError('PAY_DECLINED', 402, 'Payment declined');

/** The app on a real socket (127.0.0.1:0), closed after the suite. */
async function listen(options: Partial<AppOptions> = {}) {
  const logs = captureLogs('kit-test');
  const app = await createApp({ name: 'kit-test', logger: logs.logger, ...options });
  let handlerRuns = 0;
  app.post(
    '/orders',
    {
      schema: {
        body: strictObject({ sku: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => {
      handlerRuns++;
      return { accepted: request.body };
    },
  );
  app.get('/boom', async () => {
    throw new Error(LEAK);
  });
  app.get('/declined', async () => {
    throw new PaymentDeclined('Card declined by issuer', {
      extensions: { reason: 'insufficient_funds', chargeId: 'ch_1' },
      headers: { 'retry-after': '30' },
    });
  });
  app.get('/masked', async () => {
    throw new AppError('KIT_INTERNAL', 500, 'Internal error', `connect ECONNREFUSED ${LEAK}`);
  });
  app.get('/masked-with-order', async () => {
    throw new AppError('SHOP_X', 503, 'Unavailable', `inventory at ${LEAK} timed out`, {
      extensions: { upstream: LEAK },
      exposed: { orderId: 42, orderStatus: 'paid' },
    });
  });
  app.post('/login', async (request) => {
    request.log.info({ headers: request.headers, body: request.body }, 'login attempt');
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { app, base, logs, runs: () => handlerRuns };
}

async function problemOf(response: Response) {
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const text = await response.text();
  return { text, body: JSON.parse(text) as Record<string, unknown> };
}

describe('createApp errors are problem+json and never leak', { timeout: 10_000 }, () => {
  let server: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    server = await listen();
  });
  after(() => server.app.close());

  test('a thrown Error becomes a masked 500 without stack, message or SQL', async () => {
    const response = await fetch(`${server.base}/boom`);
    assert.equal(response.status, 500);
    const { text, body } = await problemOf(response);
    assert.equal(body.code, 'KIT_INTERNAL');
    assert.equal(body.title, 'Internal error');
    assert.equal(body.status, 500);
    assert.equal(body.instance, '/boom');
    assert.equal(body.detail, undefined);
    for (const leak of ['SELECT', 'password_hash', 'db-host-internal', 'stack', 'at ', '.ts:']) {
      assert.ok(!text.includes(leak), `response leaks ${leak}: ${text}`);
    }
    // The operator still gets the cause, in the log, tied to the request.
    const line = server.logs.lines().find((entry) => entry.msg === 'request failed');
    assert.ok(line, 'the failure is logged');
    assert.match(JSON.stringify(line), /password_hash/);
  });

  test('a 5xx AppError has its detail masked too', async () => {
    const response = await fetch(`${server.base}/masked`);
    assert.equal(response.status, 500);
    const { text } = await problemOf(response);
    assert.ok(!text.includes('ECONNREFUSED'));
  });

  test('a 5xx shows the fields its error exposes (ids, states) and still masks detail and extensions', async () => {
    const response = await fetch(`${server.base}/masked-with-order`);
    assert.equal(response.status, 503);
    const { text, body } = await problemOf(response);
    assert.equal(body.orderId, 42);
    assert.equal(body.orderStatus, 'paid');
    assert.equal(body.status, 503);
    assert.equal(body.detail, undefined);
    assert.equal(body.upstream, undefined);
    assert.ok(!text.includes(LEAK));
  });

  test('an AppError keeps its code, status, detail, extensions and headers', async () => {
    const response = await fetch(`${server.base}/declined`);
    assert.equal(response.status, 402);
    assert.equal(response.headers.get('retry-after'), '30');
    const { body } = await problemOf(response);
    assert.deepEqual(
      { ...body, traceId: typeof body.traceId },
      {
        type: 'https://mockmart.dev/problems/pay-declined',
        title: 'Payment declined',
        status: 402,
        detail: 'Card declined by issuer',
        code: 'PAY_DECLINED',
        instance: '/declined',
        traceId: 'string',
        reason: 'insufficient_funds',
        chargeId: 'ch_1',
      },
    );
  });

  test('an unknown body field is a 400 naming the field, and the handler does not run', async () => {
    const before = server.runs();
    const response = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'x', quantity: 1, isAdmin: true }),
    });
    assert.equal(response.status, 400);
    const { body } = await problemOf(response);
    assert.equal(body.code, 'KIT_VALIDATION_FAILED');
    assert.match(String(body.detail), /'isAdmin'/);
    assert.ok(Array.isArray(body.errors));
    assert.equal(server.runs(), before);

    const ok = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'x', quantity: 2 }),
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { accepted: { sku: 'x', quantity: 2 } });
    assert.equal(server.runs(), before + 1);
  });

  test('a NUL byte in the body, the query or a key is a 400 (PostgreSQL cannot store it), and the handler does not run', async () => {
    const before = server.runs();
    for (const [url, payload] of [
      ['/orders', { sku: 'x\u0000y', quantity: 1 }],
      ['/orders?note=%00', { sku: 'x', quantity: 1 }],
      ['/orders', { sku: 'x', quantity: 1, ['k\u0000']: 1 }],
    ] as const) {
      const response = await fetch(`${server.base}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      assert.equal(response.status, 400, url);
      const { body } = await problemOf(response);
      assert.equal(body.code, 'KIT_VALIDATION_FAILED');
      assert.match(String(body.detail), /NUL/);
    }
    assert.equal(server.runs(), before);
  });

  test('a wrong type is a 400 naming the property', async () => {
    const response = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'x', quantity: 0 }),
    });
    assert.equal(response.status, 400);
    const { body } = await problemOf(response);
    assert.match(String(body.detail), /body\/quantity/);
  });

  test('invalid JSON is a 400 problem', async () => {
    const response = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sku": ',
    });
    assert.equal(response.status, 400);
    const { body } = await problemOf(response);
    assert.equal(body.code, 'KIT_BAD_REQUEST');
  });

  test('a body above the limit is a 413 problem', async () => {
    const response = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'x'.repeat(101 * 1024), quantity: 1 }),
    });
    assert.equal(response.status, 413);
    const { body } = await problemOf(response);
    assert.equal(body.code, 'KIT_PAYLOAD_TOO_LARGE');
  });

  test('an unknown route is a 404 problem', async () => {
    const response = await fetch(`${server.base}/nowhere?secret=1`);
    assert.equal(response.status, 404);
    const { body } = await problemOf(response);
    assert.equal(body.code, 'KIT_NOT_FOUND');
    assert.equal(body.instance, '/nowhere');
  });

  test('x-request-id: a valid one is echoed, garbage is replaced, none gets one', async () => {
    const valid = 'req-0123456789abcdef';
    const echoed = await fetch(`${server.base}/health/live`, { headers: { 'x-request-id': valid } });
    assert.equal(echoed.headers.get('x-request-id'), valid);

    const garbage = await fetch(`${server.base}/health/live`, {
      headers: { 'x-request-id': '<script>x</script>' },
    });
    const replaced = garbage.headers.get('x-request-id');
    assert.notEqual(replaced, '<script>x</script>');
    assert.match(replaced ?? '', /^[0-9a-f-]{36}$/);

    const none = await fetch(`${server.base}/health/live`);
    assert.match(none.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('logs redact authorization, cookie, password, token and email', async () => {
    const secrets = [
      'Bearer eyJhbGciOi.secret-token',
      'sid=session-cookie-value',
      'hunter2-password',
      'refresh-tok-123',
      'mario@example.com',
    ];
    const response = await fetch(`${server.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: secrets[0]!, cookie: secrets[1]! },
      body: JSON.stringify({ username: 'mario', password: secrets[2], token: secrets[3], email: secrets[4] }),
    });
    assert.equal(response.status, 200);
    const text = server.logs.text();
    const line = server.logs.lines().find((entry) => entry.msg === 'login attempt') as {
      headers: Record<string, unknown>;
      body: Record<string, unknown>;
    };
    assert.ok(line);
    assert.equal(line.headers.authorization, '[redacted]');
    assert.equal(line.headers.cookie, '[redacted]');
    assert.equal(line.body.password, '[redacted]');
    assert.equal(line.body.token, '[redacted]');
    assert.equal(line.body.email, '[redacted]');
    assert.equal(line.body.username, 'mario');
    for (const value of secrets) assert.ok(!text.includes(value), `log leaks ${value}`);
  });
});

describe('readiness', { timeout: 10_000 }, () => {
  test('200 when every check passes, 503 naming the failing one when a check throws', async (t) => {
    let databaseUp = true;
    const { app, base } = await listen({
      readiness: {
        database: () => {
          if (!databaseUp) throw new Error(`connect ECONNREFUSED ${LEAK}`);
        },
        cache: async () => 'ok',
      },
    });
    t.after(() => app.close());

    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', checks: { database: 'ok', cache: 'ok' } });

    databaseUp = false;
    const down = await fetch(`${base}/health/ready`);
    assert.equal(down.status, 503);
    const text = await down.text();
    assert.deepEqual(JSON.parse(text), {
      status: 'unavailable',
      checks: { database: 'failing: unreachable', cache: 'ok' },
    });
    assert.ok(!text.includes('ECONNREFUSED'));

    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    app.health.shuttingDown = true;
    assert.equal((await fetch(`${base}/health/ready`)).status, 503);
  });

  test('503 when a check hangs past its timeout', async (t) => {
    const app = Fastify();
    registerHealthRoutes(app, { slow: () => new Promise(() => {}) }, { shuttingDown: false }, 50);
    await app.listen({ host: '127.0.0.1', port: 0 });
    t.after(() => app.close());
    const address = app.server.address();
    const started = performance.now();
    const response = await fetch(
      `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/health/ready`,
    );
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'unavailable',
      checks: { slow: 'failing: timed out' },
    });
    assert.ok(performance.now() - started < 1000);
  });
});

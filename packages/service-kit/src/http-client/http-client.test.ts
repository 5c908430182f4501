import { test, describe, before, after, type TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, backoffDelay, parseRetryAfter, type HttpClientOptions } from './index.ts';
import { AppError } from '../errors.ts';

type Step = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
const hangUp: Step = (req) => req.socket.destroy();
const slow =
  (ms: number, then: Step): Step =>
  (req, res, body) => {
    const timer = setTimeout(() => then(req, res, body), ms);
    res.on('close', () => clearTimeout(timer));
  };

/** A real HTTP server on 127.0.0.1:0 answering with the scripted steps in order (the last repeats). */
describe('http client against a real server', { timeout: 15_000 }, () => {
  let base = '';
  let steps: Step[] = [];
  let seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const step = steps[Math.min(seen.length - 1, steps.length - 1)];
      step?.(req, res, body);
    });
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function client(script: Step[], options: Partial<HttpClientOptions> = {}) {
    steps = script;
    seen = [];
    const delays: number[] = [];
    const http = createHttpClient({
      name: 'payment',
      baseUrl: base,
      timeoutMs: 1000,
      retry: { attempts: 3, baseMs: 100, capMs: 2000 },
      random: () => 0.999,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...options,
    });
    return { http, delays };
  }

  async function unavailable(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => assert.fail('expected UpstreamUnavailable'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'KIT_UPSTREAM_UNAVAILABLE');
    assert.equal(error.status, 503);
    assert.equal(error.extensions.upstream, 'payment');
    return error;
  }

  test('retries a GET on 503 and returns the success', async () => {
    const { http, delays } = client([json(503, {}), json(503, {}), json(200, { items: [1] })]);
    const response = await http.request({
      method: 'GET',
      path: '/stock',
      query: { productIds: '1,2', skip: undefined },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { items: [1] });
    assert.equal(seen.length, 3);
    assert.equal(seen[0]?.url, '/base/stock?productIds=1%2C2');
    assert.equal(delays.length, 2);
  });

  test('backs off with capped full jitter and stops at the attempts cap with UpstreamUnavailable', async () => {
    const randoms = [0.999, 0.5, 0.999, 0.25];
    const { http, delays } = client([hangUp], {
      retry: { attempts: 5, baseMs: 100, capMs: 300 },
      random: () => randoms.shift() ?? 0,
    });
    const error = await unavailable(http.request({ method: 'GET', path: '/stock' }));
    assert.match(error.message, /payment did not answer GET \/stock: connection failed/);
    assert.equal(seen.length, 5);
    assert.deepEqual(delays, [99, 100, 299, 75]);
    delays.forEach((delay, n) =>
      assert.ok(delay >= 0 && delay <= Math.min(300, 100 * 2 ** n), `delay ${n}: ${delay}`),
    );
  });

  test('after the last attempt a retryable status is returned, not thrown', async () => {
    const { http } = client([json(503, { code: 'DOWN' })]);
    const response = await http.request({ method: 'GET', path: '/stock' });
    assert.equal(response.status, 503);
    assert.deepEqual(response.body, { code: 'DOWN' });
    assert.equal(seen.length, 3);
  });

  test('does not retry a POST without an idempotency key', async () => {
    const { http, delays } = client([json(503, {}), json(201, {})]);
    const response = await http.request({ method: 'POST', path: '/charges', body: { amount: 1 } });
    assert.equal(response.status, 503);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.headers['idempotency-key'], undefined);
    assert.deepEqual(delays, []);

    const dropped = client([hangUp]);
    await unavailable(dropped.http.request({ method: 'POST', path: '/charges', body: { amount: 1 } }));
    assert.equal(seen.length, 1);
  });

  test('retries a POST that carries an idempotency key, sending the key each time', async () => {
    const { http } = client([json(503, {}), json(201, { chargeId: 'ch_1' })]);
    const response = await http.request({
      method: 'POST',
      path: '/charges',
      body: { amount: 1 },
      idempotencyKey: 'order-42-charge',
    });
    assert.equal(response.status, 201);
    assert.equal(seen.length, 2);
    for (const request of seen) {
      assert.equal(request.headers['idempotency-key'], 'order-42-charge');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(request.body), { amount: 1 });
    }
  });

  test('honours Retry-After in seconds', async () => {
    const { http, delays } = client([json(429, {}, { 'retry-after': '1' }), json(200, {})]);
    assert.equal((await http.request({ method: 'GET', path: '/x' })).status, 200);
    assert.deepEqual(delays, [1000]);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      10_000,
    );
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  test('a Retry-After beyond the backoff cap gives up at once and returns the answer, without a deadline', async () => {
    const { http, delays } = client([json(503, { code: 'BUSY' }, { 'retry-after': '30' }), json(200, {})], {
      retry: { attempts: 3, baseMs: 100, capMs: 2000 },
    });
    const response = await http.request({ method: 'GET', path: '/x' });
    assert.equal(response.status, 503);
    assert.equal(response.headers['retry-after'], '30');
    assert.deepEqual(response.body, { code: 'BUSY' });
    assert.equal(seen.length, 1, 'not retried before the upstream said it would be ready');
    assert.deepEqual(delays, []);
  });

  test('a Retry-After beyond the cap is waited in full when the deadline leaves room for it', async () => {
    let clock = 1_000_000;
    const { http, delays } = client([json(429, {}, { 'retry-after': '5' }), json(200, { ok: true })], {
      retry: { attempts: 3, baseMs: 100, capMs: 2000 },
      now: () => clock,
      sleep: async (ms) => {
        delays.push(ms);
        clock += ms;
      },
    });
    const response = await http.request({ method: 'GET', path: '/x', deadline: clock + 6000 });
    assert.equal(response.status, 200);
    assert.deepEqual(delays, [5000]);

    const tight = client([json(429, {}, { 'retry-after': '5' }), json(200, {})], {
      now: () => clock,
      sleep: async () => assert.fail('must not wait past the deadline'),
    });
    assert.equal(
      (await tight.http.request({ method: 'GET', path: '/x', deadline: clock + 4000 })).status,
      429,
    );
    assert.equal(seen.length, 1);
  });

  test('bounds each attempt with timeoutMs and retries a slow answer', async () => {
    const { http } = client([slow(2000, json(200, { late: true })), json(200, { fast: true })], {
      timeoutMs: 150,
    });
    const started = performance.now();
    const response = await http.request({ method: 'GET', path: '/x' });
    assert.deepEqual(response.body, { fast: true });
    assert.equal(seen.length, 2);
    assert.ok(performance.now() - started < 1500);

    const always = client([slow(2000, json(200, {}))], { timeoutMs: 100, retry: { attempts: 2 } });
    const error = await unavailable(always.http.request({ method: 'GET', path: '/x' }));
    assert.match(error.message, /timed out after 100 ms/);
    assert.equal(seen.length, 2);
  });

  test("a deadline stops retries and travels as x-request-deadline, each attempt's budget as x-request-timeout-ms", async () => {
    let clock = 1_000_000;
    const delays: number[] = [];
    steps = [json(503, {})];
    seen = [];
    const http = createHttpClient({
      name: 'payment',
      baseUrl: base,
      retry: { attempts: 10, baseMs: 100, capMs: 1000 },
      random: () => 0.999,
      now: () => clock,
      sleep: async (ms) => {
        delays.push(ms);
        clock += ms;
      },
    });
    const deadline = clock + 250;
    await unavailable(http.request({ method: 'GET', path: '/x', deadline }));
    // 1st attempt, sleep 99 ms, 2nd attempt; the next sleep (199 ms) would pass the deadline.
    assert.equal(seen.length, 2);
    assert.deepEqual(delays, [99]);
    for (const request of seen) assert.equal(request.headers['x-request-deadline'], String(deadline));
    // Each attempt says how long it waits: the per-attempt timeout, cut to what the deadline leaves.
    assert.deepEqual(
      seen.map((request) => request.headers['x-request-timeout-ms']),
      ['250', '151'],
    );

    seen = [];
    await unavailable(http.request({ method: 'GET', path: '/x', deadline: clock - 1 }));
    assert.equal(seen.length, 0, 'nothing is sent once the deadline has passed');
  });

  test('404 and 422 are returned as they are, not thrown and not retried', async () => {
    for (const status of [404, 422]) {
      const { http, delays } = client([json(status, { code: `E${status}` })]);
      const response = await http.request({ method: 'PUT', path: '/x', body: {} });
      assert.equal(response.status, status);
      assert.deepEqual(response.body, { code: `E${status}` });
      assert.equal(seen.length, 1);
      assert.deepEqual(delays, []);
    }
  });

  /** Tokens t1, t2, … handed out in turn; a token is replaced only after it was invalidated. */
  function tokenSource() {
    let issued = 1;
    const invalidated: string[] = [];
    return {
      invalidated,
      bearer: {
        token: async () => `t${issued}`,
        invalidate: (token: string) => {
          invalidated.push(token);
          if (token === `t${issued}`) issued++;
        },
      },
    };
  }

  test('a bearer is attached to every call; a 401 brings one more call with a fresh token, in the same attempt', async () => {
    const tokens = tokenSource();
    const { http, delays } = client([json(401, {}), json(201, { id: 'ch_1' })], { bearer: tokens.bearer });
    const response = await http.request({
      method: 'POST',
      path: '/charges',
      body: { amount: 5 },
      headers: { Authorization: 'Basic c2VjcmV0' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { id: 'ch_1' });
    assert.deepEqual(
      seen.map((request) => request.headers.authorization),
      ['Bearer t1', 'Bearer t2'],
      "the bearer replaces the caller's Authorization, whatever its case",
    );
    assert.deepEqual(
      seen.map((request) => request.body),
      ['{"amount":5}', '{"amount":5}'],
      'the body is sent again',
    );
    assert.deepEqual(tokens.invalidated, ['t1']);
    assert.deepEqual(delays, [], 'no backoff: the refusal was of the token, not of the request');
  });

  test('a second 401 is returned as it is: one fresh token per call, not a loop', async () => {
    const tokens = tokenSource();
    const { http } = client([json(401, { code: 'invalid_token' })], { bearer: tokens.bearer });
    const response = await http.request({ method: 'GET', path: '/x' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { code: 'invalid_token' });
    assert.equal(seen.length, 2);
    assert.deepEqual(
      tokens.invalidated,
      ['t1'],
      'the fresh token was refused too: it is not dropped in turn',
    );
  });
});

/**
 * A listener that never accepts: a child process listens with a backlog of 1 and then blocks its
 * event loop, and the accept queue is filled, so the kernel drops the next SYN and connect() hangs
 * as it does for a host that is down.
 */
async function startUnacceptingListener(t: TestContext): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
        process.stdout.write(s.address().port + '\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))),
  );
  const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  t.after(() => fillers.forEach((socket) => socket.destroy()));
  let connected = 0;
  fillers.forEach((socket) => socket.once('connect', () => connected++));
  const until = Date.now() + 5000;
  while (connected < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(connected >= 2, 'the accept queue did not fill');
  return port;
}

/** One attempt at the never-accepting listener, with these bounds. */
const neverAccepted = (port: number, timeoutMs: number, connectTimeoutMs: number) =>
  createHttpClient({
    name: 'payment',
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs,
    connectTimeoutMs,
    retry: { attempts: 1 },
  });

/** The UpstreamUnavailable a GET ends with, and how long it took. */
async function failedGet(
  http: ReturnType<typeof createHttpClient>,
): Promise<{ error: AppError; ms: number }> {
  const started = performance.now();
  const error = await http.request({ method: 'GET', path: '/x' }).then(
    () => assert.fail('expected UpstreamUnavailable'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AppError);
  assert.equal(error.code, 'KIT_UPSTREAM_UNAVAILABLE');
  return { error, ms: performance.now() - started };
}

test(
  'a peer that never accepts fails on connectTimeoutMs, long before the request timeout',
  { timeout: 20_000 },
  async (t) => {
    const port = await startUnacceptingListener(t);
    const { error, ms } = await failedGet(neverAccepted(port, 10_000, 200));
    assert.match(error.message, /connect timed out after 200 ms/);
    // undici checks connect timeouts on a 0.5 s tick, so it fires up to about a second late.
    assert.ok(ms < 3000, `gave up after ${Math.round(ms)} ms`);
  },
);

test(
  "while a connection is still being opened, the attempt's time budget and the caller's abort end it at once",
  { timeout: 20_000 },
  async (t) => {
    const port = await startUnacceptingListener(t);
    const http = neverAccepted(port, 300, 5_000);
    const { error, ms } = await failedGet(http);
    assert.match(error.message, /timed out after 300 ms/);
    assert.ok(ms < 2_000, 'not after the 5 s connect timeout');

    const caller = new AbortController();
    const reason = new Error('the caller gave up');
    setTimeout(() => caller.abort(reason), 100);
    const started = performance.now();
    await assert.rejects(http.request({ method: 'GET', path: '/x', signal: caller.signal }), reason);
    assert.ok(performance.now() - started < 2_000, 'not after the 5 s connect timeout');
  },
);

test('backoffDelay is full jitter under min(cap, base * 2^attempt)', () => {
  assert.equal(
    backoffDelay(0, 100, 1000, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(3, 100, 1000, () => 0.5),
    400,
  );
  assert.equal(
    backoffDelay(10, 100, 1000, () => 0.999),
    999,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnFixture } from './testing/fixtures/spawn-fixture.ts';

const FIXTURE = fileURLToPath(new URL('./testing/fixtures/slow-server.ts', import.meta.url));

/** A GET on a new connection (no pooled keep-alive socket): the status, or the socket error code. */
function freshRequest(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 3000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function startFixture(env: Record<string, string> = {}) {
  return spawnFixture(FIXTURE, { env });
}

test(
  'SIGTERM: readiness turns 503 while requests are still served for the drain, in-flight work finishes, hooks run, exit 0',
  { timeout: 40_000 },
  async (t) => {
    const drainMs = 2000;
    const child = startFixture({
      SLOW_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '8000',
      SHUTDOWN_DRAIN_MS: String(drainMs),
    });
    t.after(() => child.process.kill('SIGKILL'));
    const url = await child.waitFor('listening');
    assert.equal((await fetch(`${url}/health/ready`)).status, 200);

    const inFlight = fetch(`${url}/slow`).then(async (response) => ({
      status: response.status,
      body: await response.json(),
    }));
    await child.waitFor('slow-started');
    const signalledAt = performance.now();
    child.process.kill('SIGTERM');
    await child.waitFor('sigterm');

    // During the drain a load balancer polling readiness sees 503 (never a refused connection),
    // and a request it still routes here is served.
    assert.equal(await freshRequest(`${url}/health/ready`), 503);
    assert.equal(await freshRequest(`${url}/ping`), 200);
    assert.ok(performance.now() - signalledAt < drainMs, 'the checks ran inside the drain');
    assert.ok(!child.marks.includes('hook-started'), 'hooks wait for the drain and in-flight requests');

    assert.deepEqual(await inFlight, { status: 200, body: { done: true } });
    const exit = await child.exited;
    assert.equal(exit.code, 0);
    assert.ok(child.marks.includes('hook-ran'), `marks: ${child.marks.join('|')}`);
    const elapsed = exit.at - signalledAt;
    assert.ok(
      elapsed >= drainMs - 50,
      `exited ${Math.round(elapsed)} ms after SIGTERM, before the drain ended`,
    );
    assert.ok(elapsed < drainMs + 5000, `exited ${Math.round(elapsed)} ms after SIGTERM`);
  },
);

test(
  'without a drain the listener closes at once on SIGTERM, after the in-flight request',
  { timeout: 40_000 },
  async (t) => {
    const child = startFixture({ SLOW_MS: '1000', SHUTDOWN_TIMEOUT_MS: '5000' });
    t.after(() => child.process.kill('SIGKILL'));
    const url = await child.waitFor('listening');
    const inFlight = fetch(`${url}/slow`).then((response) => response.status);
    await child.waitFor('slow-started');
    child.process.kill('SIGTERM');
    await child.waitFor('sigterm');
    // (ECONNRESET: the connection was queued in the backlog just as the listener closed.)
    const late = await freshRequest(`${url}/ping`);
    assert.ok(['ECONNREFUSED', 'ECONNRESET'].includes(String(late)), `late caller got ${String(late)}`);
    assert.equal(await inFlight, 200);
    assert.equal((await child.exited).code, 0);
  },
);

test(
  'a hung shutdown hook ends the process with code 1 after shutdownTimeoutMs',
  { timeout: 40_000 },
  async (t) => {
    const child = startFixture({ HANG_HOOK: '1', SHUTDOWN_TIMEOUT_MS: '300' });
    t.after(() => child.process.kill('SIGKILL'));
    await child.waitFor('listening');
    const signalledAt = performance.now();
    child.process.kill('SIGTERM');
    await child.waitFor('hook-started');
    const exit = await child.exited;
    const elapsed = exit.at - signalledAt;
    assert.equal(exit.code, 1, `exit ${exit.code} after ${Math.round(elapsed)} ms`);
    assert.ok(!child.marks.includes('hook-ran'));
    assert.ok(elapsed >= 250 && elapsed < 10_000, `exited ${Math.round(elapsed)} ms after SIGTERM`);
  },
);

test(
  'connections with no request in progress do not hold the shutdown: one never used, one idle after an answer',
  { timeout: 40_000 },
  async (t) => {
    const child = startFixture({ SHUTDOWN_TIMEOUT_MS: '5000' });
    t.after(() => child.process.kill('SIGKILL'));
    const url = await child.waitFor('listening');
    const { port } = new URL(url);
    // What undici leaves after a request it aborted: a connection on which nothing was sent.
    const unused = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => unused.once('connect', resolve));
    t.after(() => unused.destroy());
    const used = connect(Number(port), '127.0.0.1');
    t.after(() => used.destroy());
    await new Promise<void>((resolve) => {
      used.once('data', () => resolve());
      used.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    });

    const signalledAt = performance.now();
    child.process.kill('SIGTERM');
    const exit = await child.exited;
    assert.equal(exit.code, 0);
    assert.ok(exit.at - signalledAt < 2000, `exited ${Math.round(exit.at - signalledAt)} ms after SIGTERM`);
  },
);

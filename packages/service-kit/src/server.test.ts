import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
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
  'SIGTERM lets the in-flight request finish, refuses new work, runs hooks and exits 0',
  { timeout: 40_000 },
  async (t) => {
    const child = startFixture({ SLOW_MS: '1000', SHUTDOWN_TIMEOUT_MS: '5000' });
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

    // A new caller is turned away: readiness says 503, or the listener no longer accepts at all.
    const late = await freshRequest(`${url}/health/ready`);
    // (ECONNRESET: the connection was queued in the backlog just as the listener closed.)
    assert.ok([503, 'ECONNREFUSED', 'ECONNRESET'].includes(late), `late caller got ${String(late)}`);
    assert.ok(!child.marks.includes('hook-ran'), 'hooks wait for in-flight requests');

    assert.deepEqual(await inFlight, { status: 200, body: { done: true } });
    const exit = await child.exited;
    assert.equal(exit.code, 0);
    assert.ok(child.marks.includes('hook-ran'), `marks: ${child.marks.join('|')}`);
    assert.ok(
      exit.at - signalledAt < 5000 + 1000,
      `exited ${Math.round(exit.at - signalledAt)} ms after SIGTERM`,
    );
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

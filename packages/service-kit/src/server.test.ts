import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./testing/fixtures/slow-server.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  marks: string[];
  /** Resolves with the data of the first `MARK <event>` line, rejects past the deadline. */
  waitFor(event: string, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

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

function startFixture(env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const marks: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('MARK ')) marks.push(line.slice(5).trim());
    for (const wake of waiters) wake();
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const find = (event: string) => marks.find((mark) => mark === event || mark.startsWith(`${event} `));
  return {
    process: child,
    marks,
    exited,
    waitFor(event, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find(event);
          if (found === undefined) return;
          cleanup();
          resolve(found.slice(event.length).trim());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no "${event}" within ${timeoutMs} ms; marks=${marks.join('|')} stderr=${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

test('SIGTERM lets the in-flight request finish, refuses new work, runs hooks and exits 0', { timeout: 15_000 }, async (t) => {
  const child = startFixture({ SLOW_MS: '1000', SHUTDOWN_TIMEOUT_MS: '5000' });
  t.after(() => child.process.kill('SIGKILL'));
  const url = await child.waitFor('listening');
  assert.equal((await fetch(`${url}/health/ready`)).status, 200);

  const inFlight = fetch(`${url}/slow`).then(async (response) => ({ status: response.status, body: await response.json() }));
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
  assert.ok(exit.at - signalledAt < 5000, `exited ${Math.round(exit.at - signalledAt)} ms after SIGTERM`);
});

test('a hung shutdown hook ends the process with code 1 after shutdownTimeoutMs', { timeout: 10_000 }, async (t) => {
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
  assert.ok(elapsed >= 250 && elapsed < 3000, `exited ${Math.round(elapsed)} ms after SIGTERM`);
});

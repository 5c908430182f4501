import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'undici';
import { createApp } from './app.ts';
import { captureLogs, collectMetrics } from './testing/index.ts';

const metrics = collectMetrics();
const DURATION = 'http.server.request.duration';

/** An app whose early source answers GET /kept (Fastify has a route there too), listening. */
async function appWithEarlyAnswers() {
  const logs = captureLogs('early-test', 'debug');
  const app = await createApp({ name: 'early-test', logger: logs.logger });
  let fastifySaw = 0;
  app.addHook('onRequest', (_request, _reply, done) => {
    fastifySaw++;
    done();
  });
  app.get('/kept', async () => ({ from: 'fastify' }));
  app.get('/other', async () => ({ from: 'fastify' }));
  // Asynchronous: answers /later after a tick, or hands it to Fastify when asked with ?no.
  app.answerEarly((request) =>
    request.url?.startsWith('/later')
      ? new Promise((resolve) =>
          setImmediate(() =>
            resolve(
              request.url === '/later?no'
                ? undefined
                : { route: '/later', status: 203, headers: {}, body: Buffer.from('later') },
            ),
          ),
        )
      : undefined,
  );
  app.get('/later', async () => ({ from: 'fastify' }));
  app.answerEarly((request) =>
    request.method === 'GET' && request.url === '/kept'
      ? {
          route: '/kept',
          status: 200,
          headers: { 'content-type': 'application/json', 'x-frame-options': 'DENY' },
          body: Buffer.from('{"from":"early"}'),
        }
      : undefined,
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await httpRequest(`http://127.0.0.1:${port}${path}`, { headers });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };
  return { app, logs, get, fastifySaw: () => fastifySaw };
}

test('a request a source answers is written before Fastify, with what the kit adds to every answer', async (t) => {
  const { app, logs, get, fastifySaw } = await appWithEarlyAnswers();
  t.after(() => app.close());
  const series = { 'http.route': '/kept', 'http.request.method': 'GET', 'http.response.status_code': 200 };
  const counted = await metrics.value(DURATION, series);

  const kept = await get('/kept', { 'x-request-id': 'caller-chosen-id-1' });
  assert.equal(kept.status, 200);
  assert.equal(kept.body, '{"from":"early"}');
  assert.equal(kept.headers['x-frame-options'], 'DENY');
  assert.equal(
    kept.headers['x-request-id'],
    'caller-chosen-id-1',
    'the caller’s id, as Fastify’s path keeps it',
  );
  assert.equal(fastifySaw(), 0, 'Fastify never saw it');
  assert.equal(await metrics.value(DURATION, series), counted + 1, 'counted in its route’s series');
  const line = logs.lines().find((l) => l.msg === 'request completed' && l.path === '/kept');
  assert.equal(line?.level, 20, 'a routine read: its access line at debug');
  assert.equal(line?.reqId, 'caller-chosen-id-1');
  assert.equal(line?.early, true);

  const generated = await get('/kept', { 'x-request-id': 'bad id with spaces' });
  assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a made-up id is replaced');

  const other = await get('/other');
  assert.equal(other.body, '{"from":"fastify"}', 'what no source answers is Fastify’s');
  assert.equal(fastifySaw(), 1);
});

test('a source may answer after a while, or hand the request to Fastify then', async (t) => {
  const { app, get, fastifySaw } = await appWithEarlyAnswers();
  t.after(() => app.close());
  const later = await get('/later');
  assert.equal(later.status, 203);
  assert.equal(later.body, 'later');
  assert.ok(later.headers['x-request-id']);
  assert.equal(fastifySaw(), 0);
  const handed = await get('/later?no');
  assert.equal(handed.body, '{"from":"fastify"}');
  assert.equal(fastifySaw(), 1);
});

test('while shutting down, an early answer closes its connection as Fastify’s do', async (t) => {
  const { app, get } = await appWithEarlyAnswers();
  t.after(() => app.close());
  assert.notEqual((await get('/kept')).headers.connection, 'close');
  app.health.shuttingDown = true;
  assert.equal((await get('/kept')).headers.connection, 'close');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../app.ts';
import { collectMetrics } from '../testing/index.ts';
import { counter, observeGauges } from './gauges.ts';

const metrics = collectMetrics();
const DURATION = 'http.server.request.duration';

test('every request counts in the RED histogram of its route template, with its status', async (t) => {
  const app = await createApp({ name: 'red-test', config: { NODE_ENV: 'test' } });
  t.after(() => app.close());
  app.get('/items/:id', async (request, reply) =>
    (request.params as { id: string }).id === 'boom' ? reply.code(500).send({}) : { ok: true },
  );
  const route = { 'http.route': '/items/:id', 'http.request.method': 'GET' };
  const before = {
    ok: await metrics.value(DURATION, { ...route, 'http.response.status_code': 200 }),
    failed: await metrics.value(DURATION, { ...route, 'http.response.status_code': 500 }),
    unmatched: await metrics.value(DURATION, { 'http.route': 'unmatched' }),
  };
  for (const id of ['1', '2', 'boom', 'nope/deeper']) await app.inject({ url: `/items/${id}` });
  await app.inject({ url: '/health/live' });

  assert.equal(await metrics.value(DURATION, { ...route, 'http.response.status_code': 200 }), before.ok + 2);
  assert.equal(
    await metrics.value(DURATION, { ...route, 'http.response.status_code': 500 }),
    before.failed + 1,
  );
  // A path no route matches shares one series, whatever the path: scans cannot multiply series.
  assert.equal(await metrics.value(DURATION, { 'http.route': 'unmatched' }), before.unmatched + 1);
  assert.equal(await metrics.value(DURATION, { 'http.route': '/items/1' }), 0, 'never the raw path');
  assert.equal(await metrics.value(DURATION, { 'http.route': '/health/live' }), 0, 'probes are not counted');
});

test('gauges are read when metrics are collected, and a failed read reports no wrong zero', async () => {
  let backlog = 3;
  let failing = false;
  observeGauges(
    'gauge-test',
    {
      backlog: { name: 'test.backlog', description: 'waiting' },
      byStatus: { name: 'test.by_status', description: 'by status' },
    },
    async () => {
      if (failing) throw new Error('database down');
      return { backlog, byStatus: [{ value: 2, attributes: { status: 'dead' } }] };
    },
  );
  assert.equal(await metrics.value('test.backlog'), 3);
  backlog = 7;
  assert.equal(await metrics.value('test.backlog'), 7);
  assert.equal(await metrics.value('test.by_status', { status: 'dead' }), 2);
  failing = true;
  assert.equal(await metrics.value('test.backlog'), 7, 'the last reading stands');
});

test('a counter moves by one per event, with its attributes', async () => {
  const count = counter('counter-test', 'test.events', 'events');
  count({ result: 'a' });
  count({ result: 'a' });
  count({ result: 'b' });
  assert.equal(await metrics.value('test.events', { result: 'a' }), 2);
  assert.equal(await metrics.value('test.events', { result: 'b' }), 1);
});

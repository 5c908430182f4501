import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTestDatabase, type TestDatabase } from '../testing/index.ts';

// This file's process records every span in memory (node --test runs each file on its own).
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
const tracer = trace.getTracer('test');

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
  await database.db.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
});
after(() => database?.drop());

const inRequest = <T>(work: () => Promise<T>) =>
  tracer.startActiveSpan('GET /items', { kind: SpanKind.SERVER }, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });

test('a statement in a request is a CLIENT span named by its summary; a prepared one by its name, without its text', async () => {
  exporter.reset();
  await inRequest(async () => {
    await database.db.query('SELECT name FROM items WHERE id = $1', [1]);
    await database.db.query('SELECT name FROM items WHERE id = $1', [2], { prepare: 'item-name' });
  });
  const [plain, prepared, request] = exporter.getFinishedSpans();
  assert.equal(request?.name, 'GET /items');
  const expected = (summary: string, text?: string) => ({
    name: summary,
    kind: SpanKind.CLIENT,
    parent: request.spanContext().spanId,
    attributes: {
      'db.system.name': 'postgresql',
      'db.namespace': new URL(database.url).pathname.slice(1),
      'db.operation.name': 'SELECT',
      'db.query.summary': summary,
      ...(text ? { 'db.query.text': text } : {}),
    },
  });
  assert.deepEqual(
    [plain, prepared].map((span) => ({
      name: span?.name,
      kind: span?.kind,
      parent: span?.parentSpanContext?.spanId,
      attributes: span?.attributes,
    })),
    [expected('SELECT', 'SELECT name FROM items WHERE id = $1'), expected('SELECT item-name')],
  );
});

test('a transaction is one span from BEGIN to COMMIT with its statements inside; a failed statement records its SQLSTATE, never its message', async () => {
  exporter.reset();
  await assert.rejects(
    inRequest(() =>
      database.db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [7, 'seven']);
        await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [7, 'secret-value']);
      }),
    ),
    { code: '23505' },
  );
  const spans = exporter.getFinishedSpans();
  const transaction = spans.find((span) => span.name === 'transaction')!;
  const inserts = spans.filter((span) => span.name === 'INSERT');
  assert.equal(inserts.length, 2);
  for (const insert of inserts)
    assert.equal(insert.parentSpanContext?.spanId, transaction.spanContext().spanId);
  assert.equal(transaction.attributes['db.transaction.isolation'], 'read committed');
  assert.equal(transaction.status.code, SpanStatusCode.ERROR);
  const failed = inserts[1]!;
  assert.equal(failed.status.code, SpanStatusCode.ERROR);
  assert.equal(failed.attributes['db.response.status_code'], '23505');
  assert.equal(failed.attributes['error.type'], '23505');
  assert.ok(
    !JSON.stringify(spans.map((span) => [span.attributes, span.events, span.status])).includes(
      'secret-value',
    ),
  );
});

test('a statement outside any recorded span (a poller finding nothing) leaves no span', async () => {
  exporter.reset();
  await database.db.query('SELECT count(*) FROM items');
  await database.db.transaction((tx) => tx.query('SELECT 1'));
  assert.deepEqual(exporter.getFinishedSpans(), []);
});

test('a transaction retried after a serialization failure says so: an event with the SQLSTATE, and its attempts', async () => {
  exporter.reset();
  let attempts = 0;
  await inRequest(() =>
    database.db.transaction(async (tx) => {
      attempts++;
      if (attempts === 1)
        await tx.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
      await tx.query('SELECT 1');
    }),
  );
  const transaction = exporter.getFinishedSpans().find((span) => span.name === 'transaction')!;
  assert.equal(transaction.status.code, SpanStatusCode.UNSET);
  assert.equal(transaction.attributes['db.transaction.attempts'], 2);
  assert.deepEqual(
    transaction.events.map((event) => [event.name, event.attributes]),
    [['transaction retried', { 'db.response.status_code': '40001' }]],
  );
});

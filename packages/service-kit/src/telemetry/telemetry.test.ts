import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { spawnFixture, type FixtureProcess } from '../testing/fixtures/spawn-fixture.ts';
import type { SpanRecord } from './file-exporter.ts';

const FIXTURE = fileURLToPath(new URL('../testing/fixtures/traced-service.ts', import.meta.url));

function startService(name: string, tracesDir: string, downstream?: string): FixtureProcess {
  return spawnFixture(FIXTURE, {
    nodeArgs: ['--import', '@mockmart/service-kit/telemetry/register'],
    env: {
      OTEL_SERVICE_NAME: name,
      TRACES_DIR: tracesDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SDK_DISABLED: 'false',
      ...(downstream ? { DOWNSTREAM_URL: downstream } : {}),
    },
  });
}

const readSpans = (file: string): SpanRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanRecord);

test(
  'a trace started in one service continues in the next, and log lines carry it',
  { timeout: 60_000 },
  async (t) => {
    const tracesDir = mkdtempSync(join(tmpdir(), 'kit-traces-'));
    const b = startService('b', tracesDir);
    t.after(() => {
      b.process.kill('SIGKILL');
      rmSync(tracesDir, { recursive: true, force: true });
    });
    const bUrl = await b.waitFor('listening', 30_000);
    const a = startService('a', tracesDir, bUrl);
    t.after(() => a.process.kill('SIGKILL'));
    const aUrl = await a.waitFor('listening', 30_000);

    assert.equal((await fetch(`${aUrl}/health/ready`)).status, 200);

    // The caller starts the trace; W3C traceparent carries it into A, then from A into B.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const response = await fetch(`${aUrl}/hop`, {
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { service: 'a', downstream: { service: 'b' } });

    // SIGTERM runs startServer's shutdown, which flushes the span processor before exit.
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    assert.equal((await a.exited).code, 0);
    assert.equal((await b.exited).code, 0);

    const allSpans = readSpans(join(tracesDir, 'a.jsonl')).concat(readSpans(join(tracesDir, 'b.jsonl')));
    const aSpans = allSpans.filter((span) => span.traceId === traceId && span.service === 'a');
    const bSpans = allSpans.filter((span) => span.traceId === traceId && span.service === 'b');
    const aServer = aSpans.find((span) => span.kind === SpanKind.SERVER);
    const aClient = aSpans.find((span) => span.kind === SpanKind.CLIENT);
    const bServer = bSpans.find((span) => span.kind === SpanKind.SERVER);
    assert.ok(aServer && aClient && bServer, `spans: ${JSON.stringify({ aSpans, bSpans })}`);
    assert.equal(aServer.parentSpanId, callerSpanId);
    assert.equal(aClient.parentSpanId, aServer.spanId);
    assert.equal(bServer.parentSpanId, aClient.spanId);
    assert.equal(aServer.name, 'GET /hop');
    assert.equal(aServer.attributes['http.route'], '/hop');
    assert.equal(aServer.service, 'a');
    assert.equal(bServer.service, 'b');
    assert.ok(aServer.durationMs >= bServer.durationMs, 'the caller span encloses the callee');
    // Health probes are not traced: they would drown the real requests.
    assert.equal(allSpans.filter((span) => JSON.stringify(span.attributes).includes('/health/')).length, 0);
    assert.ok(
      allSpans.every((span) => span.traceId === traceId),
      'no other trace was recorded',
    );

    for (const [service, child, span] of [
      ['a', a, aServer],
      ['b', b, bServer],
    ] as const) {
      const logged = child.lines
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'hop received');
      assert.ok(logged, `${service} logged the request`);
      assert.equal(logged.trace_id, traceId);
      assert.equal(logged.span_id, span.spanId);
    }
  },
);

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { spawnFixture, type FixtureProcess } from '../testing/fixtures/spawn-fixture.ts';
import type { SpanRecord } from './file-exporter.ts';
import { resolveServiceName } from './service-name.ts';

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

/** Service a (calling service b when `downstream`), both writing spans into one throwaway folder. */
async function startServices(t: TestContext, options: { downstream: boolean }) {
  const tracesDir = mkdtempSync(join(tmpdir(), 'kit-traces-'));
  const started: FixtureProcess[] = [];
  t.after(() => {
    for (const service of started) service.process.kill('SIGKILL');
    rmSync(tracesDir, { recursive: true, force: true });
  });
  const b = options.downstream ? startService('b', tracesDir) : undefined;
  if (b) started.push(b);
  const bUrl = await b?.waitFor('listening', 30_000);
  const a = startService('a', tracesDir, bUrl);
  started.push(a);
  const aUrl = await a.waitFor('listening', 30_000);
  return { tracesDir, a, b: b!, aUrl };
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
    const { tracesDir, a, b, aUrl } = await startServices(t, { downstream: true });

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

test(
  'authorization codes, states and tokens in query strings never reach the trace files, harmless parameters do',
  { timeout: 60_000 },
  async (t) => {
    const { tracesDir, a, b, aUrl } = await startServices(t, { downstream: true });

    const secrets = ['AUTHC0DE4711', 'ST4TE4711', 'N0NCE4711'];
    const query = `?code=${secrets[0]}&state=${secrets[1]}&nonce=${secrets[2]}&search=laptop`;
    assert.equal((await fetch(`${aUrl}/hop${query}`)).status, 200);
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    assert.equal((await a.exited).code, 0);
    assert.equal((await b.exited).code, 0);

    const spans = readSpans(join(tracesDir, 'a.jsonl')).concat(readSpans(join(tracesDir, 'b.jsonl')));
    // A's server span, A's fetch to B and B's server span all saw the query.
    assert.ok(spans.length >= 3, JSON.stringify(spans));
    const written = JSON.stringify(spans);
    for (const secret of secrets) assert.ok(!written.includes(secret), `${secret} reached a trace file`);
    for (const span of spans.filter((span) => span.kind !== SpanKind.INTERNAL)) {
      const query = Object.values(span.attributes).find((value) => String(value).includes('search=laptop'));
      assert.ok(query, `span ${span.name} of ${span.service} lost the harmless parameter`);
      assert.match(String(query), /code=\[redacted\]&state=\[redacted\]&nonce=\[redacted\]/);
    }
    const logged = [...a.lines, ...b.lines].join('\n');
    for (const secret of secrets) assert.ok(!logged.includes(secret), `${secret} reached a log line`);
  },
);

// OTLP numbers span kinds from 1 (SPAN_KIND_INTERNAL); the API's SpanKind starts at 0.
const OTLP_SPAN_KIND_SERVER = 2;

/** What an OTLP/HTTP JSON export carries that this test looks at. */
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ traceId: string; name: string; kind: number }> }>;
  }>;
}

test(
  'with OTEL_EXPORTER_OTLP_ENDPOINT and no OTEL_SERVICE_NAME, spans and metrics reach the OTLP receiver named after the package',
  { timeout: 60_000 },
  async (t) => {
    const exports: Array<{ path: string; type: string; body: OtlpExport }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        exports.push({
          path: request.url ?? '',
          type: request.headers['content-type'] ?? '',
          body: JSON.parse(body) as OtlpExport,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t.after(() => receiver.close());
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'false' };
    const service = spawnFixture(FIXTURE, {
      nodeArgs: ['--import', '@mockmart/service-kit/telemetry/register'],
      env: { ...env, OTEL_SERVICE_NAME: '' },
    });
    t.after(() => service.process.kill('SIGKILL'));
    const url = await service.waitFor('listening', 30_000);
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${url}/hop`, {
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    assert.equal(response.status, 200);
    service.process.kill('SIGTERM');
    assert.equal((await service.exited).code, 0);

    assert.ok(exports.length > 0, 'the receiver got no export');
    assert.ok(
      exports.every(
        (e) => ['/v1/traces', '/v1/metrics'].includes(e.path) && e.type.includes('application/json'),
      ),
    );
    // Metrics go the same way (pushed on shutdown at the latest), with the RED histogram of the route.
    const metricExports = JSON.stringify(exports.filter((e) => e.path === '/v1/metrics').map((e) => e.body));
    assert.ok(metricExports.includes('http.server.request.duration'), 'no metrics reached the receiver');
    assert.ok(metricExports.includes('"/hop"'), 'the route is not among the metric attributes');
    const resources = exports.filter((e) => e.path === '/v1/traces').flatMap((e) => e.body.resourceSpans);
    const names = resources.map(
      (r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
    );
    // The fixture lives in packages/service-kit, whose package is @mockmart/service-kit.
    assert.deepEqual([...new Set(names)], ['service-kit']);
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((scope) => scope.spans));
    const server = spans.find((span) => span.traceId === traceId && span.kind === OTLP_SPAN_KIND_SERVER);
    assert.ok(server, `no server span of the trace in ${JSON.stringify(spans)}`);
    assert.equal(server.name, 'GET /hop');
  },
);

test('the service name is OTEL_SERVICE_NAME, else the entry package, else the cwd package, else unknown', () => {
  const kit = fileURLToPath(new URL('../../', import.meta.url));
  const entry = join(kit, 'src/testing/fixtures/traced-service.ts');
  assert.deepEqual(resolveServiceName({ OTEL_SERVICE_NAME: 'shop-api' }, entry, '/'), {
    name: 'shop-api',
    derived: 'env',
  });
  assert.deepEqual(resolveServiceName({ OTEL_SERVICE_NAME: ' ' }, entry, '/'), {
    name: 'service-kit',
    derived: 'package',
  });
  assert.deepEqual(resolveServiceName({}, undefined, kit), { name: 'service-kit', derived: 'package' });
  assert.deepEqual(resolveServiceName({}, '/nowhere/server.js', '/'), {
    name: 'unknown_service:node',
    derived: 'unknown',
  });
});

test(
  'requests a service leaves out of tracing get no span, unless the caller sends its trace context',
  { timeout: 60_000 },
  async (t) => {
    const { tracesDir, a, aUrl } = await startServices(t, { downstream: false });

    assert.deepEqual(await (await fetch(`${aUrl}/public`)).json(), { public: true });
    assert.equal((await fetch(`${aUrl}/hop`)).status, 200);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const traced = await fetch(`${aUrl}/public`, {
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    assert.equal(traced.status, 200);

    a.process.kill('SIGTERM');
    assert.equal((await a.exited).code, 0);
    const servers = readSpans(join(tracesDir, 'a.jsonl')).filter((span) => span.kind === SpanKind.SERVER);
    assert.deepEqual(
      servers.map((span) => span.name).sort(),
      ['GET /hop', 'GET /public'],
      'one span for /hop, one for the /public request that carried a traceparent',
    );
    const publicSpan = servers.find((span) => span.name === 'GET /public')!;
    assert.equal(publicSpan.traceId, traceId);
    assert.equal(publicSpan.parentSpanId, callerSpanId);
    // Still in the access log, only without a trace to point at.
    const completed = a.lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request completed' && line.path === '/public');
    assert.equal(completed.length, 2);
    assert.equal(completed[0]!.trace_id, undefined);
    assert.equal(completed[1]!.trace_id, traceId);
  },
);

test(
  'server spans follow the HTTP conventions: method, path, status and client; a 5xx is an error',
  { timeout: 60_000 },
  async (t) => {
    const { tracesDir, a, aUrl } = await startServices(t, { downstream: false });

    assert.equal((await fetch(`${aUrl}/hop?page=2`, { headers: { 'user-agent': 'kit-test' } })).status, 200);
    assert.equal((await fetch(`${aUrl}/fail`)).status, 500);
    assert.equal((await fetch(`${aUrl}/nowhere`, { method: 'PROPFIND' })).status, 404);
    // A client that gives up before the answer: the span is an error, and has no status (none was sent).
    await assert.rejects(fetch(`${aUrl}/slow`, { signal: AbortSignal.timeout(200) }));
    await new Promise((resolve) => setTimeout(resolve, 1200));

    a.process.kill('SIGTERM');
    assert.equal((await a.exited).code, 0);
    const servers = readSpans(join(tracesDir, 'a.jsonl')).filter((span) => span.kind === SpanKind.SERVER);
    const byPath = new Map(servers.map((span) => [span.attributes['url.path'], span]));
    assert.deepEqual(
      {
        ...byPath.get('/hop'),
        traceId: undefined,
        spanId: undefined,
        start: undefined,
        durationMs: undefined,
      },
      {
        traceId: undefined,
        spanId: undefined,
        start: undefined,
        durationMs: undefined,
        service: 'a',
        name: 'GET /hop',
        kind: SpanKind.SERVER,
        status: 'unset',
        attributes: {
          'http.request.method': 'GET',
          'url.path': '/hop',
          'url.query': 'page=2',
          'url.scheme': 'http',
          'network.protocol.version': '1.1',
          'client.address': '127.0.0.1',
          'user_agent.original': 'kit-test',
          'http.route': '/hop',
          'http.response.status_code': 200,
        },
      },
    );
    assert.equal(byPath.get('/fail')?.status, 'error');
    assert.equal(byPath.get('/fail')?.attributes['http.response.status_code'], 500);
    // A method outside HTTP's own is recorded as _OTHER: clients do not name spans.
    assert.equal(byPath.get('/nowhere')?.name, '_OTHER');
    assert.equal(byPath.get('/nowhere')?.status, 'unset');
    assert.equal(byPath.get('/slow')?.status, 'error');
    assert.equal(byPath.get('/slow')?.attributes['http.response.status_code'], undefined);
  },
);

test(
  'an untraced request stays untraced downstream: no client span, no trace context passed on',
  { timeout: 60_000 },
  async (t) => {
    const { tracesDir, a, b, aUrl } = await startServices(t, { downstream: true });

    assert.deepEqual(await (await fetch(`${aUrl}/public-hop`)).json(), {
      public: true,
      downstream: { service: 'b' },
    });
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    assert.equal((await a.exited).code, 0);
    assert.equal((await b.exited).code, 0);

    const aFile = join(tracesDir, 'a.jsonl');
    assert.deepEqual(existsSync(aFile) ? readSpans(aFile) : [], [], 'a recorded nothing');
    const bServer = readSpans(join(tracesDir, 'b.jsonl')).filter((span) => span.kind === SpanKind.SERVER);
    assert.equal(bServer.length, 1);
    assert.equal(bServer[0]!.parentSpanId, undefined, "b's span starts a trace of its own");
  },
);

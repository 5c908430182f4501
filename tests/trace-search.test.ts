import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpanRecord } from '@mockmart/service-kit/telemetry';
import { searchTraces } from '../scripts/lib/trace-search.ts';

const SCRIPT = fileURLToPath(new URL('../scripts/traces.ts', import.meta.url));
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const traceIdOf = (n: number) => hex(n, 32);

/** A gateway → shop-api request: the gateway's server span and shop-api's, `n` ms apart. */
function request(n: number, at: number, fields: { route?: string; status?: number } = {}): SpanRecord[] {
  const traceId = traceIdOf(n);
  const route = fields.route ?? '/api/products';
  const attributes = { 'http.route': route, 'http.response.status_code': fields.status ?? 200 };
  return [
    {
      traceId,
      spanId: hex(n * 2 + 1, 16),
      parentSpanId: hex(n * 2, 16),
      service: 'shop-api',
      name: `GET ${route}`,
      kind: 1,
      start: at + 1,
      durationMs: 5,
      status: 'unset',
      attributes,
    },
    {
      traceId,
      spanId: hex(n * 2, 16),
      service: 'gateway',
      name: `GET ${route}`,
      kind: 1,
      start: at,
      durationMs: 8,
      status: 'unset',
      attributes,
    },
  ];
}

const lines = (spans: SpanRecord[]) => spans.map((span) => JSON.stringify(span)).join('\n') + '\n';

function writeSystem(dir: string, requests: SpanRecord[][]) {
  // Each service writes its own file, in end-time order, as the exporter does.
  const all = requests.flat().sort((a, b) => a.start + a.durationMs - (b.start + b.durationMs));
  for (const service of ['gateway', 'shop-api'])
    writeFileSync(join(dir, `${service}.jsonl`), lines(all.filter((span) => span.service === service)));
}

test('filters by service, route, status, errors and time, newest first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-search-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = Date.parse('2026-01-01T10:00:00Z');
  writeSystem(dir, [
    request(1, base),
    request(2, base + 60_000, { route: '/api/checkout', status: 409 }),
    request(3, base + 120_000, { status: 500 }),
    request(4, base + 180_000),
  ]);
  const ids = async (filter: Parameters<typeof searchTraces>[1], limit = 10) =>
    (await searchTraces(dir, filter, { limit })).traces.map((trace) => Number.parseInt(trace.traceId, 16));

  assert.deepEqual(await ids({}), [4, 3, 2, 1]);
  assert.deepEqual(await ids({}, 2), [4, 3]);
  assert.deepEqual(await ids({ route: '/api/checkout' }), [2]);
  assert.deepEqual(await ids({ status: 409 }), [2]);
  assert.deepEqual(await ids({ errors: true }), [3]);
  assert.deepEqual(await ids({ service: 'shop-api' }), [4, 3, 2, 1]);
  assert.deepEqual(await ids({ service: 'payment' }), []);
  assert.deepEqual(await ids({ since: base + 60_000, until: base + 120_000 }), [3, 2]);
  assert.deepEqual(await ids({ traceId: traceIdOf(1) }), [1]);
  assert.deepEqual(
    await ids({ traceId: traceIdOf(1).slice(0, 31) }),
    [4, 3, 2, 1],
    'a prefix matches them all',
  );
  const [whole] = (await searchTraces(dir, { traceId: traceIdOf(3) }, { limit: 1 })).traces;
  assert.equal(whole?.spanCount, 2);
  assert.deepEqual(whole?.services, ['gateway', 'shop-api']);
});

test('rotated files are read after the current one, and a trace split across them comes out whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-search-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [child, root] = request(7, 1_000);
  const [older] = request(6, 500);
  writeFileSync(join(dir, 'gateway.jsonl.2'), lines([older!]));
  writeFileSync(join(dir, 'gateway.jsonl.1'), lines([child!]));
  writeFileSync(join(dir, 'gateway.jsonl'), lines([root!]));
  const result = await searchTraces(dir, {}, { limit: 5 });
  assert.equal(result.files, 3);
  assert.deepEqual(
    result.traces.map((trace) => [Number.parseInt(trace.traceId, 16), trace.spanCount]),
    [
      [7, 2],
      [6, 1],
    ],
  );
});

test(
  'npm run traces <id> finds the oldest trace of a 60 MB file within a 48 MB heap, and stops early for the newest',
  { timeout: 60_000 },
  (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-search-big-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const padding = 'x'.repeat(150);
    const count = 130_000;
    const file = openSync(join(dir, 'gateway.jsonl'), 'w');
    let chunk = '';
    for (let n = 1; n <= count; n++) {
      const [shop, gateway] = request(n, 1_700_000_000_000 + n * 10);
      shop!.attributes['note'] = padding;
      chunk += lines([shop!, gateway!]);
      if (chunk.length > 1 << 20) {
        writeSync(file, chunk);
        chunk = '';
      }
    }
    writeSync(file, chunk);
    closeSync(file);

    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--max-old-space-size=48', SCRIPT, '--dir', dir, ...args], {
        encoding: 'utf8',
        timeout: 50_000,
      });
    const oldest = run(traceIdOf(1));
    assert.equal(oldest.status, 0, oldest.stderr.slice(-2000));
    assert.match(oldest.stdout, new RegExp(`trace ${traceIdOf(1)} .* 2 spans {2}\\[gateway, shop-api\\]`));
    assert.match(oldest.stdout, /260000 spans read/);

    const newest = run('--limit', '1');
    assert.equal(newest.status, 0, newest.stderr.slice(-2000));
    assert.match(newest.stdout, new RegExp(`trace ${traceIdOf(count)} `));
    const read = Number(/(\d+) spans read/.exec(newest.stdout)?.[1]);
    assert.ok(read < 10_000, `read ${read} spans to find the newest trace`);
  },
);

test(
  'npm run traces refuses a malformed trace id and says when nothing matches',
  { timeout: 10_000 },
  (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-search-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeSystem(dir, [request(1, 1_000)]);
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [SCRIPT, '--dir', dir, ...args], { encoding: 'utf8', stdio: 'pipe' });
    assert.throws(() => run('not-hex'), /a trace id is 8 to 32 hex digits/);
    assert.throws(() => run('--status', '99'), /--status must be an HTTP status/);
    assert.throws(() => run(traceIdOf(99)), /No trace 0+63/);
    assert.match(run('--route', '/api/products'), /newest 1:/);
  },
);

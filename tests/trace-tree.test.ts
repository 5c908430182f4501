import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpanRecord } from '@mockmart/service-kit/telemetry';
import { buildTraces, operationOf, renderTrace } from '../scripts/lib/trace-tree.ts';

const span = (
  fields: Partial<SpanRecord> & Pick<SpanRecord, 'traceId' | 'spanId' | 'start'>,
): SpanRecord => ({
  service: 'shop-api',
  name: 'GET',
  kind: 1,
  durationMs: 10,
  status: 'unset',
  attributes: {},
  ...fields,
});

// Trace t1: gateway → shop-api → (inventory, payment); recorded out of order, payment failed.
const t1 = [
  span({
    traceId: 't1',
    spanId: 'c',
    parentSpanId: 'b',
    start: 1030,
    service: 'shop-api',
    name: 'POST',
    kind: 2,
    attributes: { 'url.full': 'http://127.0.0.1:3010/api/payments/charges' },
    durationMs: 20,
    status: 'error',
  }),
  span({
    traceId: 't1',
    spanId: 'a',
    start: 1000,
    service: 'gateway',
    name: 'POST /api/checkout',
    durationMs: 100,
  }),
  span({
    traceId: 't1',
    spanId: 'd',
    parentSpanId: 'b',
    start: 1010,
    service: 'shop-api',
    name: 'GET',
    kind: 2,
    attributes: { 'url.path': '/api/inventory/stock' },
  }),
  span({
    traceId: 't1',
    spanId: 'b',
    parentSpanId: 'a',
    start: 1005,
    service: 'shop-api',
    name: 'POST /api/checkout',
    durationMs: 90,
  }),
];
// Trace t2: later, and its root's parent (the browser's span) was never recorded.
const t2 = [
  span({
    traceId: 't2',
    spanId: 'x',
    parentSpanId: 'browser',
    start: 5000,
    name: 'GET /api/cart',
    durationMs: 3,
  }),
];

test('groups spans by trace and nests them under their parents, ordered by start', () => {
  const [trace] = buildTraces(t1);
  assert.ok(trace);
  assert.equal(trace.traceId, 't1');
  assert.equal(trace.spanCount, 4);
  assert.equal(trace.durationMs, 100);
  assert.deepEqual(trace.services, ['gateway', 'shop-api']);
  assert.deepEqual(
    trace.roots.map((node) => node.span.spanId),
    ['a'],
  );
  const shop = trace.roots[0]?.children[0];
  assert.equal(shop?.span.spanId, 'b');
  assert.deepEqual(
    shop?.children.map((node) => node.span.spanId),
    ['d', 'c'],
  );
});

test('a span whose parent is missing is shown at the top level, marked', () => {
  const traces = buildTraces([...t1.filter((s) => s.spanId !== 'b'), ...t2]);
  const t1Trace = traces.find((trace) => trace.traceId === 't1');
  assert.deepEqual(
    t1Trace?.roots.map((node) => [node.span.spanId, node.orphan]),
    [
      ['a', false],
      ['d', true],
      ['c', true],
    ],
  );
  const t2Trace = traces.find((trace) => trace.traceId === 't2');
  assert.equal(t2Trace?.roots[0]?.orphan, true);
  assert.match(renderTrace(t2Trace!), /\(parent not recorded\)/);
});

test('renders service, operation, duration and status as an indented tree', () => {
  const [trace] = buildTraces(t1);
  const lines = renderTrace(trace!).split('\n');
  assert.match(lines[0] ?? '', /^trace t1 .* 100 ms {2}4 spans {2}\[gateway, shop-api\]$/);
  assert.deepEqual(lines.slice(1), [
    '  ✔ gateway  POST /api/checkout  100 ms',
    '  └─ ✔ shop-api  POST /api/checkout  90 ms',
    '     ├─ ✔ shop-api  GET /api/inventory/stock  10 ms',
    '     └─ ✖ shop-api  POST 127.0.0.1:3010/api/payments/charges  20 ms',
  ]);
  assert.equal(
    operationOf(span({ traceId: 'z', spanId: 'z', start: 0, name: 'GET', attributes: {} })),
    'GET',
  );
});

test('npm run traces prints the trees, and a friendly message without traces', { timeout: 10_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'traces-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = fileURLToPath(new URL('../scripts/traces.ts', import.meta.url));
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRACES_DIR: dir },
    });

  assert.match(run(), /No traces in .*npm start/s);
  assert.match(run('--dir', join(dir, 'missing')), /does not exist yet/);

  writeFileSync(join(dir, 'shop-api.jsonl'), [...t1, ...t2].map((s) => JSON.stringify(s)).join('\n') + '\n');
  const all = run();
  assert.match(all, /5 spans read in .*newest 2:/);
  assert.ok(all.indexOf('trace t2') < all.indexOf('trace t1'));
  const one = run('--limit', '1');
  assert.ok(one.includes('trace t2') && !one.includes('trace t1'));
  assert.throws(() => run('--trace', 'nope'), /a trace id is 8 to 32 hex digits/);
});

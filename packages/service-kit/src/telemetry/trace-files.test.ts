import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FileSpanExporter } from './file-exporter.ts';

function tracerWritingTo(file: string, maxBytes: number, maxFiles: number) {
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter({ file, maxBytes, maxFiles }))],
  });
  return { tracer: provider.getTracer('test'), provider };
}

test('trace files rotate by size, keep a bounded number and are private (0600)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-trace-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'shop-api.jsonl');
  const { tracer, provider } = tracerWritingTo(file, 4096, 3);

  for (let index = 0; index < 400; index++)
    tracer.startSpan(`GET /api/products/${index}`, { attributes: { 'http.route': '/x' } }).end();
  await provider.shutdown();

  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['shop-api.jsonl', 'shop-api.jsonl.1', 'shop-api.jsonl.2']);
  for (const name of files) {
    const stat = statSync(join(dir, name));
    assert.ok(stat.size <= 4096, `${name} holds ${stat.size} bytes`);
    assert.equal(stat.mode & 0o777, 0o600, `${name} has mode ${(stat.mode & 0o777).toString(8)}`);
  }
});

test('a world-readable trace file left by an older version becomes 0600 when the exporter opens it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-trace-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'gateway.jsonl');
  writeFileSync(file, '');
  chmodSync(file, 0o644);
  const { tracer, provider } = tracerWritingTo(file, 1024 * 1024, 2);
  tracer.startSpan('GET /').end();
  await provider.shutdown();
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

/**
 * `npm run traces` on large trace files: writes TRACES_BENCH_MB (default 300) of gateway and
 * shop-api spans, then times a search for the newest trace (the common case: stops early) and
 * for the oldest one (reads everything), printing wall time and the process's peak RSS. The old
 * reader held every file in memory and failed on a few hundred MB (RangeError).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchTraces } from '../scripts/lib/trace-search.ts';

const megabytes = Number(process.env.TRACES_BENCH_MB ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'traces-bench-'));
const id = (n: number, width: number) => n.toString(16).padStart(width, '0');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

try {
  // Both services' spans of each trace, in end-time order per file, as the exporter writes them.
  const files = {
    gateway: openSync(join(dir, 'gateway.jsonl'), 'w'),
    'shop-api': openSync(join(dir, 'shop-api.jsonl'), 'w'),
  };
  let written = 0;
  let traces = 0;
  while (written < megabytes * 1024 * 1024) {
    const chunks = { gateway: '', 'shop-api': '' };
    for (let i = 0; i < 2000; i++, traces++) {
      for (const service of ['gateway', 'shop-api'] as const)
        chunks[service] += `${JSON.stringify({
          traceId: id(traces + 1, 32),
          spanId: id(traces * 2 + (service === 'gateway' ? 0 : 1), 16),
          ...(service === 'gateway' ? {} : { parentSpanId: id(traces * 2, 16) }),
          service,
          name: 'GET /api/products/:id',
          kind: 1,
          start: 1_700_000_000_000 + traces * 5 + (service === 'gateway' ? 0 : 1),
          durationMs: service === 'gateway' ? 4 : 2,
          status: 'unset',
          attributes: {
            'http.route': '/api/products/:id',
            'http.response.status_code': 200,
            'url.path': '/api/products/7',
          },
        })}\n`;
    }
    for (const service of ['gateway', 'shop-api'] as const) {
      writeSync(files[service], chunks[service]);
      written += Buffer.byteLength(chunks[service]);
    }
  }
  closeSync(files.gateway);
  closeSync(files['shop-api']);
  const baseline = process.memoryUsage().rss;
  console.log(
    `${megabytes} MB of spans, ${traces} traces; RSS before searching ${(baseline / 2 ** 20).toFixed(0)} MB`,
  );
  for (const [label, filter] of [
    ['newest trace', {}],
    ['oldest trace (reads all)', { traceId: id(1, 32) }],
  ] as const) {
    peakRss = 0;
    const started = performance.now();
    const result = await searchTraces(dir, filter, { limit: 1 });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${label.padEnd(26)} ${seconds.toFixed(2)} s  ${result.spansRead} spans read  ` +
        `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB  found ${result.traces[0]?.spanCount ?? 0} spans`,
    );
  }
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}

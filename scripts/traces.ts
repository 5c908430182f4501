/**
 * `npm run traces [-- --limit N] [-- --trace <id>] [-- --dir <folder>]`: prints the latest traces
 * the services wrote locally (TRACES_DIR, default .data/traces, one <service>.jsonl each) as trees
 * of service, operation, duration and status.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTraces, latestTraces, parseSpanLines, renderTrace } from './lib/trace-tree.ts';
import type { SpanRecord } from '@mockmart/service-kit/telemetry';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    limit: { type: 'string', default: '5' },
    trace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run traces -- [--limit N] [--trace <traceId>] [--dir <folder>]');
  process.exit(0);
}

const dir = values.dir ?? process.env.TRACES_DIR ?? '.data/traces';
const limit = Number(values.limit);
if (!Number.isInteger(limit) || limit < 1) {
  console.error(`--limit must be a positive integer, got ${JSON.stringify(values.limit)}`);
  process.exit(2);
}

const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.jsonl')) : [];
const spans: SpanRecord[] = [];
let skipped = 0;
for (const file of files) {
  const parsed = parseSpanLines(readFileSync(join(dir, file), 'utf8'));
  spans.push(...parsed.spans);
  skipped += parsed.skipped;
}

if (spans.length === 0) {
  console.log(
    `No traces in ${dir}${existsSync(dir) ? '' : ' (the folder does not exist yet)'}.\n` +
      'Start the services with `npm start` (they write spans there unless OTEL_EXPORTER_OTLP_ENDPOINT is set),\n' +
      'make a request, then run `npm run traces` again. Spans are flushed every 0.5 s and on shutdown.',
  );
  process.exit(0);
}

const traces = buildTraces(spans);
const chosen = values.trace
  ? traces.filter((trace) => trace.traceId === values.trace!.toLowerCase())
  : latestTraces(traces, limit);
if (chosen.length === 0) {
  console.error(`No trace ${values.trace} among ${traces.length} traces in ${dir}.`);
  process.exit(1);
}

console.log(
  `${traces.length} trace${traces.length === 1 ? '' : 's'} in ${dir} (${files.length} file${files.length === 1 ? '' : 's'}` +
    `${skipped ? `, ${skipped} unreadable line${skipped === 1 ? '' : 's'} skipped` : ''}); ` +
    (values.trace ? `trace ${values.trace}:` : `latest ${chosen.length}:`),
);
for (const trace of chosen) console.log(`\n${renderTrace(trace)}`);

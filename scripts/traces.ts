/**
 * `npm run traces [-- <traceId>] [-- --service S --route R --status N --errors --since T --until T
 * --limit N --dir D]`: the traces the services wrote locally (TRACES_DIR, default .data/traces,
 * `<service>.jsonl` and its rotated `.jsonl.N` files), newest first, as trees of service,
 * operation, duration and status. With a trace id (the `traceId` of any problem+json answer) it
 * shows that trace whole. The files are read backwards in chunks, so their size does not matter.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { searchTraces, type TraceFilter } from './lib/trace-search.ts';
import { renderTrace } from './lib/trace-tree.ts';

const USAGE = `usage: npm run traces -- [<traceId>] [options]
  <traceId>          show that trace whole (a prefix of 8+ hex digits is enough)
  --service <name>   traces that passed through a service (gateway, shop-api, idp …)
  --route <text>     traces with a span whose route or name contains the text (/api/checkout)
  --status <code>    traces with a span that answered this HTTP status (401, 409 …)
  --errors           traces with a failed span (error status or 5xx)
  --since <time>     started at or after: ISO time or an age such as 30s, 15m, 2h
  --until <time>     started at or before (same forms)
  --limit <n>        how many traces, newest first (default 5)
  --dir <folder>     trace folder (default TRACES_DIR or .data/traces)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    limit: { type: 'string', default: '5' },
    trace: { type: 'string' },
    service: { type: 'string' },
    route: { type: 'string' },
    status: { type: 'string' },
    errors: { type: 'boolean' },
    since: { type: 'string' },
    until: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const age = /^(\d+)(s|m|h|d)$/.exec(text);
  if (age) return Date.now() - Number(age[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[age[2] as 's']!;
  const time = Date.parse(text);
  if (Number.isNaN(time))
    fail(`--${name} must be an ISO time or an age such as 15m, got ${JSON.stringify(text)}`);
  return time;
}

const dir = values.dir ?? process.env.TRACES_DIR ?? '.data/traces';
const traceId = (positionals[0] ?? values.trace)?.toLowerCase();
if (positionals.length > 1) fail(`one trace id at most, got ${positionals.join(' ')}`);
if (traceId !== undefined && !/^[0-9a-f]{8,32}$/.test(traceId))
  fail(`a trace id is 8 to 32 hex digits, got ${JSON.stringify(traceId)}`);
const limit = traceId ? 1 : Number(values.limit);
if (!Number.isInteger(limit) || limit < 1)
  fail(`--limit must be a positive integer, got ${JSON.stringify(values.limit)}`);
const status = values.status === undefined ? undefined : Number(values.status);
if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599))
  fail(`--status must be an HTTP status, got ${JSON.stringify(values.status)}`);

const filter: TraceFilter = {
  traceId,
  service: values.service,
  route: values.route,
  status,
  errors: values.errors,
  since: parseTime('since', values.since),
  until: parseTime('until', values.until),
};

const result = await searchTraces(dir, filter, { limit });
if (result.files === 0) {
  console.log(
    `No traces in ${dir}${existsSync(dir) ? '' : ' (the folder does not exist yet)'}.\n` +
      'Start the services with `npm start` (they write spans there unless OTEL_EXPORTER_OTLP_ENDPOINT is set),\n' +
      'make a request, then run `npm run traces` again. Spans are flushed every 0.5 s and on shutdown.',
  );
  process.exit(0);
}

const read =
  `${result.spansRead} span${result.spansRead === 1 ? '' : 's'} read in ${dir} ` +
  `(${result.files} file${result.files === 1 ? '' : 's'}` +
  `${result.skipped ? `, ${result.skipped} unreadable line${result.skipped === 1 ? '' : 's'} skipped` : ''})`;
if (result.traces.length === 0) {
  console.error(`No ${traceId ? `trace ${traceId}` : 'trace matches'}; ${read}.`);
  process.exit(1);
}
console.log(`${read}; ${traceId ? `trace ${traceId}:` : `newest ${result.traces.length}:`}`);
for (const trace of result.traces) console.log(`\n${renderTrace(trace)}`);

/**
 * Finds traces in the local trace files newest first, reading every service's files backwards at
 * once and merging their spans by end time. A trace is complete once the merge has gone further
 * back than its earliest span (and a margin for spans written a little out of order): only the
 * traces still open are held, so memory depends on the traffic of a few seconds, never on the
 * size of the files, and the scan stops as soon as enough matching traces are complete.
 */
import type { SpanRecord } from '@mockmart/service-kit/telemetry';
import { linesNewestFirst, listTraceFiles } from './trace-files.ts';
import { buildTraces, isFailure, type Trace } from './trace-tree.ts';

export interface TraceFilter {
  /** A trace id or its first characters. */
  traceId?: string;
  /** A service the trace passed through. */
  service?: string;
  /** Text found in a span's route or name (`/api/checkout`, `POST /bff/callback`). */
  route?: string;
  /** An HTTP status one of its spans answered. */
  status?: number;
  /** Only traces with a failed span (status error or a 5xx answer). */
  errors?: boolean;
  /** Epoch ms: only traces that started at or after it / at or before it. */
  since?: number;
  until?: number;
}

export interface SearchOptions {
  limit: number;
  /** How far out of end-time order spans may be written (batching, replicas). */
  marginMs?: number;
}

export interface SearchResult {
  traces: Trace[];
  files: number;
  spansRead: number;
  skipped: number;
}

const DEFAULT_MARGIN_MS = 5_000;
/** Open traces are checked for completion after this many spans (and at the end). */
const SETTLE_EVERY = 2_000;

interface OpenTrace {
  spans: SpanRecord[];
  earliest: number;
}

interface Cursor {
  lines: AsyncGenerator<string>;
  head?: SpanRecord;
}

export async function searchTraces(
  dir: string,
  filter: TraceFilter,
  options: SearchOptions,
): Promise<SearchResult> {
  const margin = options.marginMs ?? DEFAULT_MARGIN_MS;
  const services = await listTraceFiles(dir);
  let skipped = 0;
  let spansRead = 0;
  const cursors: Cursor[] = services.map((files) => ({ lines: linesNewestFirst(files, () => skipped++) }));
  const advance = async (cursor: Cursor) => {
    cursor.head = undefined;
    for (let next = await cursor.lines.next(); !next.done; next = await cursor.lines.next()) {
      const span = parseSpan(next.value);
      if (span) return void (cursor.head = span);
      skipped++;
    }
  };
  await Promise.all(cursors.map(advance));

  const open = new Map<string, OpenTrace>();
  const found: Trace[] = [];
  const wanted = (traceId: string) => !filter.traceId || traceId.startsWith(filter.traceId);

  /** Moves every trace that can gain no more spans out of `open`; keeps the matching ones. */
  const settle = (cursorEnd: number) => {
    for (const [traceId, entry] of open) {
      if (entry.earliest - margin <= cursorEnd) continue;
      open.delete(traceId);
      const [trace] = buildTraces(entry.spans);
      if (trace && matches(trace, entry.spans, filter)) found.push(trace);
    }
  };

  while (found.length < options.limit) {
    let next: Cursor | undefined;
    for (const cursor of cursors)
      if (cursor.head && (!next || endOf(cursor.head) > endOf(next.head!))) next = cursor;
    if (!next) break;
    const span = next.head!;
    await advance(next);
    spansRead++;
    const end = endOf(span);
    if (filter.since !== undefined && end < filter.since - margin) break;
    if (wanted(span.traceId)) {
      const entry = open.get(span.traceId);
      if (entry) {
        entry.spans.push(span);
        entry.earliest = Math.min(entry.earliest, span.start);
      } else open.set(span.traceId, { spans: [span], earliest: span.start });
    }
    if (spansRead % SETTLE_EVERY === 0) settle(end);
  }
  await Promise.all(cursors.map((cursor) => cursor.lines.return(undefined)));
  if (found.length < options.limit) settle(Number.NEGATIVE_INFINITY);

  found.sort((a, b) => b.start - a.start);
  return { traces: found.slice(0, options.limit), files: services.flat().length, spansRead, skipped };
}

function matches(trace: Trace, spans: readonly SpanRecord[], filter: TraceFilter): boolean {
  if (filter.since !== undefined && trace.start < filter.since) return false;
  if (filter.until !== undefined && trace.start > filter.until) return false;
  if (filter.service && !trace.services.includes(filter.service)) return false;
  if (filter.errors && !spans.some(isFailure)) return false;
  if (filter.status !== undefined && !spans.some((span) => statusOf(span) === filter.status)) return false;
  if (filter.route) {
    const text = filter.route;
    if (
      !spans.some(
        (span) => span.name.includes(text) || String(span.attributes['http.route'] ?? '').includes(text),
      )
    )
      return false;
  }
  return true;
}

function statusOf(span: SpanRecord): unknown {
  return span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
}

const endOf = (span: SpanRecord) => span.start + span.durationMs;

function parseSpan(line: string): SpanRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<SpanRecord>;
    return typeof value.traceId === 'string' &&
      typeof value.spanId === 'string' &&
      typeof value.start === 'number' &&
      typeof value.durationMs === 'number'
      ? (value as SpanRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

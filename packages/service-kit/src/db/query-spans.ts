import pg from 'pg';
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('@mockmart/service-kit/db');

/**
 * Spans for the database work a request or an outbox delivery does, written where every query
 * passes (postgres.ts) rather than by patching `pg`: the pg instrumentation cost ≈ 15 % of a
 * checkout's CPU across the services (bench/README.md, "Checkout, fourth round"), for spans this
 * gives too.
 *
 * - Only under a recorded span: a poller's query outside any request is not a trace of its own.
 * - One CLIENT span per statement, named by its summary (OpenTelemetry's database conventions):
 *   the operation and, for a prepared statement, its name (`SELECT order-history`). The text of
 *   a prepared statement is in the code under that name and is not repeated in every span; other
 *   statements carry it (`db.query.text`). Values are never recorded: statements are
 *   parameterised.
 * - One span per transaction, its statements as children, from the first BEGIN to the last COMMIT:
 *   a retry after a serialization failure or a deadlock is an event on it (with the SQLSTATE), and
 *   `db.transaction.attempts` says how many there were.
 * - A failed statement is an error span with the SQLSTATE, not the message (which can quote
 *   the values of a row).
 */
export function inQuerySpan<T>(
  database: string,
  sql: string,
  statement: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return run();
  const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const summary = statement ? `${operation} ${statement}` : operation;
  const span = tracer.startSpan(summary, {
    kind: SpanKind.CLIENT,
    attributes: {
      ...databaseAttributes(database),
      'db.operation.name': operation,
      'db.query.summary': summary,
      ...(statement ? {} : { 'db.query.text': sql }),
    },
  });
  return ended(span, run);
}

export function inTransactionSpan<T>(
  database: string,
  isolation: string,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return work(undefined);
  return tracer.startActiveSpan(
    'transaction',
    {
      kind: SpanKind.INTERNAL,
      attributes: { ...databaseAttributes(database), 'db.transaction.isolation': isolation },
    },
    (span) => ended(span, () => work(span)),
  );
}

/** PostgreSQL's SQLSTATE of a failed statement; undefined for any other failure. */
export function sqlStateOf(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

function databaseAttributes(database: string): Attributes {
  return { 'db.system.name': 'postgresql', 'db.namespace': database };
}

async function ended<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const sqlState = sqlStateOf(error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', sqlState ?? (error instanceof Error ? error.name : '_OTHER'));
    if (sqlState) span.setAttribute('db.response.status_code', sqlState);
    throw error;
  } finally {
    span.end();
  }
}

import type * as OtelApi from '@opentelemetry/api';

// @opentelemetry/api is an optional peer: without it (or without an SDK) everything here is a no-op.
let otel: typeof OtelApi | undefined;
try {
  otel = await import('@opentelemetry/api');
} catch {
  otel = undefined;
}

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** Adds attributes and an event to the request's active span (no new span: this is the hot path). */
export function annotateActiveSpan(event: string, attributes: SpanAttributes): void {
  const span = otel?.trace.getActiveSpan();
  if (!span) return;
  const clean = compact(attributes);
  span.setAttributes(clean);
  span.addEvent(event, clean);
}

/** Runs `fn` inside a span named `name` (e.g. `auth.jwks.fetch`); records failures on it. */
export async function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (!otel) return fn();
  const api = otel;
  return api.trace
    .getTracer('@mockmart/auth')
    .startActiveSpan(name, { attributes: compact(attributes) }, async (span) => {
      try {
        return await fn();
      } catch (error) {
        span.setStatus({
          code: api.SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    });
}

/** The active trace id, for problem+json `traceId`. */
export function activeTraceId(): string | undefined {
  const context = otel?.trace.getActiveSpan()?.spanContext();
  return context && otel?.isSpanContextValid(context) ? context.traceId : undefined;
}

function compact(attributes: SpanAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

import type * as OtelApi from '@opentelemetry/api';

// @opentelemetry/api is an optional peer: without it (or without an SDK) everything here is a no-op.
let otel: typeof OtelApi | undefined;
try {
  otel = await import('@opentelemetry/api');
} catch {
  otel = undefined;
}

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/**
 * The library's metrics, counted through @opentelemetry/api only: a service that registers a
 * MeterProvider (the kit's telemetry does) exports them; without one they cost nothing.
 */
export const AUTH_METRICS = {
  verifications: {
    name: 'auth.token.verifications',
    description: 'access tokens verified, by outcome (accepted, refused, unavailable) and reason',
  },
  jwksFetches: { name: 'auth.jwks.fetches', description: 'JWKS fetches, by outcome (success, failure)' },
  serviceTokenRequests: {
    name: 'auth.service_token.requests',
    description: 'client-credentials token requests to the idp, by scope, audience and outcome',
  },
  serviceTokenCache: {
    name: 'auth.service_token.cache',
    description: 'service-token lookups, by scope, audience and result (hit, miss)',
  },
} as const;

type MetricName = keyof typeof AUTH_METRICS;
const counters = new Map<MetricName, OtelApi.Counter>();

/** Adds one to a counter of {@link AUTH_METRICS}. */
export function countEvent(metric: MetricName, attributes: SpanAttributes): void {
  if (!otel) return;
  let counter = counters.get(metric);
  if (!counter) {
    const { name, description } = AUTH_METRICS[metric];
    counter = otel.metrics.getMeter('@mockmart/auth').createCounter(name, { description });
    counters.set(metric, counter);
  }
  counter.add(1, compact(attributes));
}

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

import { propagation, ROOT_CONTEXT, SpanKind, trace, type Context } from '@opentelemetry/api';

const tracer = trace.getTracer('shop-api.outbox');

/**
 * Runs the delivery of one event inside the trace of the request that wrote it, under a span of
 * its own: the notification call becomes a child of the checkout that caused it.
 */
export function inEventTrace<T>(
  traceParent: string | null,
  eventType: string,
  deliver: () => Promise<T>,
): Promise<T> {
  const parent: Context = traceParent
    ? propagation.extract(ROOT_CONTEXT, { traceparent: traceParent })
    : ROOT_CONTEXT;
  return tracer.startActiveSpan(
    `outbox deliver ${eventType}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'outbox', 'messaging.operation.type': 'send' },
    },
    parent,
    async (span) => {
      try {
        return await deliver();
      } finally {
        span.end();
      }
    },
  );
}

import { metrics, type Histogram } from '@opentelemetry/api';

/** Seconds; from a cached read (a few ms) to the 15 s upstream timeout. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

let duration: Histogram | undefined;

/**
 * RED per route: one histogram whose count is the rate, whose 5xx share is the error rate and
 * whose buckets are the duration (OpenTelemetry's `http.server.request.duration`). The route is
 * the template (`/api/orders/:id`), never the raw path, so the series stay few.
 */
export function recordServerRequest(method: string, route: string, status: number, seconds: number): void {
  duration ??= metrics.getMeter('@mockmart/service-kit').createHistogram('http.server.request.duration', {
    description: 'inbound HTTP requests by method, route and status',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  duration.record(seconds, {
    'http.request.method': method,
    'http.route': route,
    'http.response.status_code': status,
  });
}

import type { IncomingMessage } from 'node:http';

let untraced: ((request: IncomingMessage) => boolean) | undefined;

/**
 * Leaves requests the predicate picks out of tracing: no server span, no trace context, none of
 * the instrumentation's per-request work (about half of what a cheap answer costs, measured in
 * bench/README.md "Read path"). Meant for public reads a service answers in great numbers and
 * cheaply — the gateway's anonymous catalog reads, answered from its cache — which a trace would
 * tell nothing about that the access log line and the request-duration metric do not.
 *
 * A request that arrives with a W3C `traceparent` is traced all the same: a caller who traces
 * keeps its trace through this hop. Call once at start-up; the predicate runs before routing, on
 * the raw request, so it must be cheap and must not throw.
 */
export function untraceIncomingRequests(predicate: (request: IncomingMessage) => boolean): void {
  untraced = predicate;
}

/** For the http instrumentation's ignore hook (index.ts). */
export function isUntraced(request: IncomingMessage): boolean {
  return untraced !== undefined && request.headers.traceparent === undefined && untraced(request);
}

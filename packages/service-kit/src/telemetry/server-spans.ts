import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  context,
  diag,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { FastifyHttpOptions, FastifyServerFactory } from 'fastify';
import { isUntraced } from './untraced-requests.ts';

let tracing = false;

/** startTelemetry turns server spans on; without it the listener below is the app's own. */
export function enableServerSpans(): void {
  tracing = true;
}

const tracer = trace.getTracer('@mockmart/service-kit');
const SUPPRESSED = suppressTracing(ROOT_CONTEXT);

// OpenTelemetry's HTTP conventions: any other method is recorded as `_OTHER`, so a client cannot
// make up span names.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/**
 * One SERVER span per inbound request, the W3C trace context of the caller continued, and the
 * app's handler run inside it so its logs, queries and outbound calls join the trace.
 *
 * This replaces the http instrumentation's inbound half (index.ts turns it off). That one wraps
 * every request's and response's event emitters so listeners keep their context, which
 * AsyncLocalStorage already does; it did so even for requests it was told to ignore, and it was
 * about a third of the gateway's CPU on a cached catalog read (bench/README.md, "Read path").
 * Attributes follow the stable HTTP conventions; the route (`http.route`) and the span's final
 * name are set by the app once it has routed (app.ts). Probes, the metrics scrape and what a
 * service leaves untraced (untraced-requests.ts) get no span at all.
 */
export function tracedRequestListener(listener: RequestListener): RequestListener {
  return (request, response) => {
    if (!tracing) return listener(request, response);
    let traced: Context;
    try {
      traced = requestContext(request, response);
    } catch (error) {
      // Tracing never costs a request: a throwing predicate or propagator leaves it untraced.
      diag.error('server span not started', error);
      return listener(request, response);
    }
    context.with(traced, () => listener(request, response));
  };
}

/** The context a request runs in: its span's, or, untraced, one with tracing suppressed. */
function requestContext(request: IncomingMessage, response: ServerResponse): Context {
  // Untraced all the way down: no client span for a call it makes, no context passed on.
  if (notTraced(request)) return SUPPRESSED;
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = startServerSpan(request, parent);
  response.once('close', () => endServerSpan(span, response));
  return trace.setSpan(parent, span);
}

/** Fastify's HTTP/1.1 server, as its own factory builds it, with traced requests. */
export const tracedServerFactory: FastifyServerFactory = (handler, options) => {
  // Fastify has filled in its defaults by the time it calls a factory. Two things it does only with
  // its own: HTTPS or HTTP/2 servers (the services speak HTTP/1.1 behind a TLS-ending balancer, so
  // asking for either is a mistake said at once), and a second listener when `localhost` resolves
  // to two addresses (services listen on one address: HOST, 127.0.0.1 or 0.0.0.0).
  const settings = options as FastifyHttpOptions<Server> & { https?: unknown; http2?: unknown };
  if (settings.https || settings.http2) throw new Error('tracedServerFactory builds HTTP/1.1 servers only');
  const server = createServer(settings.http ?? {}, tracedRequestListener(handler as RequestListener));
  if (settings.keepAliveTimeout) server.keepAliveTimeout = settings.keepAliveTimeout;
  if (settings.requestTimeout !== undefined) server.requestTimeout = settings.requestTimeout;
  if (settings.connectionTimeout) server.setTimeout(settings.connectionTimeout);
  if (settings.maxRequestsPerSocket) server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
  return server;
};

function notTraced(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  return url.startsWith('/health/') || url === '/metrics' || isUntraced(request);
}

function startServerSpan(request: IncomingMessage, parent: Context): Span {
  const method = KNOWN_METHODS.has(request.method ?? '') ? request.method! : '_OTHER';
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const userAgent = request.headers['user-agent'];
  return tracer.startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': queryAt === -1 ? url : url.slice(0, queryAt),
        // The scrubber (scrub-span-processor.ts) keeps only allow-listed parameters of it.
        ...(queryAt === -1 ? {} : { 'url.query': url.slice(queryAt + 1) }),
        'url.scheme': 'encrypted' in request.socket ? 'https' : 'http',
        'network.protocol.version': request.httpVersion,
        ...(request.socket.remoteAddress ? { 'client.address': request.socket.remoteAddress } : {}),
        ...(userAgent ? { 'user_agent.original': userAgent } : {}),
      },
    },
    parent,
  );
}

function endServerSpan(span: Span, response: ServerResponse): void {
  // Without headers sent there was no status: Node's default 200 would be a lie.
  if (response.headersSent) span.setAttribute('http.response.status_code', response.statusCode);
  if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  else if (!response.writableFinished)
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: 'the connection closed before the response was sent',
    });
  span.end();
}

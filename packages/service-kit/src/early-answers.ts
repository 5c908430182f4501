import type { IncomingMessage, OutgoingHttpHeaders, RequestListener } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { requestIdOf } from './request-id.ts';
import { recordServerRequest } from './telemetry/http-metrics.ts';

/** An answer a service gives before its framework sees the request: a kept public read, say. */
export interface EarlyAnswer {
  /** The route template Fastify would have matched: the span's name and the metrics' series. */
  route: string;
  status: number;
  /** Every header of the answer the service sets itself (its security headers included). */
  headers: OutgoingHttpHeaders;
  body?: Buffer | undefined;
}

/** Looks at a request before Fastify does; undefined lets Fastify handle it. Must not throw. */
export type EarlyAnswerSource = (request: IncomingMessage) => EarlyAnswer | undefined;

/**
 * The HTTP listener with a lane in front of Fastify: a request a source answers is written at
 * once, with what the kit's hooks would have added (the request id, `Connection: close` while
 * shutting down, the span's name, the request metric, the debug access line), and never reaches
 * Fastify's routing, hooks and reply. For answers that need none of those: a cached public
 * catalog read at the gateway cost ≈ 90 µs of CPU through Fastify and ≈ 45 µs here, on two cores
 * that also ran the load (bench/README.md, "Read path, eighth round").
 *
 * It runs inside the request's server span (telemetry/server-spans.ts wraps it), which ends when
 * the response closes, with its status.
 */
export function answeringEarly(
  sources: readonly EarlyAnswerSource[],
  fastify: RequestListener,
  deps: { logger: Logger; shuttingDown: () => boolean },
): RequestListener {
  return (request, response) => {
    const started = performance.now();
    let answer: EarlyAnswer | undefined;
    for (const source of sources) if ((answer = source(request))) break;
    if (!answer) return fastify(request, response);

    const method = request.method ?? 'GET';
    const id = requestIdOf(request.headers);
    const span = trace.getActiveSpan();
    span?.updateName(`${method} ${answer.route}`);
    span?.setAttribute('http.route', answer.route);
    response.writeHead(answer.status, {
      ...answer.headers,
      'x-request-id': id,
      ...(deps.shuttingDown() ? { connection: 'close' } : {}),
    });
    response.end(answer.body);
    const ms = performance.now() - started;
    recordServerRequest(method, answer.route, answer.status, ms / 1000);
    // Early answers are routine reads: logged at debug, as logAccess logs them (access-log.ts), and
    // marked, so a reader of the log knows no hook of the app ran for it.
    if (deps.logger.isLevelEnabled('debug'))
      deps.logger.debug(
        {
          reqId: id,
          method,
          path: (request.url ?? '/').split('?')[0],
          statusCode: answer.status,
          ms: Math.round(ms * 100) / 100,
          early: true,
        },
        'request completed',
      );
  };
}

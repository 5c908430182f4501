import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
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

/**
 * Looks at a request before Fastify does; undefined lets Fastify handle it. Must not throw. The
 * first source that returns something decides: a promise that settles to undefined (or rejects)
 * hands the request to Fastify then (a GET's unread request stream waits for it).
 */
export type EarlyAnswerSource = (
  request: IncomingMessage,
) => EarlyAnswer | undefined | Promise<EarlyAnswer | undefined>;

/**
 * The HTTP listener with a lane in front of Fastify: a request a source answers is written at
 * once, with what the kit's hooks would have added (the request id, `Connection: close` while
 * shutting down, the span's name, the request metric, the debug access line), and never reaches
 * Fastify's routing, hooks and reply. For answers that need none of those: a kept public catalog
 * read cost the gateway 90–120 µs of CPU through Fastify and 80–90 µs here, half of it the socket
 * write, on two cores that also ran the load (bench/README.md, "Read path, eighth round").
 *
 * It runs inside the request's server span (telemetry/server-spans.ts wraps it), which ends when
 * the response closes, with its status.
 */
export function answeringEarly(
  sources: readonly EarlyAnswerSource[],
  fastify: RequestListener,
  deps: EarlyDeps,
): RequestListener {
  return (request, response) => {
    // Most services register no source: their requests go straight on.
    if (sources.length === 0) return fastify(request, response);
    const started = performance.now();
    const send = (answer: EarlyAnswer) => answerNow(request, response, answer, started, deps);
    for (const source of sources) {
      const answer = source(request);
      if (answer === undefined) continue;
      if (!(answer instanceof Promise)) return send(answer);
      answer.then(
        (settled) => (settled ? send(settled) : fastify(request, response)),
        () => fastify(request, response),
      );
      return;
    }
    fastify(request, response);
  };
}

interface EarlyDeps {
  logger: Logger;
  shuttingDown: () => boolean;
}

/** Writes the answer with what the kit's hooks would have added, and accounts for it. */
function answerNow(
  request: IncomingMessage,
  response: ServerResponse,
  answer: EarlyAnswer,
  started: number,
  deps: EarlyDeps,
): void {
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
}

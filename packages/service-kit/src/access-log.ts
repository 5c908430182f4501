import type { FastifyReply, FastifyRequest } from 'fastify';

const routine = new WeakSet<FastifyRequest>();

/**
 * Marks a request as routine: when it succeeds, its access line is written at `debug` instead of
 * `info`. For answers a service gives in great numbers from memory, such as the gateway's cached
 * public catalog: the line cost a sixth of such a request (bench/README.md, "Read path"), and the
 * request-duration metric still counts every one of them by route and status. A refusal or an
 * error is logged at `info` all the same.
 */
export function routineRequest(request: FastifyRequest): void {
  routine.add(request);
}

/** The one access line per request (app.ts): method, path without its query string, status, time. */
export function logAccess(request: FastifyRequest, reply: FastifyReply): void {
  const level = reply.statusCode < 400 && routine.has(request) ? 'debug' : 'info';
  // pino's methods below its level are no-ops: nothing is built for a line that is not written.
  request.log[level](
    {
      method: request.method,
      path: request.url.split('?')[0],
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    },
    'request completed',
  );
}

import type { IncomingHttpHeaders } from 'node:http';
import type { RawServerBase } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { UpstreamTimeout, UpstreamUnavailable } from '../errors.ts';

/** Headers the gateway writes itself about the original request, so upstreams see the public view. */
export function forwardedHeaders(request: FastifyRequest, publicUrl: URL): Record<string, string> {
  return {
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': publicUrl.protocol.replace(':', ''),
    'x-forwarded-host': publicUrl.host,
  };
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be forwarded. Passing
 * an upstream's `Keep-Alive: timeout=…` on made clients drop the connection to the gateway after
 * every response (undici subtracts a 2 s margin from the hint).
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
];

export function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

/** Upstream headers that must not reach the browser from an API (the cookie namespace is ours). */
export function cleanApiResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = withoutHopByHop(headers);
  delete copy['set-cookie'];
  delete copy['x-powered-by'];
  delete copy.server;
  return copy;
}

/**
 * Proxied bodies are streamed through untouched (no parse, no re-serialise): the upstream validates
 * them and enforces its own size limit.
 */
export function passBodiesThrough(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}

/** reply-from error hook: upstream failures become coded problems, without upstream internals. */
export function upstreamErrorHandler(name: string) {
  return (reply: FastifyReply<RouteGenericInterface, RawServerBase>, context: { error: Error }): void => {
    const error = context.error as Error & { code?: string; statusCode?: number };
    reply.request.log.warn(
      { upstream: name, code: error.code, status: error.statusCode },
      'upstream call failed',
    );
    const timedOut = error.statusCode === 504 || /TIMEOUT/i.test(error.code ?? '');
    void reply.send(
      timedOut
        ? new UpstreamTimeout(`${name} did not answer in time`)
        : new UpstreamUnavailable(`${name} is unavailable`),
    );
  };
}

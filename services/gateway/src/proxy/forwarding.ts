import type { IncomingHttpHeaders } from 'node:http';
import type { RawServerBase } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { ValidationFailed } from '@mockmart/service-kit';
import { UpstreamTimeout, UpstreamUnavailable } from '../errors.ts';
import { GATEWAY_CACHE_CONTROL } from './token-cache.ts';

const MAY_NEED_CANONICALISING = /[%\\]|\/\.|\/\//;

/**
 * The path of a proxied request as the upstream's router will understand it, or a 400 when that
 * is not the path the gateway routed on. The gateway decides on the raw path (which route, and so
 * which rate limit; which idp paths are not published), but reply-from's URL parser resolves
 * `/./` and `%2e` segments, and upstream routers (find-my-way, Keycloak) percent-decode `%61` to
 * `a`. So a path is refused when it has a dot segment (raw or encoded), an empty segment (`//`),
 * or an encoded `/`, `\` or NUL, which would give one path two meanings; otherwise its decoded
 * form is returned for access decisions. Of the query string only its percent-escapes are
 * checked: reply-from decodes the whole URL, and `?search=%` made it throw (a 500).
 */
export function canonicalProxyPath(url: string): string {
  // Nothing to decode and no segment that could be dot or empty: the path is its own canonical form.
  if (!MAY_NEED_CANONICALISING.test(url)) return url.split('?')[0]!;
  const [rawPath = '', ...query] = url.split('?');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new ValidationFailed('The request path is not valid percent-encoding');
  }
  try {
    decodeURIComponent(query.join('?'));
  } catch {
    throw new ValidationFailed('The query string is not valid percent-encoding');
  }
  const segments = rawPath.split('/').slice(1);
  const hasDotSegment = decoded.split('/').some((segment) => segment === '.' || segment === '..');
  const hasEmptySegment = segments.slice(0, -1).some((segment) => segment === '');
  if (hasDotSegment || hasEmptySegment || /%(2f|5c|00)|\\/i.test(rawPath))
    throw new ValidationFailed(
      'The request path must be canonical (no dot or empty segments, no encoded slashes)',
    );
  return decoded;
}

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

/**
 * The client's W3C trace context is per hop too: the gateway's span already continues it, and the
 * instrumentation writes the gateway's own `traceparent` on the upstream request. Copied as well,
 * the upstream would get two and start a trace of its own.
 */
const TRACE_CONTEXT = ['traceparent', 'tracestate'];

/** Never removed on a client's say-so: they frame the forwarded message itself. */
const FRAMING = new Set(['content-length', 'host']);

/**
 * The client's request headers minus those that only concern its connection to the gateway
 * (RFC 9110 §7.6.1): the hop-by-hop set, every header the client nominated in `Connection`,
 * `Proxy-Authorization` (the client's credential for a proxy, never for an upstream) and the
 * client's trace context (see TRACE_CONTEXT). Apply
 * before the gateway adds its own headers, so a nomination cannot remove those.
 */
export function withoutRequestHopByHop<T extends Record<string, string | string[] | undefined>>(
  headers: T,
  connection: string | string[] | undefined,
): T {
  const copy: Record<string, string | string[] | undefined> = { ...headers };
  for (const name of [...HOP_BY_HOP, 'proxy-authorization', ...TRACE_CONTEXT]) delete copy[name];
  const nominated = (Array.isArray(connection) ? connection.join(',') : (connection ?? '')).split(',');
  for (const raw of nominated) {
    const name = raw.trim().toLowerCase();
    if (name && !FRAMING.has(name)) delete copy[name];
  }
  return copy as T;
}

/**
 * Upstream headers that must not reach the browser from an API: the cookie namespace is ours, and
 * shop-api's instructions to the gateway's cache are for the gateway alone.
 */
export function cleanApiResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = withoutHopByHop(headers);
  delete copy['set-cookie'];
  delete copy[GATEWAY_CACHE_CONTROL];
  delete copy['x-powered-by'];
  delete copy.server;
  return copy;
}

/**
 * Proxied bodies are read as bytes, never parsed or re-serialised: the upstream validates them.
 * They are read whole, within the gateway's body limit, so a body over it is the gateway's 413
 * (declared length or not). Streamed on, an upstream that stops reading at its own limit hung up
 * mid-body and the client got a 502.
 */
export function passBodiesThrough(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** reply-from options that forward the bytes read by passBodiesThrough with the client's Content-Type. */
export function forwardedBody(request: FastifyRequest): { body?: Buffer; contentType?: string } {
  if (!Buffer.isBuffer(request.body)) return {};
  return { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' };
}

/**
 * The Age of a kept answer (RFC 9111 §5.1), so a client's own max-age does not start over: whole
 * seconds since `storedAt`, never negative.
 */
export function ageHeader(storedAt: number, at: number): string {
  return String(Math.max(0, Math.floor((at - storedAt) / 1000)));
}

/**
 * An upstream answer's whole body, for a cache to keep; undefined when it could not be read (the
 * upstream hung up or stalled mid-body), after answering the client as reply-from's own failures
 * are. The upstream's headers already copied onto the reply go first: its Content-Length would
 * frame the problem wrongly, and its caching directives are not the problem's. reply-from does not
 * await onResponse, so a throw here would be an unhandled rejection.
 */
export async function readUpstreamBody(
  reply: FastifyReply<RouteGenericInterface, RawServerBase>,
  stream: AsyncIterable<unknown>,
  upstreamHeaders: IncomingHttpHeaders,
  name: string,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    for (const header of Object.keys(upstreamHeaders)) reply.removeHeader(header);
    upstreamErrorHandler(name)(reply, { error: error as Error });
    return undefined;
  }
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

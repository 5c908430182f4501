import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { NotFound } from '@mockmart/service-kit';
import { perMinute, requestLimiter } from '../security/rate-limits.ts';
import {
  canonicalProxyPath,
  forwardedBody,
  forwardedHeaders,
  passBodiesThrough,
  upstreamErrorHandler,
  withoutHopByHop,
  withoutRequestHopByHop,
} from './forwarding.ts';

export interface IdpProxyOptions {
  idpUrl: string;
  /** `/auth`: the idp's relative path, which is also the public prefix. */
  prefix: string;
  publicUrl: URL;
  sessionCookieName: string;
  timeoutMs: number;
  /** Credential posts (token endpoint, login form) per client IP per minute. */
  credentialsPerMinute: number;
}

/**
 * `/auth/*` → the idp, so browser and scripts see one origin. The Host header the browser used is
 * kept and X-Forwarded-* describe the public URL, as a reverse proxy in front of Keycloak does;
 * the idp stamps its configured public issuer whatever host it is reached on. The gateway's own
 * session cookie is not forwarded (the idp has its own cookies), and the admin console and the
 * master realm are not published.
 */
export async function idpProxy(app: FastifyInstance, options: IdpProxyOptions): Promise<void> {
  passBodiesThrough(app);
  await app.register(replyFrom, {
    base: options.idpUrl,
    // Its own "fetching from remote server" line would log the full URL, query included.
    disableRequestLogging: true,
    undici: { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connections: 64 },
  });
  // Keycloak's admin API and console, its master realm, and the embedded idp's operator endpoints
  // (token counters, key rotation) are for operators on the internal network, not the internet.
  const blocked = [
    `${options.prefix}/admin`,
    `${options.prefix}/realms/master`,
    `${options.prefix}/idp-admin`,
  ].map((prefix) => prefix.toLowerCase());

  // Password spraying tries one password on many users, which the idp's per-user lockout never
  // sees: every credential post from one client IP counts against one limit, whichever user,
  // realm or client it names. Decided on the canonical path (`%74oken`, `token/` count too).
  const limitCredentials = requestLimiter(
    app,
    perMinute(options.credentialsPerMinute, (request) => `credentials:${request.ip}`),
  );
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'POST') return;
    const path = canonicalProxyPath(request.url).toLowerCase();
    if (CREDENTIAL_PATH.test(path.slice(options.prefix.length))) await limitCredentials(request);
  });

  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    // Decided on the path the idp will route on: `/auth/%61dmin` and `/auth/./admin` are the admin
    // API there (percent-decoding, dot segments), and lower-cased so case tricks cannot slip by.
    const path = canonicalProxyPath(request.url).toLowerCase();
    if (blocked.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
      throw new NotFound('Not published through the gateway');
    }
    return reply.from(request.url, {
      ...forwardedBody(request),
      rewriteRequestHeaders: (original, headers) => {
        const next: Record<string, string | string[] | undefined> = {
          ...withoutRequestHopByHop(headers, original.headers.connection),
          ...forwardedHeaders(request, options.publicUrl),
        };
        next.host = original.headers.host ?? options.publicUrl.host;
        const cookies = withoutCookie(headers.cookie, options.sessionCookieName);
        if (cookies) next.cookie = cookies;
        else delete next.cookie;
        return next;
      },
      rewriteHeaders: (headers) => withoutHopByHop(headers),
      onError: upstreamErrorHandler('identity provider'),
    });
  };
  app.all(options.prefix, handler);
  app.all(`${options.prefix}/*`, handler);
}

/** Below the prefix: the token endpoint (and its introspection) and every login form post. */
const CREDENTIAL_PATH = /^\/realms\/[^/]+\/(protocol\/openid-connect\/token(\/.*)?|login-actions\/.*)$/;

function withoutCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part.split('=')[0] !== name);
  return kept.length > 0 ? kept.join('; ') : undefined;
}

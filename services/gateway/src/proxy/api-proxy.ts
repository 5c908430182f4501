import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { routineRequest, type EarlyAnswer, type EarlyAnswerSource } from '@mockmart/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { AuthorizationInvalid, SessionEnded } from '../errors.ts';
import { assertCsrfToken, assertSameOrigin, isStateChanging } from '../security/csrf.ts';
import { perMinute } from '../security/rate-limits.ts';
import type { SessionContext } from '../session/session-context.ts';
import type { TokenRefresher } from '../session/token-refresh.ts';
import { isAuthenticated, type Session } from '../session/types.ts';
import { createCatalogCache, notModified } from './catalog-cache.ts';
import { clientDirectives, createTokenCache, type TokenCacheEntry } from './token-cache.ts';
import {
  ageHeader,
  canonicalProxyPath,
  cleanApiResponseHeaders,
  forwardedBody,
  forwardedHeaders,
  passBodiesThrough,
  readUpstreamBody,
  upstreamErrorHandler,
  withoutRequestHopByHop,
} from './forwarding.ts';

export interface ApiProxyOptions {
  shopApiUrl: string;
  publicUrl: URL;
  sessions: SessionContext;
  refresher: TokenRefresher;
  checkoutPerMinute: number;
  timeoutMs: number;
  /** Verifies an access token the idp signed (signature, issuer, expiry); rejects otherwise. */
  verifyBearer: (token: string) => Promise<{ subject: string }>;
  now?: () => number;
  /**
   * Kept catalog answers go out before Fastify sees the request (service-kit's early answers), with
   * these headers: what the gateway's hooks add to every answer. Without it they go out from the
   * first hook.
   */
  earlyAnswers?: { add: (source: EarlyAnswerSource) => void; headers: Record<string, string> };
}

// RFC 6750 §2.1 credentials; the auth-scheme is case-insensitive (RFC 9110 §11.1), and one or more
// spaces may follow it — the same rule shop-api's verifier applies (packages/auth http/bearer.ts).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** What the preHandler decided for a request, read by the handler and the rate-limit key. */
interface Decision {
  /** The client's own bearer token, when it sent one. */
  bearer: string | undefined;
  session: Session | undefined;
  /** A catalog read: public in shop-api and the same for everyone, so no session is touched. */
  catalog?: boolean;
}

// shop-api's public catalog reads (GET/HEAD /api/products, /api/products/:id, /api/categories).
const CATALOG_READ = /^\/api\/(?:products(?:\/[^/?]*)?|categories)(?:\?|$)/;
const decisions = new WeakMap<FastifyRequest, Decision>();
/** The proxy's route: what Fastify names a request to shop-api in spans and metrics. */
const API_ROUTE = '/api/*';
/** Anonymous sessions whose cart this request writes to: kept long when shop-api accepts it. */
const cartWrites = new WeakMap<FastifyRequest, Session>();

/** A catalog read without credentials: the same public answer for everyone (no session, no token). */
export function isAnonymousCatalogRead(
  method: string | undefined,
  url: string | undefined,
  authorization: string | undefined,
): boolean {
  return (
    authorization === undefined && (method === 'GET' || method === 'HEAD') && CATALOG_READ.test(url ?? '')
  );
}

/**
 * `/api/*` → shop-api.
 * - `Authorization: Bearer …` from the client (scripts, API clients) passes through untouched and
 *   no cookie session is used for that request; any other Authorization header is refused (400).
 * - Otherwise the cookie session's access token is attached server-side (refreshed ahead of
 *   expiry); the browser never holds it. State-changing calls must be same-origin and, when signed
 *   in, carry the session's X-CSRF-Token.
 * - Anonymous cart calls get a random cart id kept in the session, sent as X-Cart-Id.
 * - Catalog reads are public and the same for everyone: no session is read (no cookie decryption,
 *   no database round trip) and no token attached, so they cost the gateway almost nothing.
 * - Reads whose answer depends on the token alone (shop-api marks them; today the profile) are
 *   kept per token for a short time and served again while the token verifies (token-cache.ts).
 * - Cookies and the CSRF header never reach shop-api; upstream Set-Cookie never reaches the browser.
 */
export async function apiProxy(app: FastifyInstance, options: ApiProxyOptions): Promise<void> {
  const { sessions, refresher } = options;
  const origin = options.publicUrl.origin;
  passBodiesThrough(app);
  await app.register(replyFrom, {
    base: options.shopApiUrl,
    // Its own "fetching from remote server" line would log the full URL, query included.
    disableRequestLogging: true,
    undici: { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connections: 128 },
  });

  const catalogCache = createCatalogCache();
  const tokenCache = createTokenCache(options.verifyBearer, options.now);
  // Fresh kept answers go out before Fastify: the catalog's to anonymous GETs, and those kept for a
  // client's own bearer token (a browser's session token needs the session read: Fastify's way).
  // GET only: a HEAD's answer has no body, and Fastify writes it. Every URL either cache holds was
  // kept from a request that passed the hooks below, so no other URL is ever answered early.
  const early = options.earlyAnswers;
  early?.add((request) => {
    if (request.method !== 'GET') return undefined;
    const authorization = request.headers.authorization;
    if (authorization === undefined)
      return isAnonymousCatalogRead(request.method, request.url, authorization)
        ? catalogCache.answerEarly(request, early.headers, API_ROUTE)
        : undefined;
    const token = BEARER.exec(authorization)?.[1];
    if (!token || clientDirectives(request.headers).fresh) return undefined;
    return tokenCache
      .lookup(request.url ?? '', token)
      ?.then((kept) => kept && keptAnswer(kept, early.headers));
  });
  // Before routing decisions count (the checkout rate limit is on the exact `/api/checkout`
  // route): a path shop-api would read differently (`/api/./checkout`) is refused.
  // A kept public catalog answer goes out at once: nothing later in the chain (session, CSRF, rate
  // limits, the proxy) concerns it, and it is the gateway's most frequent request. A callback hook
  // that answers stops the chain by not calling `done`; an async one would have to return the
  // reply, which Fastify then awaits through stream listeners (measurable at these rates).
  app.addHook('onRequest', (request, reply, done) => {
    try {
      canonicalProxyPath(request.url);
    } catch (error) {
      return done(error as Error);
    }
    const anonymousRead = isAnonymousCatalogRead(request.method, request.url, request.headers.authorization);
    if (anonymousRead && catalogCache.serve(request, reply)) return;
    done();
  });

  app.addHook('preHandler', async (request) => {
    const authorization = request.headers.authorization;
    let bearer: string | undefined;
    if (authorization !== undefined) {
      bearer = BEARER.exec(authorization)?.[1];
      // Basic, a bare scheme, two tokens…: refused rather than dropped, so a client learns its
      // credentials were not used and no variant of the header can stand for a fresh identity.
      if (!bearer)
        throw new AuthorizationInvalid('The Authorization header must be "Bearer <token>"', {
          headers: { 'www-authenticate': 'Bearer error="invalid_request"' },
        });
    }
    if (isAnonymousCatalogRead(request.method, request.url, authorization)) {
      decisions.set(request, { bearer, session: undefined, catalog: true });
      return;
    }
    let session: Session | undefined;
    if (!bearer) {
      session = await sessions.current(request);
      if (isStateChanging(request.method)) {
        assertSameOrigin(request, origin);
        if (isAuthenticated(session)) assertCsrfToken(request, session.data.csrfToken);
      }
    }
    decisions.set(request, { bearer, session });
  });

  // Before the response leaves, so the next request already sees the session's new lifetime and
  // the catalog as the write left it (an edit, a checkout: stock and products may have changed).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (isStateChanging(request.method) && reply.statusCode < 400) catalogCache.clear();
    const session = cartWrites.get(request);
    if (!session || reply.statusCode >= 300) return done(null, payload);
    // A promise, not done() from its callbacks: Fastify settles it and turns a throw in the rest
    // of the send path into an error reply, where a throw inside .then() would go unhandled.
    return sessions.markCartFilled(session).then(() => payload);
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = decisions.get(request) ?? { bearer: undefined, session: undefined };
    if (decision.catalog && catalogCache.serve(request, reply)) return reply;
    const pending = decision.catalog ? catalogCache.inFlight(request.url) : undefined;
    if (pending) {
      await pending;
      if (catalogCache.serve(request, reply)) return reply;
    }
    const extra: Record<string, string> = forwardedHeaders(request, options.publicUrl);
    /** The access token shop-api will see. */
    let token = decision.bearer;
    if (!decision.bearer && !decision.catalog) {
      let session = decision.session;
      if (isAuthenticated(session)) {
        session = await refresher.ensureFresh(session);
        if (!isAuthenticated(session)) {
          await sessions.end(request, reply);
          throw new SessionEnded('Your session has ended; sign in again');
        }
        token = session.secrets.tokens.accessToken;
        extra.authorization = `Bearer ${token}`;
      } else if (isCartPath(request.url) && !session && !isStateChanging(request.method)) {
        // Reading the cart of a visitor who never added anything: an empty cart, and no session
        // row for every crawler that loads the page.
        extra['x-cart-id'] = randomUUID();
      } else if (isCartPath(request.url)) {
        session = await sessions.ensure(request, reply);
        if (!session.data.cartId) {
          session.data.cartId = randomUUID();
          if (!(await sessions.store.save(session)))
            session = (await sessions.store.reload(session)) ?? session;
        }
        if (session.data.cartId) extra['x-cart-id'] = session.data.cartId;
        if (request.method === 'POST' || request.method === 'PUT') cartWrites.set(request, session);
      }
    }
    // A read with a token may be answered from, and kept by, the per-token cache.
    const perToken = request.method === 'GET' ? token : undefined;
    const directives = perToken ? clientDirectives(request.headers) : undefined;
    if (perToken && !directives!.fresh) {
      const kept = await tokenCache.lookup(request.url, perToken);
      if (kept) return sendKept(reply, kept);
    }
    const requestedAt = tokenCache.now();
    const read = decision.catalog && request.method === 'GET' ? catalogCache.begin(request.url) : undefined;
    /** shop-api's own response headers, before the gateway cleans them for the client. */
    let upstreamHeaders: IncomingHttpHeaders | undefined;
    // Whatever becomes of the read (answered, refused, upstream down, client gone), it ends here.
    if (read) reply.raw.once('close', read.end);
    return reply.from(request.url, {
      ...forwardedBody(request),
      rewriteRequestHeaders: (original, headers) => {
        const next: Record<string, string | string[] | undefined> = {
          ...withoutRequestHopByHop(headers, original.headers.connection),
          ...extra,
        };
        delete next.cookie;
        delete next['x-csrf-token'];
        // A read the cache keeps asks for the whole answer: a 304 to one visitor's condition would
        // leave nothing to keep, and every later reader would go to shop-api again.
        if (read) {
          delete next['if-none-match'];
          delete next['if-modified-since'];
        }
        return next;
      },
      rewriteHeaders: (headers) => {
        upstreamHeaders = headers;
        return cleanApiResponseHeaders(headers);
      },
      onError: upstreamErrorHandler('shop-api'),
      ...(perToken && directives!.store
        ? {
            onResponse: async (_request, upstreamReply, response) => {
              if (!upstreamHeaders || !tokenCache.keeps(response.statusCode, upstreamHeaders))
                return upstreamReply.send(response.stream);
              const body = await readUpstreamBody(
                upstreamReply,
                response.stream,
                upstreamHeaders,
                'shop-api',
              );
              if (!body) return;
              tokenCache.keep(request.url, perToken, requestedAt, upstreamHeaders, body);
              return upstreamReply.send(body);
            },
          }
        : {}),
      ...(read
        ? {
            onResponse: async (_request, catalogReply, response) => {
              const body = await readUpstreamBody(
                catalogReply,
                response.stream,
                upstreamHeaders ?? {},
                'shop-api',
              );
              if (!body) return;
              const headers = catalogReply.getHeaders();
              read!.store(response.statusCode, headers, body);
              read!.end();
              // The visitor's own condition, answered here.
              if (response.statusCode === 200 && notModified(request.headers, headers.etag))
                catalogReply.code(304).send();
              else catalogReply.send(body);
            },
          }
        : {}),
    });
  };

  /** A kept per-token answer (token-cache.ts), with its age. */
  function sendKept(reply: FastifyReply, kept: TokenCacheEntry): FastifyReply {
    routineRequest(reply.request);
    return reply
      .headers(kept.headers)
      .header('age', ageHeader(kept.storedAt, tokenCache.now()))
      .send(kept.body);
  }

  /** The same answer given early, with the headers the gateway's hooks would add. */
  function keptAnswer(kept: TokenCacheEntry, headers: Record<string, string>): EarlyAnswer {
    return {
      route: API_ROUTE,
      status: 200,
      headers: {
        ...headers,
        ...kept.headers,
        age: ageHeader(kept.storedAt, tokenCache.now()),
        'content-length': String(kept.body.length),
      },
      body: kept.body,
    };
  }

  /**
   * Whose budget a checkout spends: the user's, whichever session, replica or token carries them
   * (a verified bearer token's subject, a signed-in session's user); otherwise the client address.
   * An unverifiable token is keyed on the address (shop-api refuses it anyway).
   */
  async function checkoutLimitKey(request: FastifyRequest): Promise<string> {
    const decision = decisions.get(request);
    const subject = decision?.bearer
      ? await options.verifyBearer(decision.bearer).then(
          (principal) => principal.subject,
          () => undefined,
        )
      : isAuthenticated(decision?.session)
        ? (decision.session.sub ?? decision.session.secrets.user.id)
        : undefined;
    return subject ? `user:${subject}` : `ip:${request.ip}`;
  }

  app.all('/api', handler);
  app.all(API_ROUTE, handler);
  app.post('/api/checkout', {
    config: {
      rateLimit: perMinute(options.checkoutPerMinute, (request) => checkoutLimitKey(request)),
    },
    handler,
  });
}

function isCartPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/api/cart' || path.startsWith('/api/cart/');
}

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { type FastifyRateLimitStore, type RateLimitOptions } from '@fastify/rate-limit';
import type { Queryable } from '@mockmart/service-kit/db';
import { RateLimited } from '../errors.ts';

export interface RateLimitStoreOptions {
  db: Queryable;
  now?: () => number;
}

/**
 * Rate limits (OWASP API4/API6) on the flows worth abusing: starting logins, posting credentials,
 * creating anonymous sessions and placing orders.
 * Counters live in the gateway's PostgreSQL database (gateway_rate_limits), so every replica
 * counts against the same budget. The limit runs as a preHandler so the checkout key can be the
 * signed-in user rather than anything the client chooses.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: RateLimitStoreOptions,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    store: postgresRateLimitStore(options),
    errorResponseBuilder: (_request, context) => rateLimited(context.max, context.ttl),
  });
}

function rateLimited(max: number, ttlMs: number) {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return new RateLimited(`Rate limit of ${max} per minute reached; retry in ${seconds} s`, {
    headers: { 'retry-after': String(seconds) },
  });
}

export function perMinute(
  max: number,
  keyGenerator: (request: FastifyRequest) => string | Promise<string>,
): RateLimitOptions {
  return { max, timeWindow: 60_000, keyGenerator };
}

/**
 * A limit the caller applies to the events it picks rather than to a route: the idp proxy counts
 * its credential posts (decided on the canonical path), the session context the anonymous
 * sessions it is about to create. The registered store applies; past the limit it throws 429.
 */
export function requestLimiter(
  app: FastifyInstance,
  options: RateLimitOptions,
): (request: FastifyRequest) => Promise<void> {
  const check = app.createRateLimit(options);
  return async (request) => {
    const result = await check(request);
    if (!result.isAllowed && result.isExceeded) throw rateLimited(result.max, result.ttl);
  };
}

/**
 * A @fastify/rate-limit store over PostgreSQL with fixed windows: one upsert per hit answers the
 * window's count. Keys are stored hashed (they name users and client addresses). Each route counts
 * on its own (the route is part of the key). A fixed window lets a client spend up to twice the
 * limit across a window boundary, which these limits tolerate.
 */
function postgresRateLimitStore({ db, now = Date.now }: RateLimitStoreOptions) {
  function storeFor(route: string): FastifyRateLimitStore {
    return {
      incr(key, callback, timeWindow) {
        const at = now();
        const windowStart = Math.floor(at / timeWindow) * timeWindow;
        const keyHash = createHash('sha256').update(`${route}\n${key}`).digest('base64url');
        db.query<{ hits: number }>(
          `INSERT INTO gateway_rate_limits (key_hash, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (key_hash, window_start) DO UPDATE SET hits = gateway_rate_limits.hits + 1
           RETURNING hits`,
          [keyHash, new Date(windowStart)],
        ).then(
          ({ rows }) => callback(null, { current: rows[0]?.hits ?? 1, ttl: windowStart + timeWindow - at }),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
      child(params) {
        // Per-route settings carry the route (limits made with createRateLimit carry none, and
        // count apart through their key).
        const { routeInfo } = params as { routeInfo?: { method?: unknown; url?: unknown } };
        return storeFor(`${String(routeInfo?.method ?? '')} ${String(routeInfo?.url ?? '')}`);
      },
    };
  }
  return class {
    constructor() {
      return storeFor('global');
    }
  } as unknown as new () => FastifyRateLimitStore;
}

/** Drops counters of windows that ended before `before` (run with the session purge). */
export async function purgeRateLimitWindows(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM gateway_rate_limits WHERE window_start < $1', [before]);
  return rowCount;
}

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
 * A @fastify/rate-limit store over PostgreSQL: one upsert per hit answers the count of the key's
 * current window, which starts at its first hit (as the plugin's in-memory store) and restarts with
 * the first hit after it ends. Keys are stored hashed (they name users and client addresses). Each
 * route counts on its own (the route is part of the key).
 */
function postgresRateLimitStore({ db, now = Date.now }: RateLimitStoreOptions) {
  function storeFor(route: string): FastifyRateLimitStore {
    return {
      incr(key, callback, timeWindow) {
        const at = now();
        const keyHash = createHash('sha256').update(`${route}\n${key}`).digest('base64url');
        // SET reads the row as it was: an ended window restarts at this hit with a count of 1.
        db.query<{ hits: number; window_start: Date }>(
          `INSERT INTO gateway_rate_limits AS counter (key_hash, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (key_hash) DO UPDATE SET
             hits = CASE WHEN counter.window_start <= $3 THEN 1 ELSE counter.hits + 1 END,
             window_start = CASE WHEN counter.window_start <= $3 THEN $2 ELSE counter.window_start END
           RETURNING hits, window_start`,
          [keyHash, new Date(at), new Date(at - timeWindow)],
        ).then(
          ({ rows }) => {
            const row = rows[0]!;
            callback(null, { current: row.hits, ttl: row.window_start.getTime() + timeWindow - at });
          },
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

/** Drops counters whose window started before `before` (run with the session purge). */
export async function purgeRateLimitWindows(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM gateway_rate_limits WHERE window_start < $1', [before]);
  return rowCount;
}

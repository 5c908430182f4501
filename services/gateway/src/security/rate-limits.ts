import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import { RateLimited } from '../errors.ts';

/**
 * Rate limits (OWASP API4/API6) on the flows worth abusing: starting logins, posting credentials
 * and placing orders.
 * Counters are in process memory, so with N replicas the effective limit is N × the configured
 * one; a shared store (Redis/PostgreSQL) is the next step if that matters. The limit runs as a
 * preHandler so the checkout key can be the loaded session rather than a client-chosen cookie.
 */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
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

import type { FastifyInstance } from 'fastify';
import { AnonymousSessionsFull } from '../errors.ts';
import { perMinute, requestLimiter } from '../security/rate-limits.ts';
import type { AdmitAnonymousSession } from './session-context.ts';
import type { SessionStore } from './session-store.ts';

export interface AnonymousAdmissionOptions {
  store: SessionStore;
  /** New anonymous sessions one client IP may create per minute. */
  perIpPerMinute: number;
  /** Live anonymous sessions at most, all replicas together (counted in the database). */
  max: number;
}

/** How long a visitor refused for the total cap should wait: empty sessions end within minutes. */
const FULL_RETRY_AFTER_SECONDS = 60;

/**
 * Every cookie-less add-to-cart (and every login start) creates a session row; without a bound a
 * script could add rows as fast as it can send requests. A client IP may create `perIpPerMinute`
 * of them (429), and past `max` live ones nobody may create another (503 + Retry-After) until
 * some expire. Signed-in users, and visitors who already have a session, are never refused here.
 */
export function createAnonymousAdmission(
  app: FastifyInstance,
  options: AnonymousAdmissionOptions,
): AdmitAnonymousSession {
  const perIp = requestLimiter(
    app,
    perMinute(options.perIpPerMinute, (request) => `anonymous-session:${request.ip}`),
  );
  return async (request) => {
    await perIp(request);
    if ((await options.store.countAnonymous()) >= options.max) {
      request.log.warn({ max: options.max }, 'anonymous session cap reached');
      throw new AnonymousSessionsFull(
        'The shop cannot keep a cart for more visitors right now; sign in or retry',
        {
          headers: { 'retry-after': String(FULL_RETRY_AFTER_SECONDS) },
        },
      );
    }
  };
}

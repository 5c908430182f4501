import type { FastifyReply } from 'fastify';
import { DeadlineExceeded } from '../errors.ts';

/**
 * Below this much time left, work is not started: even a short transaction and the answer's trip
 * back would arrive after the caller stopped listening.
 */
export const MIN_REMAINING_MS = 50;

/**
 * Milliseconds the caller will still wait for this answer, from what it sent
 * (`@mockmart/service-kit/http-client` sends both): `x-request-timeout-ms`, the budget of this
 * attempt counted from its arrival (immune to clock skew between hosts), and `x-request-deadline`,
 * the epoch ms at which the whole call, retries included, gives up. Undefined when neither came.
 */
export function remainingMs(reply: FastifyReply, now: number = Date.now()): number | undefined {
  const budget = Number(reply.request.headers['x-request-timeout-ms']);
  const deadline = Number(reply.request.headers['x-request-deadline']);
  const left = [
    ...(Number.isFinite(budget) && budget > 0 ? [budget - reply.elapsedTime] : []),
    ...(Number.isFinite(deadline) && deadline > 0 ? [deadline - now] : []),
  ];
  return left.length > 0 ? Math.min(...left) : undefined;
}

/**
 * Refuses to start work whose answer can no longer reach the caller in time (504
 * `INV_DEADLINE_EXCEEDED`). A commit done after its caller gave up is exactly what leaves the
 * caller in doubt; not doing it keeps the reservation as the caller last knew it.
 */
export function assertCallerStillWaiting(reply: FastifyReply): void {
  const left = remainingMs(reply);
  if (left !== undefined && left < MIN_REMAINING_MS)
    throw new DeadlineExceeded(
      `The caller's deadline leaves ${Math.max(0, Math.round(left))} ms; not started`,
    );
}

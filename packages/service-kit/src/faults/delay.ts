import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';

/** Longest delay a fault may add, so a forgotten switch can never hang a request for ever. */
export const MAX_FAULT_DELAY_MS = 30_000;

/** Waits `ms`, bounded by `maxMs`, ending early when `signal` aborts (the caller went away). */
export async function injectDelay(
  ms: number,
  maxMs: number = MAX_FAULT_DELAY_MS,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await sleep(Math.min(Math.max(ms, 0), maxMs), undefined, { signal });
  } catch {
    // Aborted: the caller disconnected, there is nobody left to be slow for.
  }
}

/**
 * Aborts when the caller hangs up before the answer is written. (`request.signal` is unsuitable:
 * it follows the request stream, which closes as soon as the body has been read.)
 */
export function callerGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

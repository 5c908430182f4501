export interface RetryOptions {
  /** Total attempts including the first. Default 4. */
  maxAttempts?: number;
  /** Base of the exponential backoff. Default 200 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff sleep. Default 5 s. */
  maxDelayMs?: number;
  /** Give up when the next sleep would pass this budget since the first attempt. Default 15 s. */
  maxTotalMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    maxTotalMs: options.maxTotalMs ?? 15_000,
  };
}

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff and Jitter): sleep = random(0, min(cap,
 * base·2^attempt)). A server's Retry-After wins when it is longer than that.
 */
export function backoffDelay(
  attempt: number,
  retry: ResolvedRetry,
  random: () => number,
  retryAfterMs?: number,
): number {
  const jittered = Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

import { UpstreamUnavailable } from '../errors.ts';
import { backoffDelay, parseRetryAfter } from './backoff.ts';

export { backoffDelay, parseRetryAfter };

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export interface HttpClientOptions {
  name: string;
  baseUrl: string;
  /** A fetch to call through: the token provider's fetchFor() attaches the service token. */
  fetch?: typeof fetch;
  /** Bound on one attempt, connect included. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Makes a POST/PATCH retryable: the server deduplicates by this key. */
  idempotencyKey?: string;
  /** Epoch ms after which the call as a whole gives up; sent downstream as x-request-deadline. */
  deadline?: number;
  signal?: AbortSignal;
}

export interface HttpResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/**
 * A small client for calls between services: per-attempt timeouts, an overall deadline, and
 * retries only where repeating is safe (idempotent methods or an Idempotency-Key). Non-2xx answers
 * are returned, not thrown; only "could not get an answer" throws (UpstreamUnavailable, 503).
 */
export function createHttpClient(options: HttpClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const policy: RetryPolicy = { attempts: 3, baseMs: 100, capMs: 2000, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;

  async function request<Body = unknown>(req: HttpRequest): Promise<HttpResponse<Body>> {
    const retryable = IDEMPOTENT.has(req.method) || req.idempotencyKey !== undefined;
    const attempts = retryable ? policy.attempts : 1;
    const url = buildUrl(options.baseUrl, req.path, req.query);
    let lastFailure = 'no attempt made';

    for (let attempt = 0; attempt < attempts; attempt++) {
      const remaining = req.deadline === undefined ? timeoutMs : Math.min(timeoutMs, req.deadline - now());
      if (remaining <= 0) {
        lastFailure = 'deadline exceeded';
        break;
      }
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
      if (req.deadline !== undefined) headers['x-request-deadline'] = String(req.deadline);
      const signal = req.signal
        ? AbortSignal.any([req.signal, AbortSignal.timeout(remaining)])
        : AbortSignal.timeout(remaining);

      let retryAfterMs: number | undefined;
      try {
        const response = await doFetch(url, {
          method: req.method,
          headers,
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal,
        });
        if (!(retryable && RETRYABLE_STATUS.has(response.status) && attempt < attempts - 1)) {
          return {
            status: response.status,
            headers: response.headers,
            body: (await readBody(response)) as Body,
          };
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
        lastFailure = `HTTP ${response.status}`;
        await response.body?.cancel();
      } catch (error) {
        if (req.signal?.aborted) throw error;
        lastFailure =
          (error as Error).name === 'TimeoutError' ? `timed out after ${remaining} ms` : 'connection failed';
      }
      if (attempt < attempts - 1) {
        const delay = Math.min(
          retryAfterMs ?? backoffDelay(attempt, policy.baseMs, policy.capMs, options.random),
          policy.capMs,
        );
        if (req.deadline !== undefined && now() + delay >= req.deadline) break;
        await sleep(delay);
      }
    }
    throw new UpstreamUnavailable(
      `${options.name} did not answer ${req.method} ${req.path}: ${lastFailure}`,
      {
        headers: { 'retry-after': '5' },
        extensions: { upstream: options.name },
      },
    );
  }

  return { request, name: options.name };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

function buildUrl(base: string, path: string, query: HttpRequest['query']): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  if (path.startsWith('/')) url.pathname = new URL(base).pathname.replace(/\/$/, '') + path;
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

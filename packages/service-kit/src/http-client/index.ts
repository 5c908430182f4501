import { Agent, request as send, type Dispatcher } from 'undici';
import { UpstreamUnavailable } from '../errors.ts';
import { backoffDelay, parseRetryAfter } from './backoff.ts';

export { backoffDelay, parseRetryAfter };

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

/**
 * Where the client's bearer token comes from: the auth library's `tokens.bearerFor({ scope })`.
 * A 401 from the downstream (token revoked, keys rotated) invalidates the token and the call is
 * sent once more with a fresh one, inside the same attempt.
 */
export interface BearerSource {
  token(): Promise<string>;
  invalidate(token: string): void;
}

export interface HttpClientOptions {
  name: string;
  baseUrl: string;
  /** Attaches `Authorization: Bearer <token>` to every call. */
  bearer?: BearerSource;
  /** Bound on one attempt, connect included. */
  timeoutMs?: number;
  /**
   * Bound on opening the TCP connection, well below timeoutMs: a peer that does not even accept
   * (host down, SYNs dropped) is known within this, not after the whole request timeout.
   * Default min(2000, timeoutMs).
   */
  connectTimeoutMs?: number;
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
  /** Lower-case names, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Body;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/**
 * A small client for calls between services: per-attempt timeouts, an overall deadline, and
 * retries only where repeating is safe (idempotent methods or an Idempotency-Key). Non-2xx answers
 * are returned, not thrown; only "could not get an answer" throws (UpstreamUnavailable, 503).
 *
 * Calls go through undici's own request API, not WHATWG fetch: fetch builds Request, Headers,
 * web streams and a DOMException-backed signal per call, which measured ≈ 3.5× the CPU of a
 * request/answer exchange here (bench/README.md "Checkout, sixth round"), and every checkout makes
 * four or five of these calls.
 */
export function createHttpClient(options: HttpClientOptions) {
  const policy: RetryPolicy = { attempts: 3, baseMs: 100, capMs: 2000, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const connectTimeoutMs = options.connectTimeoutMs ?? Math.min(2000, timeoutMs);
  const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs } });

  /**
   * One exchange; with a bearer, a 401 is answered by one more exchange with a fresh token, told
   * the time this attempt has left by then.
   */
  async function exchange(url: string, init: SendOptions, endsAt: number): Promise<Dispatcher.ResponseData> {
    const bearer = options.bearer;
    if (!bearer) return sendUntilAborted(url, init);
    const token = await bearer.token();
    const first = await sendUntilAborted(url, withBearer(init, token));
    if (first.statusCode !== 401) return first;
    await first.body.dump();
    bearer.invalidate(token);
    const timeLeft = { 'x-request-timeout-ms': String(Math.max(1, endsAt - now())) };
    return sendUntilAborted(url, withBearer(init, await bearer.token(), timeLeft));
  }

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
      // How long this attempt waits, relative (no clock shared with the server needed): the server
      // can skip work whose answer nobody would receive.
      headers['x-request-timeout-ms'] = String(remaining);
      const signal = req.signal
        ? AbortSignal.any([req.signal, AbortSignal.timeout(remaining)])
        : AbortSignal.timeout(remaining);

      let retryAfterMs: number | undefined;
      try {
        const response = await exchange(
          url,
          {
            method: req.method,
            headers,
            body: req.body === undefined ? null : JSON.stringify(req.body),
            signal,
            dispatcher,
          },
          now() + remaining,
        );
        const status = response.statusCode;
        const retrying = retryable && RETRYABLE_STATUS.has(status) && attempt < attempts - 1;
        retryAfterMs = retrying
          ? parseRetryAfter(headerOf(response.headers, 'retry-after'), now())
          : undefined;
        // The upstream asked for more patience than the backoff cap allows: waiting less would be
        // refused again (and adds to its overload), so wait only when the deadline has room for
        // it; otherwise give up now and hand back its answer, Retry-After included.
        const tooLong =
          retryAfterMs !== undefined &&
          retryAfterMs > policy.capMs &&
          !(req.deadline !== undefined && now() + retryAfterMs < req.deadline);
        if (!retrying || tooLong) {
          return { status, headers: response.headers, body: (await readBody(response)) as Body };
        }
        lastFailure = `HTTP ${status}`;
        await response.body.dump();
      } catch (error) {
        if (req.signal?.aborted) throw error;
        lastFailure = failureOf(error, remaining, connectTimeoutMs);
      }
      if (attempt < attempts - 1) {
        const delay = retryAfterMs ?? backoffDelay(attempt, policy.baseMs, policy.capMs, options.random);
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

type SendOptions = { dispatcher: Dispatcher; signal: AbortSignal } & Omit<
  Dispatcher.RequestOptions,
  'origin' | 'path' | 'signal'
>;

/** The bearer replaces any Authorization the caller set, whatever its case; `also` overrides too. */
function withBearer(init: SendOptions, token: string, also: Record<string, string> = {}): SendOptions {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers as Record<string, string>))
    if (name.toLowerCase() !== 'authorization') headers[name] = value;
  return { ...init, headers: { ...headers, ...also, authorization: `Bearer ${token}` } };
}

/**
 * undici acts on an abort only once the request is on a socket: while a connection is still being
 * opened it waits for the connect timeout. The attempt's signal (its time budget, the caller's
 * abort) must end it at once, as fetch did, so the exchange is raced against it; an answer that
 * arrives after losing the race is drained.
 */
function sendUntilAborted(url: string, init: SendOptions): Promise<Dispatcher.ResponseData> {
  const { signal } = init;
  const sent = send(url, init);
  const drainLate = () =>
    void sent.then(
      (late) => late.body.dump(),
      () => undefined,
    );
  if (signal.aborted) {
    drainLate();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
      drainLate();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    sent.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function headerOf(headers: HttpResponse['headers'], name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function failureOf(error: unknown, remaining: number, connectTimeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `timed out after ${remaining} ms`;
  if ((error as { code?: string }).code === 'UND_ERR_CONNECT_TIMEOUT')
    return `connect timed out after ${connectTimeoutMs} ms`;
  return 'connection failed';
}

function buildUrl(base: string, path: string, query: HttpRequest['query']): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  if (path.startsWith('/')) url.pathname = new URL(base).pathname.replace(/\/$/, '') + path;
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

async function readBody(response: Dispatcher.ResponseData): Promise<unknown> {
  const text = await response.body.text();
  if (!text) return undefined;
  const type = headerOf(response.headers, 'content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

import type { Static, TSchema } from '@sinclair/typebox';
import { DependencyUnavailable, UpstreamRejected } from '../errors.ts';
import type { AppError } from '@mockmart/service-kit';
import { firstMismatch, fits } from '../lib/schema-check.ts';

/**
 * The outbound HTTP client shape shop-api relies on (created with
 * `createHttpClient` from @mockmart/service-kit/http-client): non-2xx answers are returned, network
 * errors and timeouts throw after the client's own retries.
 */
export interface DownstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** epoch ms bounding the whole call including retries */
  deadline?: number;
}

export interface DownstreamResponse {
  status: number;
  body: unknown;
}

export interface DownstreamHttp {
  request(request: DownstreamRequest): Promise<DownstreamResponse>;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function problemCode(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string'
    ? (body as { code: string }).code
    : undefined;
}

/**
 * A downstream answer the contract does not allow for this call. 5xx/429 (after the client's own
 * retries) mean the service is unavailable → 503; anything else (401/403: our service account is
 * misconfigured in the realm; 400: a bug) → 502. Details stay in the log: 5xx bodies are masked.
 */
export function unexpectedResponse(
  service: string,
  operation: string,
  status: number,
  body: unknown,
): AppError {
  const detail = `${service} ${operation} answered HTTP ${status}${problemCode(body) ? ` ${problemCode(body)}` : ''}`;
  if (status >= 500 || status === 429)
    return new DependencyUnavailable(detail, {
      headers: { 'retry-after': '5' },
      extensions: { upstream: service },
    });
  return new UpstreamRejected(detail, { extensions: { upstream: service } });
}

/**
 * A downstream answer's body as its contract describes it, checked before shop-api acts on it. An
 * answer outside the contract (a bug, two versions deployed side by side, something else listening
 * on that port) is a 502 naming the first mismatch in the log, never a charge id or a stock figure
 * made of whatever arrived. On the money path a throw means "outcome unknown", which the saga
 * settles by asking (a charge is voided, a commit is looked up), never by guessing.
 */
export function contractBody<T extends TSchema>(
  schema: T,
  body: unknown,
  service: string,
  operation: string,
): Static<T> {
  if (fits(schema, body)) return body;
  throw new UpstreamRejected(
    `${service} ${operation} answered outside its contract (${firstMismatch(schema, body)})`,
    { extensions: { upstream: service } },
  );
}

import type { AuthError } from '../errors.ts';
import { activeTraceId } from '../lib/telemetry.ts';

export interface AuthProblemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: {
    readonly type: string;
    readonly title: string;
    readonly status: number;
    readonly detail: string;
    readonly code: string;
    readonly instance?: string;
    readonly traceId?: string;
  };
}

// Public descriptions are generic on purpose: the precise reason is in the log and the span.
const PUBLIC: Record<number, { title: string; detail: string; error?: string }> = {
  400: {
    title: 'Bad Request',
    detail: 'The Authorization header must be "Bearer <token>".',
    error: 'invalid_request',
  },
  401: { title: 'Unauthorized', detail: 'A valid bearer access token is required.', error: 'invalid_token' },
  403: {
    title: 'Forbidden',
    detail: 'The access token does not grant the role or scope this operation requires.',
    error: 'insufficient_scope',
  },
  503: {
    title: 'Service Unavailable',
    detail: 'The identity provider is temporarily unavailable. Retry later.',
  },
};

/**
 * RFC 9457 problem+json plus the RFC 6750 challenge for an AuthError. Adapters send exactly this.
 * `WWW-Authenticate` values use only quoted constants (no token, no reason), so no escaping issue.
 */
export function authProblem(error: AuthError, realm: string, instance?: string): AuthProblemResponse {
  const status =
    error.status === 401 || error.status === 403 || error.status === 400 || error.status === 503
      ? error.status
      : 500;
  const pub = PUBLIC[status] ?? {
    title: 'Internal Server Error',
    detail: 'Authentication failed due to a server error.',
  };
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (error.code === 'AUTH_TOKEN_MISSING') {
    headers['www-authenticate'] = `Bearer realm="${realm}"`;
  } else if (pub.error) {
    const scope =
      status === 403 && error.requiredScopes?.length ? `, scope="${error.requiredScopes.join(' ')}"` : '';
    headers['www-authenticate'] =
      `Bearer realm="${realm}", error="${pub.error}", error_description="${pub.detail.replace(/"/g, "'")}"${scope}`;
  }
  if (status === 503) headers['retry-after'] = String(error.retryAfterSec ?? 10);
  const traceId = activeTraceId();
  const code = status === 500 ? 'AUTH_INTERNAL' : error.code;
  const detail =
    error.code === 'AUTH_TOKEN_MISSING' ? 'This operation requires a bearer access token.' : pub.detail;
  return {
    status,
    headers,
    body: {
      type: `https://mockmart.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: pub.title,
      status,
      detail,
      code,
      ...(instance ? { instance } : {}),
      ...(traceId ? { traceId } : {}),
    },
  };
}

/**
 * Stable error codes of @mockmart/auth. A shipped code is never renamed.
 *
 * `code` is public (it goes into problem+json bodies); `reason` and `detail` are internal: they go
 * to logs and spans only, because they may name issuers, audiences or claim values that help an
 * attacker tune a forged token. Tokens and secrets never appear in any of them.
 */
export const AUTH_ERROR_CODES = {
  /** 401, no error attribute in the challenge (RFC 6750 §3.1): no bearer token was sent. */
  AUTH_TOKEN_MISSING: 401,
  /** 400 `invalid_request`: the Authorization header is malformed or not a Bearer header. */
  AUTH_INVALID_REQUEST: 400,
  /** 401 `invalid_token`: the token failed verification (see `reason`). */
  AUTH_TOKEN_INVALID: 401,
  /** 403 `insufficient_scope`: valid token, but the route's role/scope requirement is not met. */
  AUTH_INSUFFICIENT_SCOPE: 403,
  /** 503 + Retry-After: keys (or introspection) unreachable and nothing usable cached. */
  AUTH_IDP_UNAVAILABLE: 503,
  /** Start-up check: the IdP's discovery `issuer` differs from the configured public issuer. */
  AUTH_ISSUER_MISMATCH: 500,
  /** Programmer error: invalid options, thrown at construction. */
  AUTH_CONFIG_INVALID: 500,
  /** Programmer error: a Fastify route was registered without `config.auth`. */
  AUTH_ROUTE_UNPROTECTED: 500,
  /** Token provider: the token endpoint refused the request (4xx such as invalid_client); not retried. */
  AUTH_TOKEN_REQUEST_REJECTED: 502,
  /** Token provider: retries exhausted (network errors, 5xx, 429). */
  AUTH_TOKEN_ENDPOINT_UNAVAILABLE: 503,
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERROR_CODES;

/** Internal, log-only reasons for AUTH_TOKEN_INVALID / AUTH_IDP_UNAVAILABLE / AUTH_INSUFFICIENT_SCOPE. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed_header'
  | 'too_large'
  | 'malformed'
  | 'alg_not_allowed'
  | 'forbidden_header'
  | 'kid_unknown'
  | 'signature'
  | 'iss_mismatch'
  | 'aud_mismatch'
  | 'azp_not_allowed'
  | 'expired'
  | 'not_yet_valid'
  | 'iat_invalid'
  | 'iat_in_future'
  | 'missing_claim'
  | 'typ_mismatch'
  | 'token_bound'
  | 'inactive'
  | 'jwks_unavailable'
  | 'introspection_unavailable'
  | 'forbidden';

export interface AuthErrorOptions {
  reason?: AuthFailureReason;
  /** Internal detail for logs, e.g. `iss_mismatch expected=… actual=…`. Never a token. */
  detail?: string;
  /** Seconds for the Retry-After header (503 only). */
  retryAfterSec?: number;
  /** Scopes the route wanted, for the `scope` attribute of an insufficient_scope challenge. */
  requiredScopes?: readonly string[];
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly reason: AuthFailureReason | undefined;
  readonly detail: string | undefined;
  readonly retryAfterSec: number | undefined;
  readonly requiredScopes: readonly string[] | undefined;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.status = AUTH_ERROR_CODES[code];
    this.reason = options.reason;
    this.detail = options.detail;
    this.retryAfterSec = options.retryAfterSec;
    this.requiredScopes = options.requiredScopes;
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

export function invalidToken(reason: AuthFailureReason, detail?: string, cause?: unknown): AuthError {
  return new AuthError('AUTH_TOKEN_INVALID', `access token rejected: ${detail ?? reason}`, {
    reason,
    detail: detail ?? reason,
    cause,
  });
}

export function configError(message: string): AuthError {
  return new AuthError('AUTH_CONFIG_INVALID', message);
}

import { defineError } from '@mockmart/service-kit';

/**
 * Every error the gateway answers on purpose. Codes are stable (docs/errors.md); a shipped code is
 * never renamed. Details never carry tokens, cookies or upstream internals.
 */
export const CsrfRejected = defineError('GW_CSRF', 403, 'Cross-site request refused');
export const SessionEnded = defineError('GW_SESSION_ENDED', 401, 'Session ended');
export const ReturnToInvalid = defineError('GW_RETURN_TO_INVALID', 400, 'Invalid returnTo');
export const LoginStateInvalid = defineError('GW_LOGIN_STATE_INVALID', 400, 'Login could not be completed');
export const LoginFailed = defineError('GW_LOGIN_FAILED', 400, 'Login failed at the identity provider');
export const IdpUnavailable = defineError('GW_IDP_UNAVAILABLE', 503, 'Identity provider unavailable');
export const UpstreamUnavailable = defineError(
  'GW_UPSTREAM_UNAVAILABLE',
  502,
  'Upstream service unavailable',
);
export const UpstreamTimeout = defineError('GW_UPSTREAM_TIMEOUT', 504, 'Upstream service timed out');
export const LogoutTokenInvalid = defineError('GW_LOGOUT_TOKEN_INVALID', 400, 'Invalid logout token');
export const AuthorizationInvalid = defineError(
  'GW_AUTHORIZATION_INVALID',
  400,
  'Malformed Authorization header',
);
export const RateLimited = defineError('GW_RATE_LIMITED', 429, 'Too many requests');
export const AnonymousSessionsFull = defineError(
  'GW_ANONYMOUS_SESSIONS_FULL',
  503,
  'Too many visitors without an account right now',
);

/** Seconds a client should wait before retrying when the idp is down. */
export const IDP_RETRY_AFTER_SECONDS = 5;

export function idpUnavailable(detail: string, cause?: unknown) {
  return new IdpUnavailable(detail, { headers: { 'retry-after': String(IDP_RETRY_AFTER_SECONDS) }, cause });
}

import { AuthError } from '../errors.ts';
import type { AuthRequirement } from '../guards/guards.ts';
import { authorize, isGuard } from '../guards/guards.ts';
import { annotateActiveSpan } from '../lib/telemetry.ts';
import type { Principal } from '../principal/principal.ts';
import type { AccessTokenVerifier } from '../verify/verify-access-token.ts';
import { extractBearerToken } from './bearer.ts';

/**
 * The framework-free request step both adapters call: extract, verify, authorize.
 * - 'public': a token is optional; a valid one yields a principal, anything else yields undefined.
 * - a guard: no token → AUTH_TOKEN_MISSING; bad token → AUTH_TOKEN_INVALID; guard fails → AUTH_INSUFFICIENT_SCOPE.
 */
export async function authenticateRequest(
  verifier: AccessTokenVerifier,
  authorization: string | string[] | undefined,
  requirement: AuthRequirement,
): Promise<Principal | undefined> {
  if (requirement === 'public') {
    try {
      const token = extractBearerToken(authorization);
      return token === undefined ? undefined : await verifier.verify(token);
    } catch {
      return undefined; // already logged by the verifier; a public route does not depend on it
    }
  }
  const token = extractBearerToken(authorization);
  if (token === undefined)
    throw new AuthError('AUTH_TOKEN_MISSING', 'no bearer token', { reason: 'missing' });
  const principal = await verifier.verify(token, { introspect: requirement.introspect === true });
  try {
    authorize(principal, requirement);
  } catch (error) {
    const authError = error as AuthError;
    verifier.options.logger.info(
      { code: authError.code, reason: authError.reason, detail: authError.detail },
      'access denied',
    );
    annotateActiveSpan('auth.authorize.denied', {
      'auth.outcome': 'forbidden',
      'auth.code': authError.code,
      'auth.detail': authError.detail,
    });
    throw error;
  }
  return principal;
}

/** Validates a route's declared requirement at registration time (programmer error → throw). */
export function assertRequirement(value: unknown, where: string): AuthRequirement {
  if (value === 'public' || isGuard(value)) return value;
  if (value === undefined) {
    throw new AuthError(
      'AUTH_ROUTE_UNPROTECTED',
      `${where} declares no auth requirement: set config.auth to a guard (requireUser(), requireServiceAccount(...), …) or to 'public'`,
    );
  }
  throw new AuthError(
    'AUTH_CONFIG_INVALID',
    `${where}: config.auth must be 'public' or a guard from @mockmart/auth, got ${typeof value}`,
  );
}

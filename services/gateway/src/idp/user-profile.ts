import { decodeJwt } from 'jose';
import { parseBooleanClaim } from '@mockmart/auth';
import type { SessionUser } from '../session/types.ts';

/**
 * The profile the UI sees, from the validated ID token claims and the access token's roles.
 * The access token is only decoded, not verified: it came straight from the token endpoint over
 * the back channel, and the roles here drive what the UI shows, never what is allowed —
 * shop-api verifies the token and enforces every permission itself.
 */
export function userFromTokens(
  idTokenClaims: Record<string, unknown> | undefined,
  accessToken: string,
  previous?: SessionUser,
): SessionUser {
  const access = decodeJwt(accessToken) as Record<string, unknown>;
  const claims = { ...access, ...idTokenClaims };
  const realmRoles = (access.realm_access as { roles?: unknown } | undefined)?.roles;
  const roles = Array.isArray(realmRoles)
    ? realmRoles.filter((role): role is string => typeof role === 'string')
    : [];
  return {
    id: text(claims.sub) ?? previous?.id ?? '',
    username: text(claims.preferred_username) ?? previous?.username,
    name: text(claims.name) ?? previous?.name,
    email: text(claims.email) ?? previous?.email,
    roles,
    // Problem 4: the realm role is the source of truth; the legacy attribute claim is honoured
    // through the one robust parser (true, "true", ["true"]).
    canCheckout:
      roles.includes('can-checkout') ||
      parseBooleanClaim(access.canCheckout) ||
      parseBooleanClaim(idTokenClaims?.canCheckout),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

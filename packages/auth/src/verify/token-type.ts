import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { invalidToken } from '../errors.ts';
import { describe } from './map-jose-error.ts';

/**
 * Which access-token profile to accept (RFC 8725 §3.11/§3.12: explicit typing, mutually exclusive
 * validation for different kinds of JWT).
 * - `keycloak` (default): header `typ` absent or `JWT`, payload `typ: "Bearer"`.
 * - `rfc9068`: header `typ: at+jwt` (RFC 9068 §2.1).
 * - `either`: one or the other.
 * In every mode Keycloak ID, Refresh, Offline and Logout tokens are refused.
 */
export type TokenTypePolicy = 'keycloak' | 'rfc9068' | 'either';

const NEVER_ACCESS_TOKENS = new Set(['id', 'refresh', 'offline', 'logout']);

export function checkHeaderType(header: ProtectedHeaderParameters, policy: TokenTypePolicy): void {
  if (header.typ === 'JWT' && policy !== 'rfc9068') return; // Keycloak's header, the common case
  const typ =
    typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  const keycloakOk = typ === undefined || typ === 'jwt';
  const rfc9068Ok = typ === 'at+jwt';
  const ok = policy === 'keycloak' ? keycloakOk : policy === 'rfc9068' ? rfc9068Ok : keycloakOk || rfc9068Ok;
  if (!ok)
    throw invalidToken('typ_mismatch', `typ_mismatch header.typ=${describe(header.typ)} policy=${policy}`);
}

export function checkPayloadType(
  payload: JWTPayload,
  header: ProtectedHeaderParameters,
  policy: TokenTypePolicy,
): void {
  const typ = payload.typ;
  if (typeof typ === 'string' && NEVER_ACCESS_TOKENS.has(typ.toLowerCase())) {
    throw invalidToken('typ_mismatch', `typ_mismatch payload.typ=${describe(typ)} (not an access token)`);
  }
  if (payload.events !== undefined) {
    // Logout tokens carry `events`; it never belongs in an access token.
    throw invalidToken('typ_mismatch', 'typ_mismatch token carries events (logout token)');
  }
  // `nonce` marks an ID token, except that Keycloak before 25 also copied it into access tokens
  // (typ "Bearer"). Keycloak ID tokens say typ "ID" and are refused above, so only an untyped or
  // otherwise-typed token carrying a nonce is treated as an ID token.
  if (payload.nonce !== undefined && typ !== 'Bearer') {
    throw invalidToken(
      'typ_mismatch',
      `typ_mismatch token carries nonce and payload.typ=${describe(typ)} (ID token)`,
    );
  }
  if (policy === 'rfc9068' || (policy === 'either' && isAtJwt(header.typ))) return;
  if (typ !== 'Bearer')
    throw invalidToken('typ_mismatch', `typ_mismatch payload.typ=${describe(typ)} expected=Bearer`);
}

function isAtJwt(typ: unknown): boolean {
  return typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ);
}

import { createAccessTokenVerifier, type AuthLogger, type IdpEndpoints } from '@mockmart/auth';
import type { Config } from '../config.ts';

/**
 * shop-api's access-token verifier: user tokens for audience `shop-api`, checked locally against
 * the JWKS, and — on the routes marked `withIntrospection` (lib/admin-guard.ts) — confirmed active
 * by the idp as client `shop-api`. Keycloak ≥ 26.6.2 answers `active: false` unless the caller is
 * in the token's `aud`: user tokens get `aud: shop-api` from the realm's `shop-api-audience` scope.
 */
export function createShopApiVerifier(
  config: Pick<Config, 'KEYCLOAK_CLIENT_ID' | 'KEYCLOAK_CLIENT_SECRET' | 'INTROSPECTION_CACHE_MS'>,
  idp: IdpEndpoints,
  logger: AuthLogger,
) {
  return createAccessTokenVerifier({
    idp,
    audience: config.KEYCLOAK_CLIENT_ID,
    logger,
    introspection: {
      clientId: config.KEYCLOAK_CLIENT_ID,
      clientSecret: config.KEYCLOAK_CLIENT_SECRET,
      cacheTtlMs: config.INTROSPECTION_CACHE_MS,
    },
  });
}

export { keycloakEndpoints, oidcEndpoints } from './config/idp-endpoints.ts';
export type { IdpEndpoints, KeycloakEndpoints, KeycloakEndpointsOptions } from './config/idp-endpoints.ts';
export { createAccessTokenVerifier } from './verify/verify-access-token.ts';
export type { AccessTokenVerifier, VerifyOptions } from './verify/verify-access-token.ts';
export { ASYMMETRIC_JWS_ALGORITHMS } from './verify/verifier-options.ts';
export type { AccessTokenVerifierOptions, ResolvedVerifierOptions } from './verify/verifier-options.ts';
export type { JwksCacheOptions } from './verify/jwks-cache.ts';
export type { IntrospectionOptions } from './verify/introspection.ts';
export type { CheckIssuerOptions, IssuerCheckResult } from './verify/check-issuer.ts';
export type { TokenTypePolicy } from './verify/token-type.ts';
export {
  allOf,
  anyOf,
  authorize,
  isGuard,
  requireAuthenticated,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  requireServiceAccount,
  requireUser,
  withIntrospection,
} from './guards/guards.ts';
export type { AuthRequirement, Guard, GuardDecision, RequireServiceAccountOptions } from './guards/guards.ts';
export { parseBooleanClaim } from './principal/parse-boolean-claim.ts';
export { isServiceAccountToken, toPrincipal } from './principal/principal.ts';
export type { Principal } from './principal/principal.ts';
export { AUTH_ERROR_CODES, AuthError, isAuthError } from './errors.ts';
export type { AuthErrorCode, AuthFailureReason } from './errors.ts';
export { authenticateRequest } from './http/authenticate-request.ts';
export { extractBearerToken } from './http/bearer.ts';
export { authProblem } from './http/problem.ts';
export type { AuthProblemResponse } from './http/problem.ts';
export type { AuthLogger } from './lib/logger.ts';
export { createTokenProvider } from './token-provider/create-token-provider.ts';
export type {
  BearerSource,
  TokenProvider,
  TokenProviderOptions,
  TokenRequest,
} from './token-provider/create-token-provider.ts';
export type { RetryOptions } from './token-provider/backoff.ts';

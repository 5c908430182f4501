import type { IdpEndpoints } from '../config/idp-endpoints.ts';
import { oidcEndpoints } from '../config/idp-endpoints.ts';
import { configError } from '../errors.ts';
import type { AuthLogger } from '../lib/logger.ts';
import { consoleLogger } from '../lib/logger.ts';
import type { IntrospectionOptions } from './introspection.ts';
import type { JwksCacheOptions } from './jwks-cache.ts';
import type { TokenTypePolicy } from './token-type.ts';

export interface AccessTokenVerifierOptions {
  /** From keycloakEndpoints() or an explicit { issuer, jwksUri, … } for a generic OIDC provider. */
  idp: IdpEndpoints;
  /** Accepted `aud` values (any-of). `false` turns the check off — logged as a warning (problem 2). */
  audience: string | readonly string[] | false;
  /** Optional allow-list for `azp` (the requesting client). */
  authorizedParties?: readonly string[];
  /** Default ['RS256', 'PS256', 'ES256']. `none` and HMAC algorithms are refused. */
  algorithms?: readonly string[];
  /** exp/nbf/iat leeway, 0–60 s. Default 30. An `iat` later than now + this is always refused. */
  clockToleranceSec?: number;
  /** Refuse tokens issued (`iat`) longer ago than this, whatever their `exp`. Default: no limit. */
  maxTokenAgeSec?: number;
  /** Claims that must be present. Default ['exp', 'iat', 'sub']. `iss`/`aud` are always checked. */
  requiredClaims?: readonly string[];
  /** Default 'keycloak'. */
  tokenType?: TokenTypePolicy;
  /** Tokens longer than this are refused before parsing. Default 8192 bytes. */
  maxTokenBytes?: number;
  jwks?: JwksCacheOptions;
  /** Verified-token LRU (SHA-256 of the token → principal until `exp`). Default 10 000 entries; false disables. */
  verifiedCache?: { maxEntries?: number } | false;
  /** RFC 7662 introspection, used by routes that ask for it. */
  introspection?: IntrospectionOptions;
  /** What checkIssuer() does on a mismatch. Default 'fail'. */
  onIssuerMismatch?: 'fail' | 'warn';
  /** `realm` of the WWW-Authenticate challenge. Default: the Keycloak realm, else 'api'. */
  realm?: string;
  logger?: AuthLogger;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds (tests freeze it). */
  now?: () => number;
}

const FORBIDDEN_ALGORITHMS = /^(none|HS\d+)$/i;
/** Every asymmetric JWS algorithm a JWKS can verify; HMAC and `none` are never among them. */
export const ASYMMETRIC_JWS_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
const SUPPORTED_ALGORITHMS = new Set(ASYMMETRIC_JWS_ALGORITHMS);

export interface ResolvedVerifierOptions {
  readonly idp: IdpEndpoints;
  readonly audience: readonly string[] | false;
  readonly authorizedParties: readonly string[] | undefined;
  readonly algorithms: readonly string[];
  readonly clockToleranceSec: number;
  readonly maxTokenAgeSec: number | undefined;
  readonly requiredClaims: readonly string[];
  readonly tokenType: TokenTypePolicy;
  readonly maxTokenBytes: number;
  readonly cacheEntries: number;
  readonly onIssuerMismatch: 'fail' | 'warn';
  readonly realm: string;
  readonly logger: AuthLogger;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

/** Validates options once, at construction: a misconfigured verifier never starts (STYLE §5). */
export function resolveVerifierOptions(options: AccessTokenVerifierOptions): ResolvedVerifierOptions {
  if (options === null || typeof options !== 'object')
    throw configError('createAccessTokenVerifier: options are required');
  if (options.idp === undefined)
    throw configError(
      'createAccessTokenVerifier: idp is required (keycloakEndpoints(...) or { issuer, jwksUri })',
    );
  const idp = oidcEndpoints(options.idp);
  const logger = options.logger ?? consoleLogger;

  let audience: readonly string[] | false;
  if (options.audience === false) {
    audience = false;
    logger.warn(
      { issuer: idp.issuer },
      'audience check DISABLED (audience: false): tokens minted for any client of this issuer will be accepted',
    );
  } else {
    const list = typeof options.audience === 'string' ? [options.audience] : options.audience;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((a) => typeof a !== 'string' || a.length === 0)
    ) {
      throw configError(
        "createAccessTokenVerifier: audience is required (this service's client id); pass audience: false only to disable the check explicitly",
      );
    }
    audience = Object.freeze([...list]);
  }

  const algorithms = Object.freeze([...(options.algorithms ?? ['RS256', 'PS256', 'ES256'])]);
  if (algorithms.length === 0) throw configError('algorithms must not be empty');
  for (const alg of algorithms) {
    if (FORBIDDEN_ALGORITHMS.test(alg))
      throw configError(
        `algorithm ${alg} is not allowed: 'none' and HMAC algorithms can never be verified against a JWKS`,
      );
    if (!SUPPORTED_ALGORITHMS.has(alg))
      throw configError(`algorithm ${alg} is not a supported asymmetric JWS algorithm`);
  }

  const clockToleranceSec = options.clockToleranceSec ?? 30;
  if (!Number.isFinite(clockToleranceSec) || clockToleranceSec < 0 || clockToleranceSec > 60) {
    throw configError(`clockToleranceSec must be between 0 and 60, got ${String(clockToleranceSec)}`);
  }
  const maxTokenAgeSec = options.maxTokenAgeSec;
  if (maxTokenAgeSec !== undefined && (!Number.isInteger(maxTokenAgeSec) || maxTokenAgeSec <= 0))
    throw configError(
      `maxTokenAgeSec, when given, must be a positive integer, got ${String(maxTokenAgeSec)}`,
    );
  const tokenType = options.tokenType ?? 'keycloak';
  if (!['keycloak', 'rfc9068', 'either'].includes(tokenType))
    throw configError(`tokenType must be keycloak, rfc9068 or either`);
  const maxTokenBytes = options.maxTokenBytes ?? 8192;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 256)
    throw configError('maxTokenBytes must be an integer ≥ 256');
  const cacheEntries = options.verifiedCache === false ? 0 : (options.verifiedCache?.maxEntries ?? 10_000);
  if (
    options.authorizedParties !== undefined &&
    (!Array.isArray(options.authorizedParties) || options.authorizedParties.length === 0)
  ) {
    throw configError('authorizedParties, when given, must be a non-empty array of client ids');
  }
  const realm = options.realm ?? (idp as { realm?: string }).realm ?? 'api';
  if (!/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/.test(realm))
    throw configError('realm must be printable ASCII without quotes or backslashes');

  return Object.freeze({
    idp,
    audience,
    authorizedParties: options.authorizedParties ? Object.freeze([...options.authorizedParties]) : undefined,
    algorithms,
    clockToleranceSec,
    maxTokenAgeSec,
    requiredClaims: Object.freeze([...(options.requiredClaims ?? ['exp', 'iat', 'sub'])]),
    tokenType,
    maxTokenBytes,
    cacheEntries,
    onIssuerMismatch: options.onIssuerMismatch ?? 'fail',
    realm,
    logger,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
  });
}

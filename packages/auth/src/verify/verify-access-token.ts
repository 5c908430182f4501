import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { FlattenedJWSInput, JWTPayload, ProtectedHeaderParameters } from 'jose';
import { AuthError, invalidToken } from '../errors.ts';
import { sha256 } from '../lib/hash.ts';
import { ExpiringLru } from '../lib/lru.ts';
import { annotateActiveSpan } from '../lib/telemetry.ts';
import type { Principal } from '../principal/principal.ts';
import { toPrincipal } from '../principal/principal.ts';
import type { CheckIssuerOptions, IssuerCheckResult } from './check-issuer.ts';
import { checkIssuer } from './check-issuer.ts';
import { Introspector } from './introspection.ts';
import { JwksCache } from './jwks-cache.ts';
import { describe, mapJoseError } from './map-jose-error.ts';
import { checkHeaderType, checkPayloadType } from './token-type.ts';
import type { AccessTokenVerifierOptions, ResolvedVerifierOptions } from './verifier-options.ts';
import { resolveVerifierOptions } from './verifier-options.ts';

export interface VerifyOptions {
  /** Also ask the IdP (RFC 7662) whether the token is still active. Needs `introspection` options. */
  introspect?: boolean;
}

export interface AccessTokenVerifier {
  /** Verifies a bearer token and returns its principal; throws AuthError (401/503) otherwise. */
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
  /** Start-up check: discovery `issuer` (via the internal URL) === configured public issuer. */
  checkIssuer(options?: CheckIssuerOptions): Promise<IssuerCheckResult>;
  /** Fetches the JWKS now (warm-up); rejects if it cannot. Never required: verify() fetches lazily. */
  ready(): Promise<void>;
  readonly options: ResolvedVerifierOptions;
  /** Counters for tests and benchmarks. */
  readonly stats: {
    readonly verifications: number;
    readonly cacheHits: number;
    readonly jwksFetches: number;
    readonly introspections: number;
    readonly failures: number;
  };
}

const SEEN = Symbol('seen once');
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/**
 * Resource-server access-token verification (RFC 8725 order; RFC 9068 / Keycloak profiles).
 *
 * @example
 * const verifier = createAccessTokenVerifier({ idp: keycloakEndpoints({...}), audience: 'inventory-service' });
 * const principal = await verifier.verify(token);
 */
export function createAccessTokenVerifier(input: AccessTokenVerifierOptions): AccessTokenVerifier {
  const options = resolveVerifierOptions(input);
  const { idp, logger, now } = options;
  const jwks = new JwksCache(idp.jwksUri, { fetch: options.fetch, now, logger }, input.jwks);
  const introspector = input.introspection
    ? new Introspector(input.introspection, idp.introspectionEndpoint, { fetch: options.fetch, now, logger })
    : undefined;
  // Admission on second sight: the first verification of a token only records its hash, the second
  // stores the principal. One-off tokens then retain no objects (less GC), repeated ones hit.
  const cache =
    options.cacheEntries > 0
      ? new ExpiringLru<{ principal: Principal; kid: string | undefined } | typeof SEEN>(options.cacheEntries)
      : undefined;
  const counters = { verifications: 0, cacheHits: 0, failures: 0 };
  const jwtOptions = {
    issuer: idp.issuer,
    ...(options.audience === false ? {} : { audience: [...options.audience] }),
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSec,
    requiredClaims: [...options.requiredClaims],
  };
  const getKey = (
    header: ProtectedHeaderParameters,
    jws: FlattenedJWSInput,
    issuerOfToken: () => unknown,
  ) => {
    return jwks.getKey(header, jws, () => {
      const iss = issuerOfToken();
      if (iss !== idp.issuer)
        throw invalidToken('iss_mismatch', `iss_mismatch expected=${idp.issuer} actual=${describe(iss)}`);
    });
  };

  async function verifySignedToken(
    token: string,
  ): Promise<{ principal: Principal; kid: string | undefined }> {
    if (token.length > options.maxTokenBytes)
      throw invalidToken('too_large', `too_large length=${token.length} max=${options.maxTokenBytes}`);
    if (countDots(token) !== 2)
      throw invalidToken('malformed', 'malformed: not a three-part JWS compact serialisation');
    let header: ProtectedHeaderParameters | undefined;
    // jose parses the header once and hands it to this key getter BEFORE any signature work (and
    // after its own `crit` and `algorithms` checks), so the header policy runs here, in RFC 8725 order.
    const keyFor = (protectedHeader: ProtectedHeaderParameters, jws: FlattenedJWSInput) => {
      header = protectedHeader;
      checkHeader(protectedHeader);
      return getKey(protectedHeader, jws, () => issuerOf(token));
    };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, { ...jwtOptions, currentDate: new Date(now()) }));
    } catch (error) {
      if (header === undefined && !(error instanceof AuthError)) throw preParseError(token, error);
      throw mapJoseError(error, { issuer: idp.issuer, audience: options.audience, now: now() });
    }
    const verifiedHeader = header as ProtectedHeaderParameters;
    checkPayloadType(payload, verifiedHeader, options.tokenType);
    if (
      options.authorizedParties &&
      (typeof payload.azp !== 'string' || !options.authorizedParties.includes(payload.azp))
    ) {
      throw invalidToken(
        'azp_not_allowed',
        `azp_not_allowed azp=${describe(payload.azp)} allowed=${options.authorizedParties.join(',')}`,
      );
    }
    return {
      principal: toPrincipal(payload as JWTPayload & Record<string, unknown>),
      kid: verifiedHeader.kid,
    };
  }

  function checkHeader(header: ProtectedHeaderParameters): void {
    if (typeof header.alg !== 'string' || !options.algorithms.includes(header.alg)) {
      throw invalidToken(
        'alg_not_allowed',
        `alg_not_allowed alg=${describe(header.alg)} allowed=${options.algorithms.join(',')}`,
      );
    }
    for (const name of FORBIDDEN_HEADERS) {
      // Keys come only from the configured JWKS; a token naming its own key (or a URL to fetch one from) is hostile.
      if (header[name] !== undefined)
        throw invalidToken('forbidden_header', `forbidden_header ${name} present`);
    }
    checkHeaderType(header, options.tokenType);
  }

  // Errors jose raised before reaching the key getter: undecodable input or a refused `alg`/`crit`.
  function preParseError(token: string, error: unknown): AuthError {
    try {
      const header = decodeProtectedHeader(token);
      checkHeader(header);
    } catch (headerError) {
      if (headerError instanceof AuthError) return headerError;
      return invalidToken(
        'malformed',
        `malformed: ${headerError instanceof Error ? headerError.message : 'undecodable'}`,
        headerError,
      );
    }
    return mapJoseError(error, { issuer: idp.issuer, audience: options.audience, now: now() });
  }

  // Only consulted before an unknown-kid refetch: tokens of other issuers never cause a JWKS fetch.
  function issuerOf(token: string): unknown {
    try {
      return decodeJwt(token).iss;
    } catch {
      return undefined;
    }
  }

  async function verify(token: string, verifyOptions: VerifyOptions = {}): Promise<Principal> {
    counters.verifications++;
    try {
      if (typeof token !== 'string' || token.length === 0)
        throw invalidToken('malformed', 'malformed: empty token');
      let principal: Principal | undefined;
      const key = cache && token.length <= options.maxTokenBytes ? sha256(token) : undefined;
      const hit = key !== undefined && cache ? cache.get(key, now()) : undefined;
      // A cached verification stays valid only while its signing key is still published.
      if (hit !== undefined && hit !== SEEN && (hit.kid === undefined || jwks.has(hit.kid))) {
        counters.cacheHits++;
        principal = hit.principal;
      } else {
        const verified = await verifySignedToken(token);
        principal = verified.principal;
        if (key !== undefined && cache)
          cache.set(key, hit === undefined ? SEEN : verified, principal.expiresAt * 1000);
      }
      if (verifyOptions.introspect) {
        if (!introspector)
          throw new AuthError(
            'AUTH_CONFIG_INVALID',
            'route asks for introspection but the verifier has no introspection options',
          );
        await introspector.assertActive(token, principal.expiresAt);
      }
      return principal;
    } catch (error) {
      counters.failures++;
      const authError =
        error instanceof AuthError
          ? error
          : mapJoseError(error, { issuer: idp.issuer, audience: options.audience, now: now() });
      report(authError);
      throw authError;
    }
  }

  function report(error: AuthError): void {
    const fields = { code: error.code, reason: error.reason, detail: error.detail };
    if (error.status >= 500) logger.warn(fields, 'access token not verified: identity provider unavailable');
    else logger.info(fields, 'access token rejected');
    annotateActiveSpan('auth.verify.failed', {
      'auth.outcome': 'rejected',
      'auth.code': error.code,
      'auth.reason': error.reason,
      'auth.detail': error.detail,
    });
  }

  return {
    verify,
    checkIssuer: (checkOptions) =>
      checkIssuer(idp, options.onIssuerMismatch, { fetch: options.fetch, logger }, checkOptions),
    ready: () => jwks.refresh(),
    options,
    get stats() {
      return {
        ...counters,
        jwksFetches: jwks.stats.fetches,
        introspections: introspector?.stats.requests ?? 0,
      };
    },
  };
}

function countDots(token: string): number {
  let dots = 0;
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) dots++;
  return dots;
}

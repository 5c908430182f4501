import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { FlattenedJWSInput, JWTPayload, JWTVerifyGetKey, ProtectedHeaderParameters } from 'jose';
import { AuthError, invalidToken } from '../errors.ts';
import { sha256, tokenIndex } from '../lib/hash.ts';
import { ExpiringLru } from '../lib/lru.ts';
import { SeenFilter } from '../lib/seen-filter.ts';
import { annotateActiveSpan, countEvent } from '../lib/telemetry.ts';
import type { Principal } from '../principal/principal.ts';
import { toPrincipal } from '../principal/principal.ts';
import type { CheckIssuerOptions, IssuerCheckResult } from './check-issuer.ts';
import { checkIssuer } from './check-issuer.ts';
import { Introspector } from './introspection.ts';
import { JwksCache } from './jwks-cache.ts';
import { describe, mapJoseError } from './map-jose-error.ts';
import { checkNotSenderConstrained } from './token-binding.ts';
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
  /**
   * The verifier's key source — its JWKS cache of the issuer — as a jose key resolver, for other
   * JWTs that issuer signs (an OIDC back-channel logout token): one cache, one refetch policy.
   * Only key selection: the caller's jwtVerify checks everything else.
   */
  readonly keys: JWTVerifyGetKey;
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

const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

interface Verified {
  readonly principal: Principal;
  /** Only tokens naming their key are cached, so a hit can be re-checked against the JWKS. */
  readonly kid: string;
  /** SHA-256 of the token: what a cache hit is confirmed against. */
  readonly digest: string;
}

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
  // Verified-token cache, indexed by a cheap fingerprint of the token and confirmed by its SHA-256,
  // so a miss (every first sight) costs no hashing. Admission on second sight: the first
  // verification only marks the token in a fixed table (no allocation), the second stores the
  // principal. One-off tokens retain nothing.
  const cache =
    options.cacheEntries > 0 ? new ExpiringLru<Verified, number>(options.cacheEntries) : undefined;
  const seen = cache ? new SeenFilter(options.cacheEntries) : undefined;
  const counters = { verifications: 0, cacheHits: 0, failures: 0 };
  const jwtOptions = {
    issuer: idp.issuer,
    ...(options.audience === false ? {} : { audience: [...options.audience] }),
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSec,
    ...(options.maxTokenAgeSec === undefined ? {} : { maxTokenAge: options.maxTokenAgeSec }),
    requiredClaims: [...options.requiredClaims],
  };
  // With the real clock jose reads it itself; an injected clock is handed over per verification.
  const realClock = now === Date.now;
  const errorContext = { issuer: idp.issuer, audience: options.audience, now: 0 };

  // One key getter for every verification (no per-call closure). jose parses the header once and
  // calls it BEFORE any signature work (after its own `crit` and `algorithms` checks), so the header
  // policy runs here, in RFC 8725 order.
  const keyFor = (protectedHeader: ProtectedHeaderParameters, jws: FlattenedJWSInput) => {
    checkHeader(protectedHeader);
    return jwks.getKey(protectedHeader, jws, refuseForeignIssuer);
  };
  // Only consulted before an unknown-kid refetch: tokens of other issuers never cause a JWKS fetch.
  const refuseForeignIssuer = (jws: FlattenedJWSInput) => {
    const iss = issuerOf(jws.payload);
    if (iss !== idp.issuer)
      throw invalidToken('iss_mismatch', `iss_mismatch expected=${idp.issuer} actual=${describe(iss)}`);
  };

  /**
   * Cache hits settle without any async function; a miss goes through exactly one async layer
   * ({@link verifySignedToken}) around jose.
   */
  function verify(token: string, verifyOptions?: VerifyOptions): Promise<Principal> {
    counters.verifications++;
    let index = -1;
    let stale: Verified | undefined;
    try {
      if (typeof token !== 'string' || token.length === 0)
        throw invalidToken('malformed', 'malformed: empty token');
      if (cache && token.length <= options.maxTokenBytes) {
        index = tokenIndex(token);
        const found = cache.get(index, now());
        // Same fingerprint is only a candidate: the whole token's SHA-256 must match.
        if (found !== undefined && found.digest === sha256(token)) {
          // A cached verification stays valid only while its signing key is still published.
          if (jwks.has(found.kid)) {
            counters.cacheHits++;
            if (!verifyOptions?.introspect) accepted();
            return verifyOptions?.introspect
              ? introspected(token, found.principal)
              : Promise.resolve(found.principal);
          }
          stale = found;
        }
      }
    } catch (error) {
      return Promise.reject(failed(error));
    }
    return verifySignedToken(token, index, stale, verifyOptions?.introspect === true);
  }

  async function verifySignedToken(
    token: string,
    index: number,
    stale: Verified | undefined,
    introspect: boolean,
  ): Promise<Principal> {
    try {
      if (token.length > options.maxTokenBytes)
        throw invalidToken('too_large', `too_large length=${token.length} max=${options.maxTokenBytes}`);
      if (countDots(token) !== 2)
        throw invalidToken('malformed', 'malformed: not a three-part JWS compact serialisation');
      let result: { payload: JWTPayload; protectedHeader: ProtectedHeaderParameters };
      try {
        result = await jwtVerify(
          token,
          keyFor,
          realClock ? jwtOptions : { ...jwtOptions, currentDate: new Date(now()) },
        );
      } catch (error) {
        // Our own refusals (header policy, keys) pass through; for jose's, classify them.
        throw error instanceof AuthError ? error : joseFailure(token, error);
      }
      const { payload, protectedHeader } = result;
      checkIssuedAt(payload, now(), options.clockToleranceSec);
      checkPayloadType(payload, protectedHeader, options.tokenType);
      checkNotSenderConstrained(payload);
      if (
        options.authorizedParties &&
        (typeof payload.azp !== 'string' || !options.authorizedParties.includes(payload.azp))
      ) {
        throw invalidToken(
          'azp_not_allowed',
          `azp_not_allowed azp=${describe(payload.azp)} allowed=${options.authorizedParties.join(',')}`,
        );
      }
      const principal = toPrincipal(payload as JWTPayload & Record<string, unknown>);
      // A token without a `kid` is never cached: a hit could not be re-checked against the JWKS,
      // so it would outlive the revocation of its key.
      const kid = protectedHeader.kid;
      if (
        index >= 0 &&
        cache &&
        typeof kid === 'string' &&
        (stale !== undefined || seen?.seenBefore(token))
      ) {
        const digest = stale?.digest ?? sha256(token);
        cache.set(index, { principal, kid, digest }, cacheExpiry(payload, options.maxTokenAgeSec));
      }
      if (introspect) await assertActive(token, principal);
      accepted();
      return principal;
    } catch (error) {
      throw failed(error);
    }
  }

  async function introspected(token: string, principal: Principal): Promise<Principal> {
    try {
      await assertActive(token, principal);
      accepted();
      return principal;
    } catch (error) {
      throw failed(error);
    }
  }

  async function assertActive(token: string, principal: Principal): Promise<void> {
    if (!introspector)
      throw new AuthError(
        'AUTH_CONFIG_INVALID',
        'route asks for introspection but the verifier has no introspection options',
      );
    await introspector.assertActive(token, principal.expiresAt);
  }

  function failed(error: unknown): AuthError {
    counters.failures++;
    const authError = error instanceof AuthError ? error : mapJoseError(error, contextNow());
    report(authError);
    return authError;
  }

  function contextNow(): typeof errorContext {
    return { ...errorContext, now: now() };
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

  // A jose error. Raised before the key getter (undecodable input, a refused `alg`/`crit`), our header
  // policy has not run yet: it names the reason more precisely, so it goes first. Raised after it
  // (signature, claims), the header passed the policy then and passes it again here.
  function joseFailure(token: string, error: unknown): AuthError {
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
    return mapJoseError(error, contextNow());
  }

  function report(error: AuthError): void {
    const fields = { code: error.code, reason: error.reason, detail: error.detail };
    if (error.status >= 500) logger.warn(fields, 'access token not verified: identity provider unavailable');
    else logger.info(fields, 'access token rejected');
    countEvent('verifications', {
      outcome: error.status >= 500 ? 'unavailable' : 'refused',
      reason: error.reason ?? error.code,
    });
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
    keys: (protectedHeader, jws) => jwks.getKey(protectedHeader, jws, refuseForeignIssuer),
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

/**
 * jose checks `iat` only when maxTokenAge is set; a token stamped in the future is a forged or
 * mis-clocked token, and accepting it would stretch its life past what the IdP intended.
 */
function checkIssuedAt(payload: JWTPayload, nowMs: number, toleranceSec: number): void {
  const nowSec = Math.floor(nowMs / 1000);
  if (typeof payload.iat === 'number' && payload.iat > nowSec + toleranceSec)
    throw invalidToken(
      'iat_in_future',
      `iat_in_future iat=${payload.iat} now=${nowSec} tolerance=${toleranceSec}`,
    );
}

/**
 * When a cached verification stops being served (epoch ms): at `exp`, and — with maxTokenAgeSec —
 * no later than `iat` + maxTokenAgeSec, the age limit a fresh verification would enforce.
 */
function cacheExpiry(payload: JWTPayload, maxTokenAgeSec: number | undefined): number {
  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  if (maxTokenAgeSec === undefined) return exp * 1000;
  const iat = typeof payload.iat === 'number' ? payload.iat : 0; // jose requires iat with maxTokenAge
  return Math.min(exp, iat + maxTokenAgeSec) * 1000;
}

/** The `iss` of a compact JWS payload segment, or undefined when it does not decode. */
function issuerOf(payload: unknown): unknown {
  if (typeof payload !== 'string') return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return undefined;
  }
}

function countDots(token: string): number {
  let dots = 0;
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) dots++;
  return dots;
}

function accepted(): void {
  countEvent('verifications', { outcome: 'accepted', reason: 'none' });
}

import { createLocalJWKSet, errors as joseErrors } from 'jose';
import type { JSONWebKeySet, JWK, JWSHeaderParameters, FlattenedJWSInput } from 'jose';
import { AuthError, invalidToken } from '../errors.ts';
import { ExpiringLru } from '../lib/lru.ts';
import type { AuthLogger } from '../lib/logger.ts';
import { countEvent, withSpan } from '../lib/telemetry.ts';

export interface JwksCacheOptions {
  /** How long a fetched set is fresh. Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Refresh in the background once this fraction of `cacheMaxAgeMs` has passed. Default 0.8. */
  refreshAheadRatio?: number;
  /** Minimum gap between fetches triggered by an unknown `kid` or by a failed refresh. Default 30 s. */
  cooldownMs?: number;
  /** How long an unknown `kid` is answered without any fetch. Default 5 min. */
  negativeCacheMs?: number;
  /** Abort a JWKS request after this long. Default 3 s. */
  timeoutMs?: number;
  /** After the set expires and refreshing fails, keep serving it this long (with a warning). Default 1 h; 0 disables. */
  staleIfErrorMs?: number;
  /** Retry-After (seconds) sent when no usable keys exist. Default 10. */
  retryAfterSec?: number;
  /**
   * After a failed fetch, requests that need a fetch (no keys yet, keys too old) fail at once with
   * 503 for this long instead of each calling the IdP again. Default 5 s.
   */
  failureCooldownMs?: number;
  /** The "serving last known good keys" warning is logged at most once per this interval. Default 60 s. */
  staleWarningIntervalMs?: number;
}

interface Snapshot {
  readonly resolve: ReturnType<typeof createLocalJWKSet>;
  readonly kids: ReadonlySet<string>;
  readonly fetchedAt: number;
  /**
   * Keys jose already resolved from THIS set, by `alg` + `kid`. createLocalJWKSet's choice depends
   * only on those two header values and the set, so reusing its answer is the same selection without
   * its per-call promise chain (filter, import cache lookup). Only successes are kept; a new set
   * starts empty.
   */
  readonly resolved: Map<string, KeyResult>;
}

type KeyResult = Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>;
const MAX_JWKS_BYTES = 512 * 1024;

/**
 * The whole JWKS of one issuer, fetched ONLY from the configured `jwksUri` (never from a URL a
 * token names): single-flight fetches, refresh ahead of expiry, one refetch per cooldown for an
 * unknown `kid`, a negative cache for unknown kids, a fetch timeout, and last-known-good serving
 * when the IdP is down. Keys are resolved by jose's createLocalJWKSet over the cached set.
 */
export class JwksCache {
  readonly stats = { fetches: 0, failures: 0, staleServes: 0 };
  readonly #uri: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #logger: AuthLogger;
  readonly #maxAge: number;
  readonly #aheadAt: number;
  readonly #cooldown: number;
  readonly #negativeMs: number;
  readonly #timeout: number;
  readonly #staleMs: number;
  readonly #retryAfterSec: number;
  readonly #failureCooldown: number;
  readonly #staleWarningInterval: number;
  #lastStaleWarningAt = Number.NEGATIVE_INFINITY;
  #staleServesSinceWarning = 0;
  readonly #unknownKids = new ExpiringLru<true>(1000);
  #snapshot: Snapshot | undefined;
  #pending: Promise<Snapshot> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  /** Only refetches an unknown kid caused, and failed fetches, count toward the kid cooldown: a
   *  scheduled refresh or the warm-up must not delay picking up a key rotated just after it. */
  #lastKidRefetchAt = Number.NEGATIVE_INFINITY;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #lastFetchFailed = false;

  constructor(
    uri: string,
    deps: { fetch: typeof fetch; now: () => number; logger: AuthLogger },
    options: JwksCacheOptions = {},
  ) {
    this.#uri = uri;
    this.#fetch = deps.fetch;
    this.#now = deps.now;
    this.#logger = deps.logger;
    this.#maxAge = options.cacheMaxAgeMs ?? 600_000;
    this.#aheadAt = this.#maxAge * (options.refreshAheadRatio ?? 0.8);
    this.#cooldown = options.cooldownMs ?? 30_000;
    this.#negativeMs = options.negativeCacheMs ?? 300_000;
    this.#timeout = options.timeoutMs ?? 3_000;
    this.#staleMs = options.staleIfErrorMs ?? 3_600_000;
    this.#retryAfterSec = options.retryAfterSec ?? 10;
    this.#failureCooldown = options.failureCooldownMs ?? 5_000;
    this.#staleWarningInterval = options.staleWarningIntervalMs ?? 60_000;
  }

  /** True when the current set still publishes this kid (used to re-validate cached verifications). */
  has(kid: string | undefined): boolean {
    return kid !== undefined && this.#snapshot !== undefined && this.#snapshot.kids.has(kid);
  }

  /** Fetch now unless a fetch is already running; resolves once a set is available (warm-up). */
  async refresh(): Promise<void> {
    await this.#load();
  }

  /**
   * The key for a token header, following the policy in the class comment. `beforeRefetch` runs
   * before an unknown kid may trigger a fetch (the verifier checks `iss` there). Returns the key
   * itself (no promise) when a fresh set already resolved this `alg` + `kid`: the hot path.
   */
  getKey(
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    beforeRefetch?: (token: FlattenedJWSInput) => void,
  ): KeyResult | Promise<KeyResult> {
    const current = this.#snapshot;
    if (current !== undefined && this.#now() - current.fetchedAt < this.#aheadAt) {
      const known = current.resolved.get(resolvedKey(header));
      if (known !== undefined) return known;
      return this.#resolveIn(current, header, token, beforeRefetch);
    }
    return this.#usableSnapshot().then((snapshot) => {
      const known = snapshot.resolved.get(resolvedKey(header));
      return known ?? this.#resolveIn(snapshot, header, token, beforeRefetch);
    });
  }

  async #resolveIn(
    snapshot: Snapshot,
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    beforeRefetch: ((token: FlattenedJWSInput) => void) | undefined,
  ): Promise<KeyResult> {
    try {
      const key = await snapshot.resolve(header, token);
      remember(snapshot, header, key);
      return key;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || header.kid === undefined) throw error;
      beforeRefetch?.(token);
      return this.#resolveUnknownKid(header, token, error);
    }
  }

  async #resolveUnknownKid(
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    original: Error,
  ): Promise<KeyResult> {
    const kid = header.kid as string;
    const now = this.#now();
    // A fetch already under way (another token's refetch, a scheduled refresh) may bring the key:
    // wait for it rather than refuse while it is in flight.
    const inFlight = this.#pending;
    if (this.#unknownKids.get(kid, now))
      throw invalidToken('kid_unknown', `kid_unknown kid=${kid.slice(0, 64)} (negative cache)`, original);
    // While the JWKS cannot be fetched we cannot tell a rotated key from a forged kid: that is the
    // IdP being unreachable (503, retry later), not a bad token (401, which a client would not retry).
    const lastFetchFailed = this.#lastFetchFailed;
    if (inFlight === undefined && lastFetchFailed && now - this.#lastFailureAt < this.#failureCooldown)
      throw this.#unavailable(`kid=${kid.slice(0, 64)} not cached and the last JWKS fetch failed`);
    if (inFlight === undefined && !lastFetchFailed && now - this.#lastKidRefetchAt < this.#cooldown) {
      throw invalidToken(
        'kid_unknown',
        `kid_unknown kid=${kid.slice(0, 64)} (no refetch: cooldown)`,
        original,
      );
    }
    let snapshot: Snapshot;
    try {
      if (inFlight === undefined) this.#lastKidRefetchAt = now;
      snapshot = await (inFlight ?? this.#load());
    } catch (error) {
      throw this.#unavailable(`kid=${kid.slice(0, 64)} not cached and the refetch failed`, error);
    }
    try {
      const key = await snapshot.resolve(header, token);
      remember(snapshot, header, key);
      return key;
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey) {
        this.#unknownKids.set(kid, true, this.#now() + this.#negativeMs);
        throw invalidToken(
          'kid_unknown',
          `kid_unknown kid=${kid.slice(0, 64)} (not in refetched JWKS)`,
          error,
        );
      }
      throw error;
    }
  }

  async #usableSnapshot(): Promise<Snapshot> {
    const current = this.#snapshot;
    const now = this.#now();
    if (current === undefined) return this.#loadOrUnavailable('no keys cached yet');
    const age = now - current.fetchedAt;
    if (age < this.#aheadAt) return current;
    if (age < this.#maxAge) {
      if (now - this.#lastAttemptAt >= this.#cooldown) this.#load().catch(() => undefined); // refresh ahead, in the background
      return current;
    }
    // Expired: refresh synchronously (one request for all callers) unless a refresh just failed.
    if (now - this.#lastAttemptAt >= this.#cooldown || this.#pending) {
      try {
        return await this.#load();
      } catch {
        // fall through to stale-if-error
      }
    }
    if (age < this.#maxAge + this.#staleMs) {
      this.stats.staleServes++;
      this.#staleServesSinceWarning++;
      if (now - this.#lastStaleWarningAt >= this.#staleWarningInterval) {
        this.#lastStaleWarningAt = now;
        this.#logger.warn(
          { jwksUri: this.#uri, ageMs: age, staleServes: this.#staleServesSinceWarning },
          'JWKS refresh failed; serving last known good keys',
        );
        this.#staleServesSinceWarning = 0;
      }
      return current;
    }
    return this.#loadOrUnavailable(`cached keys too old (${Math.round(age / 1000)} s) and refresh failing`);
  }

  async #loadOrUnavailable(why: string): Promise<Snapshot> {
    // Without usable keys every request would otherwise call the failing IdP again (and wait for
    // its timeout): after a failure, fail fast until the cooldown ends. A fetch in flight is joined.
    const sinceFailure = this.#now() - this.#lastFailureAt;
    if (this.#pending === undefined && sinceFailure < this.#failureCooldown)
      throw this.#unavailable(
        `${why}; last fetch failed ${Math.round(sinceFailure / 1000)} s ago, next attempt after the failure cooldown`,
      );
    try {
      return await this.#load();
    } catch (error) {
      throw this.#unavailable(why, error);
    }
  }

  #unavailable(why: string, cause?: unknown): AuthError {
    const failure = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
    return new AuthError('AUTH_IDP_UNAVAILABLE', 'signing keys unavailable', {
      reason: 'jwks_unavailable',
      detail: `jwks_unavailable uri=${this.#uri}: ${why}${failure}`,
      retryAfterSec: this.#retryAfterSec,
      cause,
    });
  }

  #load(): Promise<Snapshot> {
    this.#pending ??= this.#fetchSet().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetchSet(): Promise<Snapshot> {
    this.#lastAttemptAt = this.#now();
    this.stats.fetches++;
    try {
      const jwks = await withSpan('auth.jwks.fetch', { 'url.full': this.#uri }, () => this.#request());
      const keys = jwks.keys.filter(isVerificationKey);
      const snapshot: Snapshot = {
        resolve: createLocalJWKSet({ keys }),
        kids: new Set(keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string')),
        fetchedAt: this.#now(),
        resolved: new Map(),
      };
      this.#snapshot = snapshot;
      this.#lastFetchFailed = false;
      this.#unknownKids.clear();
      countEvent('jwksFetches', { outcome: 'success' });
      this.#logger.debug({ jwksUri: this.#uri, keys: snapshot.kids.size }, 'JWKS fetched');
      return snapshot;
    } catch (error) {
      this.stats.failures++;
      countEvent('jwksFetches', { outcome: 'failure' });
      this.#lastFailureAt = this.#now();
      this.#lastFetchFailed = true;
      this.#logger.warn(
        { jwksUri: this.#uri, err: error instanceof Error ? error.message : String(error) },
        'JWKS fetch failed',
      );
      throw error;
    }
  }

  async #request(): Promise<JSONWebKeySet> {
    const response = await this.#fetch(this.#uri, {
      redirect: 'manual',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(this.#timeout),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`JWKS endpoint answered HTTP ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`JWKS larger than ${MAX_JWKS_BYTES} bytes`);
    const body = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('JWKS response has no "keys" array');
    return { keys: body.keys.filter((key): key is JWK => typeof key === 'object' && key !== null) };
  }
}

// createLocalJWKSet reads `alg` and `kid` from the header, nothing else. An absent kid (allowed
// when the set has a single matching key) is its own entry; a non-string kid is never memoised
// (jose refuses it). Only pairs that resolved are stored, and a string kid resolves only when it
// equals a kid of the set, so the map holds at most (keys in the set × allowed algorithms) entries.
function resolvedKey(header: JWSHeaderParameters): string {
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (typeof alg !== 'string') return '';
  if (kid === undefined) return `${alg} -`;
  return typeof kid === 'string' ? `${alg} =${kid}` : '';
}

function remember(snapshot: Snapshot, header: JWSHeaderParameters, key: KeyResult): void {
  const id = resolvedKey(header);
  if (id !== '') snapshot.resolved.set(id, key);
}

// Only public signature keys: Keycloak also publishes its RSA-OAEP `enc` key, and a symmetric
// (`oct`) key in a JWKS must never become an HMAC secret (RS256→HS256 confusion).
function isVerificationKey(key: JWK): boolean {
  if (key.use !== undefined && key.use !== 'sig') return false;
  if (key.kty !== 'RSA' && key.kty !== 'EC' && key.kty !== 'OKP') return false;
  return key.d === undefined && key.k === undefined;
}

import type { CryptoKey, KeyObject } from 'jose';
import { AuthError, configError } from '../errors.ts';
import type { AuthLogger } from '../lib/logger.ts';
import { consoleLogger } from '../lib/logger.ts';
import { countEvent, withSpan } from '../lib/telemetry.ts';
import type { RetryOptions } from './backoff.ts';
import { backoffDelay, resolveRetry } from './backoff.ts';
import { authenticatedFetch } from './fetch-for.ts';
import type { ClientAuthentication, IssuedToken, TokenEndpointClient } from './token-request.ts';
import { processTokenResponse, requestClientCredentials, tokenEndpointClient } from './token-request.ts';

export interface TokenProviderOptions {
  /** The IdP token endpoint, reached on the INTERNAL URL (keycloakEndpoints().tokenEndpoint). */
  tokenEndpoint: string;
  clientId: string;
  /** From your config (secret store / *_FILE), never a default. Never logged. */
  clientSecret?: string;
  /** Default client_secret_basic with a secret, private_key_jwt with a privateKey. */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** private_key_jwt (RFC 7523): the client's signing key, its alg (default RS256) and kid. */
  privateKey?: CryptoKey | KeyObject;
  privateKeyAlg?: string;
  privateKeyId?: string;
  /** `aud` of the client assertion. Default: the token endpoint (Keycloak also accepts the issuer). */
  assertionAudience?: string;
  retry?: RetryOptions;
  /** Per-request timeout. Default 5 s. */
  timeoutMs?: number;
  /** Upper bound of how early a token is refreshed (the lead is min(this, 20 % of its lifetime)). Default 60 s. */
  refreshAheadMaxSec?: number;
  logger?: AuthLogger;
  fetch?: typeof fetch;
  /** Epoch ms. */
  now?: () => number;
  /** [0, 1). Jitter source. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a token is for: a cache key. Scopes are sorted, so 'a b' and 'b a' share one token. */
export interface TokenRequest {
  scope?: string | readonly string[];
  /** Sent as `audience` (RFC 8707-style; Keycloak ignores it unless configured). */
  audience?: string;
}

export interface TokenProvider {
  getToken(request?: TokenRequest): Promise<string>;
  /** Drops the cached token (only if it is still `token`, when given). */
  invalidate(request?: TokenRequest, token?: string): void;
  /** A fetch that attaches the bearer and, on a 401, refreshes the token and retries once. */
  fetchFor(request?: TokenRequest, downstreamFetch?: typeof fetch): typeof fetch;
  /**
   * The same token, for an HTTP client that attaches it itself (the service kit's
   * createHttpClient({ bearer })): `token()` is getToken(request), `invalidate(token)` drops it
   * after a downstream 401 so the next `token()` fetches a fresh one.
   */
  bearerFor(request?: TokenRequest): BearerSource;
  readonly stats: {
    readonly tokenRequests: number;
    readonly tokensIssued: number;
    readonly cacheHits: number;
    readonly backgroundRefreshes: number;
    readonly failures: number;
  };
}

export interface BearerSource {
  token(): Promise<string>;
  invalidate(token: string): void;
}

interface Entry {
  token: string;
  refreshAt: number;
  usableUntil: number;
}

/**
 * Client-credentials tokens for service-to-service calls (problem 5): one cache entry per
 * scope/audience, single flight per entry (N concurrent callers → one request), refresh ahead of
 * expiry with jitter while the current token keeps serving, capped exponential backoff with full
 * jitter on network errors/5xx/429 (honouring Retry-After), invalid_client never retried.
 *
 * @example
 * const tokens = createTokenProvider({ tokenEndpoint: idp.tokenEndpoint, clientId: 'shop-api', clientSecret });
 * const paymentFetch = tokens.fetchFor({ scope: 'payment-api' });
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const auth = resolveAuth(options);
  const retry = resolveRetry(options.retry);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const logger = options.logger ?? consoleLogger;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const refreshAheadMaxMs = (options.refreshAheadMaxSec ?? 60) * 1000;
  const where = `token endpoint ${options.tokenEndpoint} (client ${options.clientId})`;
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  const stats = { tokenRequests: 0, tokensIssued: 0, cacheHits: 0, backgroundRefreshes: 0, failures: 0 };
  // Built on first use (importing a private key is async); a failure is retried on the next request.
  let endpoint: Promise<TokenEndpointClient> | undefined;
  const endpointClient = () =>
    (endpoint ??= tokenEndpointClient(options.tokenEndpoint, options.clientId, auth).catch(
      (error: unknown) => {
        endpoint = undefined;
        throw error;
      },
    ));

  async function requestToken(request: TokenRequest): Promise<IssuedToken> {
    const scope = scopeString(request);
    const started = now();
    let lastError = 'no attempt made';
    for (let attempt = 0; attempt < retry.maxAttempts; attempt++) {
      stats.tokenRequests++;
      let retryAfterMs: number | undefined;
      try {
        const client = await endpointClient();
        const response = await requestClientCredentials(client, {
          scope,
          audience: request.audience,
          fetch: fetchFn,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const result = await processTokenResponse(client, response, Math.floor(now() / 1000));
        if (result.kind === 'token') return result.token;
        if (result.kind === 'rejected') {
          throw new AuthError(
            'AUTH_TOKEN_REQUEST_REJECTED',
            `${where} refused the client_credentials request: ${result.error} (HTTP ${result.status})${result.description ? `: ${result.description}` : ''}`,
          );
        }
        lastError = `${result.error} (HTTP ${result.status})`;
        retryAfterMs = result.retryAfterMs;
      } catch (error) {
        if (error instanceof AuthError) throw error;
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (attempt + 1 >= retry.maxAttempts) break;
      const delay = backoffDelay(attempt, retry, random, retryAfterMs);
      if (now() - started + delay > retry.maxTotalMs) break;
      logger.debug(
        {
          tokenEndpoint: options.tokenEndpoint,
          clientId: options.clientId,
          attempt: attempt + 1,
          delayMs: delay,
          lastError,
        },
        'token request failed; retrying',
      );
      await sleep(delay);
    }
    throw new AuthError(
      'AUTH_TOKEN_ENDPOINT_UNAVAILABLE',
      `could not obtain a token from ${where} after ${stats.tokenRequests > 0 ? 'retrying' : 'trying'} for ${now() - started} ms: last error ${lastError}`,
      {
        retryAfterSec: 5,
      },
    );
  }

  function load(key: string, request: TokenRequest): Promise<Entry> {
    let promise = pending.get(key);
    if (promise) return promise;
    promise = withSpan(
      'auth.token.fetch',
      { 'auth.client_id': options.clientId, 'auth.scope': scopeString(request) },
      async () => {
        const started = now();
        const issued = await requestToken(request);
        const lifetime = issued.expiresInSec * 1000;
        const lead = Math.min(refreshAheadMaxMs, lifetime * 0.2);
        const entry: Entry = {
          token: issued.accessToken,
          // Jitter spreads refreshes of many replicas; the window stays inside the token's lifetime.
          refreshAt: started + lifetime - lead - random() * lead * 0.5,
          usableUntil: started + lifetime - Math.min(5_000, lifetime * 0.05),
        };
        stats.tokensIssued++;
        countEvent('serviceTokenRequests', { ...metricLabels(request), outcome: 'issued' });
        cache.set(key, entry);
        return entry;
      },
    )
      .catch((error: unknown) => {
        countEvent('serviceTokenRequests', { ...metricLabels(request), outcome: 'failed' });
        throw error;
      })
      .finally(() => pending.delete(key));
    pending.set(key, promise);
    return promise;
  }

  async function getToken(request: TokenRequest = {}): Promise<string> {
    const key = cacheKey(request);
    const entry = cache.get(key);
    const at = now();
    if (entry && at < entry.usableUntil) {
      stats.cacheHits++;
      countEvent('serviceTokenCache', { ...metricLabels(request), result: 'hit' });
      if (at >= entry.refreshAt && !pending.has(key)) {
        stats.backgroundRefreshes++;
        load(key, request).catch((error: unknown) => {
          logger.warn(
            {
              tokenEndpoint: options.tokenEndpoint,
              clientId: options.clientId,
              err: error instanceof Error ? error.message : String(error),
            },
            'background token refresh failed; current token still valid',
          );
        });
      }
      return entry.token;
    }
    countEvent('serviceTokenCache', { ...metricLabels(request), result: 'miss' });
    try {
      return (await load(key, request)).token;
    } catch (error) {
      stats.failures++;
      logger.error(
        {
          tokenEndpoint: options.tokenEndpoint,
          clientId: options.clientId,
          code: (error as AuthError).code,
          err: (error as Error).message,
        },
        'service token unavailable',
      );
      throw error;
    }
  }

  function invalidate(request: TokenRequest = {}, token?: string): void {
    const key = cacheKey(request);
    if (token === undefined || cache.get(key)?.token === token) cache.delete(key);
  }

  const bearerFor = (request: TokenRequest = {}): BearerSource => ({
    token: () => getToken(request),
    invalidate: (token) => invalidate(request, token),
  });

  return {
    getToken,
    invalidate,
    fetchFor: (request = {}, downstreamFetch = fetchFn) => {
      const bearer = bearerFor(request);
      return authenticatedFetch(downstreamFetch, bearer.token, bearer.invalidate);
    },
    bearerFor,
    get stats() {
      return { ...stats };
    },
  };
}

function scopeString(request: TokenRequest): string | undefined {
  const list = typeof request.scope === 'string' ? request.scope.split(' ') : (request.scope ?? []);
  const sorted = [...new Set(list.filter(Boolean))].sort();
  return sorted.length > 0 ? sorted.join(' ') : undefined;
}

function cacheKey(request: TokenRequest): string {
  return `${scopeString(request) ?? ''}\n${request.audience ?? ''}`;
}

function resolveAuth(options: TokenProviderOptions): ClientAuthentication {
  if (!options || typeof options.tokenEndpoint !== 'string' || !/^https?:\/\//.test(options.tokenEndpoint)) {
    throw configError('createTokenProvider: tokenEndpoint must be an absolute http(s) URL');
  }
  if (typeof options.clientId !== 'string' || options.clientId.length === 0)
    throw configError('createTokenProvider: clientId is required');
  const method = options.clientAuthMethod ?? (options.privateKey ? 'private_key_jwt' : 'client_secret_basic');
  if (method === 'private_key_jwt') {
    if (!options.privateKey) throw configError('createTokenProvider: private_key_jwt needs privateKey');
    return {
      method,
      privateKey: options.privateKey,
      alg: options.privateKeyAlg ?? 'RS256',
      keyId: options.privateKeyId,
      audience: options.assertionAudience ?? options.tokenEndpoint,
    };
  }
  if (typeof options.clientSecret !== 'string' || options.clientSecret.length === 0) {
    throw configError(
      `createTokenProvider: clientSecret is required for ${method} (pass it from your secret store; there is no default)`,
    );
  }
  return { method, clientSecret: options.clientSecret };
}

/** Scope and audience as metric attributes (bounded: they come from the service's own code). */
function metricLabels(request: TokenRequest): { scope: string; audience: string } {
  return { scope: scopeString(request) ?? '', audience: request.audience ?? '' };
}

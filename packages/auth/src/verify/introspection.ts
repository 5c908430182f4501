import { AuthError, configError, invalidToken } from '../errors.ts';
import { sha256 } from '../lib/hash.ts';
import { ExpiringLru } from '../lib/lru.ts';
import type { AuthLogger } from '../lib/logger.ts';
import { withSpan } from '../lib/telemetry.ts';

export interface IntrospectionOptions {
  /** This resource server's own client id and secret (RFC 7662 §2.1: the caller authenticates). */
  clientId: string;
  clientSecret: string;
  /** Defaults to idp.introspectionEndpoint. */
  endpoint?: string;
  /** How long an `active: true` answer is reused (never beyond the token's exp). Default 10 s, max 60 s. */
  cacheTtlMs?: number;
  /** How long an `active: false` answer is reused. Default 5 s. */
  negativeCacheTtlMs?: number;
  /** Default 3 s. */
  timeoutMs?: number;
  /** Retry-After for the 503 when the endpoint is down. Default 5. */
  retryAfterSec?: number;
}

interface Answer {
  active: boolean;
}

/**
 * RFC 7662 introspection for routes that must see revocations quickly (payments, refunds). Short,
 * bounded cache keyed by SHA-256 of the token; an unreachable endpoint is a 503, never a 401.
 */
export class Introspector {
  readonly stats = { requests: 0 };
  readonly #endpoint: string;
  readonly #auth: string;
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #timeout: number;
  readonly #retryAfterSec: number;
  readonly #cache = new ExpiringLru<Answer>(10_000);
  readonly #deps: { fetch: typeof fetch; now: () => number; logger: AuthLogger };

  constructor(
    options: IntrospectionOptions,
    fallbackEndpoint: string | undefined,
    deps: { fetch: typeof fetch; now: () => number; logger: AuthLogger },
  ) {
    const endpoint = options.endpoint ?? fallbackEndpoint;
    if (!endpoint)
      throw configError(
        'introspection needs an endpoint (idp.introspectionEndpoint or introspection.endpoint)',
      );
    if (!options.clientId || !options.clientSecret)
      throw configError("introspection needs this service's clientId and clientSecret");
    this.#endpoint = endpoint;
    this.#auth = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
    this.#ttl = Math.min(options.cacheTtlMs ?? 10_000, 60_000);
    this.#negativeTtl = options.negativeCacheTtlMs ?? 5_000;
    this.#timeout = options.timeoutMs ?? 3_000;
    this.#retryAfterSec = options.retryAfterSec ?? 5;
    this.#deps = deps;
  }

  /** Throws AUTH_TOKEN_INVALID (`inactive`) or AUTH_IDP_UNAVAILABLE; resolves when the token is active. */
  async assertActive(token: string, expSec: number): Promise<void> {
    const key = sha256(token);
    const now = this.#deps.now();
    let answer = this.#cache.get(key, now);
    if (answer === undefined) {
      answer = await this.#ask(token);
      const ttl = answer.active ? this.#ttl : this.#negativeTtl;
      this.#cache.set(key, answer, Math.min(now + ttl, expSec * 1000));
    }
    if (!answer.active)
      throw invalidToken(
        'inactive',
        'inactive: introspection answered active=false (revoked or session ended)',
      );
  }

  async #ask(token: string): Promise<Answer> {
    this.stats.requests++;
    try {
      return await withSpan('auth.introspect', { 'url.full': this.#endpoint }, async () => {
        const response = await this.#deps.fetch(this.#endpoint, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            authorization: this.#auth,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
          signal: AbortSignal.timeout(this.#timeout),
        });
        if (response.status !== 200) {
          await response.body?.cancel();
          throw new Error(`introspection endpoint answered HTTP ${response.status}`);
        }
        const body = (await response.json()) as { active?: unknown };
        return { active: body.active === true };
      });
    } catch (error) {
      this.#deps.logger.warn(
        { endpoint: this.#endpoint, err: error instanceof Error ? error.message : String(error) },
        'token introspection failed',
      );
      throw new AuthError('AUTH_IDP_UNAVAILABLE', 'token introspection unavailable', {
        reason: 'introspection_unavailable',
        detail: `introspection_unavailable endpoint=${this.#endpoint}: ${error instanceof Error ? error.message : String(error)}`,
        retryAfterSec: this.#retryAfterSec,
        cause: error,
      });
    }
  }
}
